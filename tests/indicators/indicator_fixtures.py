"""Helpers for the golden fixtures of the indicator engine: small input tables and hand-computed results.

Layout: ``fixtures/inputs/<set>/<table>.csv`` (only the columns the set needs; the others are
NULL) and ``fixtures/<indicator_id>.expected.json`` = ``{"inputs": <set>, "group_by": [...],
"calcul": "<the hand computation>", "rows": [...]}``. In the CSV files an empty cell is NULL and
list cells separate their items with ``|``.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import date
from pathlib import Path

import pyarrow as pa

from ancrage.indicators.inputs import INPUT_SCHEMAS, IndicatorInputs, Period

FIXTURES = Path(__file__).parent / "fixtures"
NUMBERS = ("value", "numerator", "denominator", "peer_median", "peer_percentile")


def _cell(text: str, type_: pa.DataType) -> object:
    if text == "":
        return None
    if pa.types.is_list(type_):
        return text.split("|")
    if pa.types.is_boolean(type_):
        return {"true": True, "false": False}[text]
    if pa.types.is_integer(type_):
        return int(text)
    if pa.types.is_floating(type_):
        return float(text)
    if pa.types.is_date(type_):
        return date.fromisoformat(text)
    return text


def read_table(path: Path, schema: pa.Schema) -> pa.Table:
    """A CSV fixture as an Arrow table with the full input schema (missing columns are NULL)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    unknown = set(rows[0]) - set(schema.names) if rows else set()
    assert not unknown, f"{path}: colonnes inconnues {unknown}"
    columns = {
        f.name: pa.array([_cell(r.get(f.name, ""), f.type) for r in rows], f.type) for f in schema
    }
    return pa.table(columns, schema=schema)


def load_inputs(name: str) -> dict[str, pa.Table]:
    """The Arrow tables of input set ``name``."""
    folder = FIXTURES / "inputs" / name
    assert folder.is_dir(), folder
    return {
        table: read_table(folder / f"{table}.csv", schema)
        for table, schema in INPUT_SCHEMAS.items()
        if (folder / f"{table}.csv").exists()
    }


def make_inputs(name: str, period: Period | None = None) -> IndicatorInputs:
    return IndicatorInputs.from_arrow(load_inputs(name), period)


def expected_files() -> list[Path]:
    return sorted(FIXTURES.glob("*.expected.json"))


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rows_of(table: pa.Table, columns: list[str]) -> list[dict]:
    """Rows as dicts, sorted by their keys, for order-independent comparison."""
    return sort_rows([{c: row[c] for c in columns} for row in table.to_pylist()], columns)


def sort_rows(rows: list[dict], columns: list[str]) -> list[dict]:
    keys = [c for c in columns if c not in NUMBERS]
    return sorted(
        ({c: r.get(c) for c in columns} for r in rows),
        key=lambda r: [(r[c] is None, str(r[c])) for c in keys],
    )


def same_number(a: float | None, b: float | None, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def table_of(name: str, rows: list[dict]) -> pa.Table:
    """An input table from a few dicts (missing columns are NULL)."""
    return pa.Table.from_pylist(rows, schema=INPUT_SCHEMAS[name])
