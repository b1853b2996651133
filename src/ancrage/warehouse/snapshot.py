"""Immutable warehouse snapshots and the atomic switch between them.

Layout of the data directory::

    data/
      CURRENT                      # text file: the id of the snapshot in use
      snapshots/<id>/<table>.parquet
      snapshots/<id>/manifest.json # row counts, import ids, creation time
      staging/<import_id>/...      # work in progress of an import (never read by queries)

An import writes a complete new snapshot, then replaces ``CURRENT`` with ``os.replace``, which is
atomic on POSIX. A crash or Ctrl-C before that leaves ``CURRENT`` pointing to the previous, complete
snapshot; readers (CLI, web site) keep serving it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ancrage import config
from ancrage.warehouse.schema import TABLES

CURRENT_FILE = "CURRENT"
KEEP_SNAPSHOTS = 2  # the current one and its predecessor, for readers still on it


class WarehouseError(RuntimeError):
    """A problem with the warehouse directory, explained in French."""


@dataclass(frozen=True)
class Snapshot:
    id: str
    path: Path

    def table_path(self, table: str) -> Path:
        return self.path / f"{table}.parquet"

    def manifest(self) -> dict:
        manifest = self.path / "manifest.json"
        return json.loads(manifest.read_text()) if manifest.exists() else {}


def new_snapshot_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def current(data_dir: Path | None = None) -> Snapshot | None:
    """The snapshot in use, or None if nothing was imported yet."""
    root = data_dir or config.data_dir()
    pointer = root / CURRENT_FILE
    if not pointer.exists():
        return None
    snap_id = pointer.read_text().strip()
    path = root / "snapshots" / snap_id
    if not path.is_dir():
        raise WarehouseError(
            f"L'entrepôt {root} désigne l'instantané {snap_id!r}, introuvable : "
            "le répertoire de données a été modifié à la main."
        )
    return Snapshot(snap_id, path)


def publish(snapshot_dir: Path, data_dir: Path | None = None) -> Snapshot:
    """Make a fully written snapshot directory the current one, atomically."""
    root = data_dir or config.data_dir()
    pointer = root / CURRENT_FILE
    tmp = root / f".{CURRENT_FILE}.tmp"
    tmp.write_text(snapshot_dir.name + "\n")
    with open(tmp, "rb+") as handle:  # the pointer must be on disk before it replaces the old one
        os.fsync(handle.fileno())
    os.replace(tmp, pointer)
    _prune(root, keep=snapshot_dir.name)
    return Snapshot(snapshot_dir.name, snapshot_dir)


def _prune(root: Path, keep: str) -> None:
    snapshots = sorted(p for p in (root / "snapshots").iterdir() if p.is_dir())
    old = [p for p in snapshots if p.name != keep][: max(0, len(snapshots) - KEEP_SNAPSHOTS)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)


def connect(data_dir: Path | None = None, snapshot: Snapshot | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table of the current snapshot.

    Views exist even before the first import (empty, with the right columns), so that callers
    never need a special case for an empty warehouse.
    """
    snap = snapshot or current(data_dir)
    con = duckdb.connect()
    for table, schema in TABLES.items():
        path = snap.table_path(table) if snap else None
        if path is not None and path.exists():
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
        else:
            con.register(f"_{table}_empty", schema.empty_table())
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM _{table}_empty")
    return con
