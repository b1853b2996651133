"""Exports of the référentiel: JSON, CSV (one row per entry), printable HTML and PDF."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson

from ancrage.clauses.clausier import render_html
from ancrage.clauses.library import Library

CSV_COLUMNS = (
    "id",
    "family",
    "title",
    "kind",
    "pillar",
    "cpv",
    "wording",
    "verification_means",
    "verification_description",
    "weight_min",
    "weight_max",
    "legal_basis",
    "decp_value",
    "eforms",
    "pitfalls",
    "sources",
    "keywords",
)
LIST_SEPARATOR = " | "


def to_json(library: Library) -> bytes:
    """Every family (label, version) and every entry, as UTF-8 JSON."""
    document = {
        "families": [
            {"family": slug, "label": label, "version": version}
            for slug, (label, version) in sorted(library.families.items())
        ],
        "entries": [clause.to_dict() for clause in library.entries],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def to_csv(library: Library) -> str:
    """One row per entry; lists joined with `` | ``, a source written ``title (reference)``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    join = LIST_SEPARATOR.join
    for c in library.entries:
        writer.writerow(
            (
                c.id,
                c.family,
                c.title,
                c.kind,
                c.pillar,
                join(c.cpv),
                c.wording,
                join(c.verification.means),
                c.verification.description,
                c.weight_range[0] if c.weight_range else "",
                c.weight_range[1] if c.weight_range else "",
                join(c.legal_basis),
                join(c.decp_value),
                c.eforms or "",
                join(c.pitfalls),
                join(f"{s.title} ({s.reference})" for s in c.sources),
                join(c.keywords),
            )
        )
    return buffer.getvalue()


def export_json(library: Library, output: Path) -> Path:
    """Write ``to_json`` to ``output``."""
    Path(output).write_bytes(to_json(library))
    return Path(output)


def export_csv(library: Library, output: Path) -> Path:
    """Write ``to_csv`` to ``output`` (UTF-8 with BOM, so that spreadsheet software reads accents)."""
    Path(output).write_text(to_csv(library), encoding="utf-8-sig")
    return Path(output)


def export_html(library: Library, output: Path) -> Path:
    """Write the printable clausier (self-contained HTML) to ``output``."""
    Path(output).write_text(render_html(library), encoding="utf-8")
    return Path(output)


def export_pdf(library: Library, output: Path) -> Path:
    """Render the printable clausier to PDF with WeasyPrint."""
    # Imported here: WeasyPrint needs system libraries (Pango) that other exports do not.
    from weasyprint import HTML

    HTML(string=render_html(library)).write_pdf(str(output))
    return Path(output)
