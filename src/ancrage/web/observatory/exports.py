"""CSV and XLSX downloads of the tables shown on the public pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

EXPORT_MAX_ROWS = 200_000
FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def csv_response(
    filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict]
) -> StreamingHttpResponse:
    """Stream a UTF-8 CSV (with BOM, so that spreadsheet software reads accents right)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([label for _, label in columns])
        for row in rows:
            yield writer.writerow(
                ["" if row.get(k) is None else _cell(row.get(k)) for k, _ in columns]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict], sheet: str
) -> HttpResponse:
    """An Excel workbook with one sheet, header row frozen."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.freeze_panes = "A2"
    ws.append([label for _, label in columns])
    for row in rows:
        # Dates stay dates: openpyxl writes them as real spreadsheet dates.
        ws.append([_cell(row.get(key)) for key, _ in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(
    fmt: str, filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict], sheet: str
) -> HttpResponse | StreamingHttpResponse:
    if fmt == "xlsx":
        return xlsx_response(filename, columns, rows, sheet)
    return csv_response(filename, columns, rows)


BUYER_COLUMNS = [
    ("buyer_id", "SIRET"),
    ("name", "Nom"),
    ("commune_code", "Code commune"),
    ("commune_name", "Commune"),
    ("departement", "Département"),
    ("contract_count", "Nombre de marchés"),
]

CONTRACT_COLUMNS = [
    ("contract_id", "Identifiant Ancrage"),
    ("id", "id (DECP)"),
    ("buyer_id", "SIRET de l'acheteur"),
    ("notification_date", "Date de notification"),
    ("object", "Objet"),
    ("family_label", "Famille d'achat"),
    ("procedure", "Procédure"),
    ("cpv", "Code CPV"),
    ("amount_ht", "Montant initial HT (€)"),
    ("current_amount_ht", "Montant actuel HT (€)"),
    ("duration_months", "Durée (mois)"),
    ("has_social_consideration", "Considération sociale"),
    ("has_environmental_consideration", "Considération environnementale"),
    ("awardee_count", "Nombre de titulaires"),
    ("awardees_text", "Titulaires"),
]


def contract_rows(rows: Iterable[dict]) -> Iterable[dict]:
    """Add the display columns of a contract (family label, awardees as text)."""
    from ancrage.web.observatory.queries import FAMILY_LABELS

    for row in rows:
        awardees = row.get("awardees") or []
        yield {
            **row,
            "family_label": FAMILY_LABELS.get(row.get("family") or "", row.get("family")),
            "awardees_text": "; ".join(
                f"{a['supplier_id']} ({a['name']})" if a.get("name") else str(a["supplier_id"])
                for a in awardees
            ),
        }
