"""A buyer's scorecard: the engine's rows with French labels, as JSON, CSV, XLSX or a table."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from ancrage.indicators.engine import VALUE_COLUMNS
from ancrage.indicators.prepare import BREAKDOWNS
from ancrage.indicators.registry import CATALOGUE, get

FORMATS = ("table", "json", "csv", "xlsx")
# An entry of the scorecard: the indicator, its category label, then the engine's value columns.
ENTRY_FIELDS = ("id", "label", "category", "category_label", *VALUE_COLUMNS[1:])
HEADERS_FR = {
    "id": "Identifiant",
    "label": "Indicateur",
    "category": "Catégorie",
    "category_label": "Libellé de la catégorie",
    "value": "Valeur",
    "numerator": "Numérateur",
    "denominator": "Dénominateur",
    "unit": "Unité",
    "target": "Objectif",
    "gap": "Écart à l'objectif",
    "available": "Disponible",
    "reason": "Raison (si non disponible)",
    "peer_group": "Groupe de pairs",
    "peer_median": "Médiane des pairs",
    "peer_percentile": "Rang centile parmi les pairs",
    "peer_count": "Nombre de pairs",
    **BREAKDOWNS,
}
_POSITION = {ind.id: i for i, ind in enumerate(CATALOGUE)}


def _category_label(indicator_id: str, category: str | None) -> str | None:
    if category is None:
        return None
    labels = get(indicator_id).category_labels
    if indicator_id == "data_quality":
        return _quality_rule_label(category)
    return labels.get(category, category)


def _quality_rule_label(rule: str) -> str:
    """The French label of an import quality rule, when the ingestion package gives one."""
    try:
        from ancrage.ingest import quality  # optional: labels only
    except ImportError:
        return rule
    labels = getattr(quality, "RULE_LABELS", None) or getattr(quality, "RULES", None)
    if isinstance(labels, dict):
        label = labels.get(rule)
        return label if isinstance(label, str) else rule
    return rule


def _category_order(indicator_id: str, category: str | None) -> int:
    order = [c for c, _ in get(indicator_id).categories]
    return order.index(category) if category in order else len(order)


def entries(result: pa.Table, keys: list[str]) -> list[dict[str, Any]]:
    """One dict per result row, with labels, in catalogue and category order."""
    out = []
    for row in result.to_pylist():
        ind = get(row["indicator_id"])
        entry: dict[str, Any] = {"id": ind.id, "label": ind.label}
        for key in keys:
            if key != "buyer_id":
                entry[key] = row[key]
        entry["category"] = row["category"]
        entry["category_label"] = _category_label(ind.id, row["category"])
        for field in ENTRY_FIELDS[4:]:
            entry[field] = row[field]
        out.append(entry)
    breakdown = [k for k in keys if k != "buyer_id"]
    out.sort(
        key=lambda e: (
            _POSITION[e["id"]],
            [(e[k] is None, str(e[k])) for k in breakdown],
            _category_order(e["id"], e["category"]),
        )
    )
    return out


def scorecard(
    buyer: dict[str, Any],
    period: dict[str, Any],
    territory: dict[str, Any],
    result: pa.Table,
    keys: list[str],
) -> dict[str, Any]:
    """The JSON document of ``ancrage indicators compute``."""
    return {
        "buyer": buyer,
        "period": period,
        "territory": territory,
        "group_by": [k for k in keys if k != "buyer_id"],
        "indicators": entries(result, keys),
    }


def columns_of(card: dict[str, Any]) -> list[str]:
    breakdown = card["group_by"]
    return ["id", "label", *breakdown, *ENTRY_FIELDS[2:]]


def to_json(card: dict[str, Any]) -> bytes:
    return orjson.dumps(card, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"


def to_csv(card: dict[str, Any]) -> str:
    columns = columns_of(card)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for entry in card["indicators"]:
        writer.writerow(["" if entry[c] is None else entry[c] for c in columns])
    return buffer.getvalue()


def to_xlsx(card: dict[str, Any], path: Path) -> None:
    """Two sheets: the indicators (French headers) and the parameters of the computation."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Indicateurs"
    columns = columns_of(card)
    sheet.append([HEADERS_FR.get(c, c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in card["indicators"]:
        sheet.append([_xlsx_value(entry[c]) for c in columns])
    sheet.freeze_panes = "C2"
    params = book.create_sheet("Paramètres")
    buyer, period, territory = card["buyer"], card["period"], card["territory"]
    for row in (
        ("Acheteur (SIRET)", buyer.get("id")),
        ("Nom", buyer.get("name")),
        ("Période : début", period.get("from") or "(toutes les données)"),
        ("Période : fin", period.get("to") or "(toutes les données)"),
        ("Territoire", territory.get("label")),
        ("Ventilation", ", ".join(BREAKDOWNS[k] for k in card["group_by"]) or "(aucune)"),
    ):
        params.append(list(row))
    book.save(path)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def format_value(value: float | None, unit: str) -> str:
    """French display of a value: ``45,8 %``, ``40,0 km``, ``3 028`` (index)."""
    if value is None:
        return "—"
    if unit == "indice":
        text = f"{value:,.0f}"
    elif unit == "offres":
        text = f"{value:,.2f}"
    else:
        text = f"{value:,.1f}"
    text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text} {unit}" if unit in ("%", "km", "offres") else text
