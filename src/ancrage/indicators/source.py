"""Indicator inputs read from the warehouse (DuckDB), with enrichment and a territory."""

from __future__ import annotations

import uuid

import duckdb
import ibis

from ancrage import enrichment
from ancrage.enrichment import Territory
from ancrage.indicators.inputs import INPUT_SCHEMAS, IndicatorInputs, Period

DEFAULT_TERRITORY = "departement"


def parse_territory(text: str | Territory) -> Territory:
    """``"departement"``, ``"radius:30"``… (French error from ``TerritoryError`` otherwise)."""
    return text if isinstance(text, Territory) else Territory.parse(text)


def from_warehouse(
    con: duckdb.DuckDBPyConnection,
    territory: str | Territory = DEFAULT_TERRITORY,
    period: Period | None = None,
    buyer_territories: dict[str, Territory] | None = None,
    materialize: bool = True,
) -> IndicatorInputs:
    """The six inputs on ``con`` (a ``warehouse.connect()`` connection), bases materialised.

    Registers the enrichment views and builds ``awardee_locality`` for ``territory``. With
    ``materialize``, the prepared bases are computed once into temporary tables, because every
    indicator reads them (about thirty scans of the contracts otherwise).
    """
    enrichment.register(con, materialize=materialize)
    enrichment.locality(con, parse_territory(territory), buyer_territories)
    backend = ibis.duckdb.from_connection(con)
    inputs = IndicatorInputs(
        **{name: backend.table(name) for name in INPUT_SCHEMAS}, period=period or Period()
    )
    if materialize:
        for base in ("contract_base", "awardee_base", "locality_base"):
            expr = getattr(inputs, base)
            # A fresh name per call: ibis cannot overwrite a temporary table on DuckDB.
            name = f"_ind_{base}_{uuid.uuid4().hex[:8]}"
            setattr(inputs, base, backend.create_table(name, expr, temp=True))
    return inputs


def buyer_exists(con: duckdb.DuckDBPyConnection, buyer_id: str) -> bool:
    row = con.execute("SELECT count(*) FROM contracts WHERE buyer_id = ?", [buyer_id]).fetchone()
    return bool(row and row[0])


def buyer_name(con: duckdb.DuckDBPyConnection, buyer_id: str) -> str | None:
    """The buyer's name from its profile (SIRENE) or, failing that, from the data."""
    for sql in (
        "SELECT name FROM buyer_profiles WHERE buyer_id = ? AND name IS NOT NULL LIMIT 1",
        "SELECT name FROM buyers WHERE buyer_id = ? AND name IS NOT NULL LIMIT 1",
    ):
        try:
            row = con.execute(sql, [buyer_id]).fetchone()
        except duckdb.Error:
            continue
        if row:
            return row[0]
    return None
