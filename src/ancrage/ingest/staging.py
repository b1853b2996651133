"""Buffered writer of the rows of an import into Parquet parts in a staging directory.

Rows are kept as dicts only until a batch is full, then written as one Parquet part per table, so
memory depends on the batch size, not on the file size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.warehouse import schema as ws

BATCH_ROWS = 10_000
QUARANTINE_BATCH_ROWS = 2_000

# Staging tables: the warehouse tables plus the bookkeeping columns the final step needs.
STAGING: dict[str, pa.Schema] = {
    "contracts": ws.CONTRACTS.append(pa.field("_order", pa.int64()))
    .append(pa.field("_file", pa.int64()))
    .append(pa.field("_rows", pa.int64()))
    .append(pa.field("_last_publication", pa.date32())),
    # Child rows carry the _order of their record: two workers may stage the same content.
    "awardees": ws.AWARDEES.append(pa.field("_order", pa.int64())),
    "modifications": ws.MODIFICATIONS.append(pa.field("_order", pa.int64())),
    "quality_issues": ws.QUALITY_ISSUES.append(pa.field("_order", pa.int64())),
    "raw_records": ws.RAW_RECORDS,
    "quarantine": ws.QUARANTINE.append(pa.field("_file", pa.int64())).append(
        pa.field("_order", pa.int64())
    ),
    "duplicates": ws.DUPLICATES.append(pa.field("_file", pa.int64())),
}


class StagingWriter:
    def __init__(self, directory: Path, prefix: str = "") -> None:
        self.directory = directory
        self.prefix = prefix  # distinguishes the parts of parallel workers
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in STAGING}
        # Rows held before a flush: a batch of contracts, more of the smaller child rows, fewer
        # quarantined records (each keeps its whole text, up to a whole unreadable file).
        self.limits = dict.fromkeys(STAGING, 4 * BATCH_ROWS) | {
            "contracts": BATCH_ROWS,
            "quarantine": QUARANTINE_BATCH_ROWS,
        }
        self.parts = 0
        for name in STAGING:
            (directory / name).mkdir(parents=True, exist_ok=True)

    def add(self, table: str, row: dict[str, Any]) -> None:
        rows = self.buffers[table]
        rows.append(row)
        # Checked on every row, whatever the table: a file read again only adds duplicates,
        # and their rows must not pile up in memory until the end.
        if len(rows) >= self.limits[table]:
            self.flush()

    def extend(self, table: str, rows: list[dict[str, Any]]) -> None:
        buffer = self.buffers[table]
        buffer.extend(rows)
        if len(buffer) >= self.limits[table]:
            self.flush()

    def flush(self) -> None:
        for name, rows in self.buffers.items():
            if not rows:
                continue
            schema = STAGING[name]
            columns = {field: [row.get(field) for row in rows] for field in schema.names}
            table = pa.Table.from_pydict(columns, schema=schema)
            pq.write_table(
                table,
                self.directory / name / f"{self.prefix}part-{self.parts:05d}.parquet",
                compression="zstd",
                compression_level=1,
            )
            rows.clear()
        self.parts += 1

    def files(self, table: str) -> list[Path]:
        """The staged parts of a table, in the order DuckDB reads ``glob(table)``."""
        return sorted((self.directory / table).glob("*.parquet"))

    def glob(self, table: str) -> str:
        """DuckDB path pattern of a staged table ('' when nothing was staged)."""
        files = list((self.directory / table).glob("*.parquet"))
        return str(self.directory / table / "*.parquet") if files else ""
