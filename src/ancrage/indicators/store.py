"""``indicator_values``: every indicator for every buyer and year, stored in the warehouse.

Written by ``ancrage indicators compute --all`` through ``warehouse.snapshot.derive`` (a new
snapshot, published atomically); read by the web site. One row per (indicator, buyer, year,
category), with the peer benchmarks and the territory used for the local indicators.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ancrage import config
from ancrage.indicators import engine
from ancrage.indicators.inputs import Period
from ancrage.indicators.source import from_warehouse, parse_territory
from ancrage.warehouse.snapshot import Snapshot, derive

TABLE = "indicator_values"
INDICATOR_VALUES = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("buyer_id", pa.string()),
        ("year", pa.int64()),  # year of notification; NULL = contracts without a date
        ("category", pa.string()),  # NULL unless the indicator has categories
        ("value", pa.float64()),  # NULL = not available (see reason), never a stand-in 0
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("unit", pa.string()),
        ("target", pa.float64()),
        ("gap", pa.float64()),
        ("available", pa.bool_()),
        ("reason", pa.string()),
        ("peer_group", pa.string()),
        ("peer_median", pa.float64()),
        ("peer_percentile", pa.float64()),
        ("peer_count", pa.int64()),
        ("territory", pa.string()),  # e.g. "departement", "radius:30"
    ]
)


def compute_all(
    con: duckdb.DuckDBPyConnection, territory: str = "departement", period: Period | None = None
) -> pa.Table:
    """Every indicator × buyer × year, with peers, as an Arrow table of ``INDICATOR_VALUES``."""
    parsed = parse_territory(territory)
    inputs = from_warehouse(con, parsed, period)
    result = engine.run(inputs, ["buyer_id", "year"])
    result = result.append_column(
        "territory", pa.array([str(parsed)] * result.num_rows, pa.string())
    )
    return result.select(INDICATOR_VALUES.names).cast(INDICATOR_VALUES)


def write_all(
    con: duckdb.DuckDBPyConnection,
    territory: str = "departement",
    period: Period | None = None,
    data_dir: Path | None = None,
) -> tuple[Snapshot, int]:
    """Compute ``indicator_values`` and publish it in a new warehouse snapshot."""
    table = compute_all(con, territory, period)
    root = data_dir or config.data_dir()
    # Written next to the snapshots so that derive() moves the file instead of copying it.
    workdir = Path(tempfile.mkdtemp(prefix=".indicators-", dir=root))
    try:
        path = workdir / f"{TABLE}.parquet"
        pq.write_table(table, path)
        snapshot = derive(
            {TABLE: path}, note=f"indicateurs ({parse_territory(territory)})", data_dir=root
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return snapshot, table.num_rows
