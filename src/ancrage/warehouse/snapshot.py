"""Immutable warehouse snapshots and the atomic switch between them.

Layout of the data directory::

    data/
      CURRENT                      # text file: the id of the snapshot in use
      snapshots/<id>/<table>.parquet
      snapshots/<id>/<table>/<import id>-<n>.parquet  # tables kept as parts (see below)
      snapshots/<id>/manifest.json # row counts, import ids, creation time
      staging/<import_id>/...      # work in progress of an import (never read by queries)

An import writes a complete new snapshot, then replaces ``CURRENT`` with ``os.replace``, which is
atomic on POSIX. A crash or Ctrl-C before that leaves ``CURRENT`` pointing to the previous, complete
snapshot; readers (CLI, web site) keep serving it.

The largest tables (contracts, their awardees, the raw texts) are directories of parts named
after the import that wrote them: a snapshot hard-links the parts it shares with its
predecessor, so that an import of a few records does not rewrite a national warehouse. Readers
see one table per directory (a glob, read in the order of the part names: oldest import first).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ancrage import config
from ancrage.warehouse.schema import TABLES

CURRENT_FILE = "CURRENT"
KEEP_SNAPSHOTS = 2  # the current one and its predecessor, for readers still on it
STALE_STAGING_SECONDS = 6 * 3600


class WarehouseError(RuntimeError):
    """A problem with the warehouse directory, explained in French."""


@dataclass(frozen=True)
class Snapshot:
    id: str
    path: Path

    def table_path(self, table: str) -> Path:
        """The single file of a table (see :meth:`source` for tables kept as parts)."""
        return self.path / f"{table}.parquet"

    def source(self, table: str) -> str | None:
        """Where DuckDB reads ``table``: its parts (a glob), its single file (a table written
        before it was kept as parts), or None when the snapshot does not have it."""
        parts = self.path / table
        if parts.is_dir() and any(parts.glob("*.parquet")):
            return str(parts / "*.parquet")
        single = self.table_path(table)
        return str(single) if single.exists() else None

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
    """Remove old complete snapshots, and staging directories abandoned by interrupted imports.

    A directory without a manifest may be an import still being written by another process: it is
    only removed once it is older than ``STALE_STAGING_SECONDS``.
    """
    complete, now = [], time.time()
    for path in sorted(p for p in (root / "snapshots").iterdir() if p.is_dir()):
        if (path / "manifest.json").exists():
            complete.append(path)
        elif now - path.stat().st_mtime > STALE_STAGING_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
    older = [p for p in complete if p.name < keep]
    for path in older[: max(0, len(older) - (KEEP_SNAPSHOTS - 1))]:
        shutil.rmtree(path, ignore_errors=True)


def connect(
    data_dir: Path | None = None, snapshot: Snapshot | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table of the current snapshot.

    Views exist even before the first import (empty, with the right columns), so that callers
    never need a special case for an empty warehouse.
    """
    snap = snapshot or current(data_dir)
    con = duckdb.connect()
    present = table_paths(snap.path) if snap else {}
    for table, path in present.items():
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    for table, schema in TABLES.items():
        if table not in present:
            con.register(f"_{table}_empty", schema.empty_table())
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM _{table}_empty")
    return con


def table_paths(directory: Path) -> dict[str, str]:
    """Table name -> Parquet path or glob: single files, and directories of append-only parts."""
    found = {p.stem: str(p) for p in directory.glob("*.parquet")}
    for sub in directory.iterdir():
        if sub.is_dir() and not sub.name.startswith("_") and any(sub.glob("*.parquet")):
            found[sub.name] = str(sub / "*.parquet")
    return found


def staging_dir(data_dir: Path | None = None) -> Path:
    """A fresh directory where a new snapshot is written before it is published."""
    root = data_dir or config.data_dir()
    path = root / "snapshots" / new_snapshot_id()
    path.mkdir(parents=True, exist_ok=False)
    return path


def write_manifest(snapshot_dir: Path, note: str, extra: dict | None = None) -> None:
    counts = {}
    con = duckdb.connect()
    for name, path in sorted(table_paths(snapshot_dir).items()):
        counts[name] = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
    con.close()
    manifest = {
        "id": snapshot_dir.name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": note,
        "row_counts": counts,
        **(extra or {}),
    }
    (snapshot_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))


def derive(tables: dict[str, Path], note: str, data_dir: Path | None = None) -> Snapshot:
    """Publish a new snapshot equal to the current one with ``tables`` replaced or added.

    Unchanged tables are hard-linked (no copy); the given Parquet files are moved in. The new
    snapshot only becomes visible when complete, so an interrupted caller changes nothing.
    """
    root = data_dir or config.data_dir()
    base = current(root)
    target = staging_dir(root)
    try:
        if base is not None:
            for parquet in base.path.glob("*.parquet"):
                if parquet.stem not in tables:
                    link_or_copy(parquet, target / parquet.name)
            carry_parts(base.path, target, skip=set(tables))
        for name, source in tables.items():
            shutil.move(str(source), target / f"{name}.parquet")
        previous = base.manifest() if base else {}
        write_manifest(target, note, {"imports": previous.get("imports", [])})
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return publish(target, root)


def carry_parts(
    source: Path, target: Path, skip: set[str] = frozenset(), only: set[str] | None = None
) -> None:
    """Hard-link the part directories of tables (e.g. ``raw_records/``) into a new snapshot:
    all of them, but those in ``skip``, or only those in ``only``."""
    for sub in source.iterdir():
        if only is not None and sub.name not in only:
            continue
        if sub.is_dir() and not sub.name.startswith("_") and sub.name not in skip:
            (target / sub.name).mkdir(exist_ok=True)
            for part in sub.glob("*.parquet"):
                link_or_copy(part, target / sub.name / part.name)


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link of ``source`` at ``target`` (a copy on a file system without links)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
