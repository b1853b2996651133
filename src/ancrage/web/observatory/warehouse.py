"""Read access to the analytical warehouse for the web application (no Django here).

One DuckDB connection per process and per served snapshot, shared by the threads of the
process: each thread reads through its own cursor (DuckDB cursors are thread-safe views of one
database), so the tables built once (snapshot cache, per-territory localities) serve every
thread, and the Parquet files are opened once.

What is served: the snapshot named by ``CURRENT`` as soon as its snapshot cache
(:mod:`snapshot_cache`) is written. When an import publishes a new snapshot, its cache is built
in the background (``ANCRAGE_WEB_CACHE_BUILD=background``, the default) while the site keeps
serving the previous snapshot, then the next request switches to the new one; with ``wait``, the
first request on the new snapshot builds it and waits (tests, a single process). Requests
already running finish on the snapshot they started with (kept on disk by the warehouse).

:func:`memo` keeps results computed from a snapshot (figures, rendered sections) per process;
its keys hold the snapshot, and switching snapshot empties it.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import duckdb

from ancrage import config
from ancrage.warehouse import Snapshot, connect, current
from ancrage.web.observatory import indicator_data, snapshot_cache
from ancrage.web.observatory.indicator_data import LruCache
from ancrage.web.observatory.queries import materialise_buyer_directory

log = logging.getLogger(__name__)
T = TypeVar("T")

# Optional layers that add views (reference tables, buyer and supplier profiles) when their
# packages are installed and their data imported. The site works without them, with less detail.
OPTIONAL_LAYERS = ("ancrage.reference", "ancrage.enrichment")
BUILD_MODES = ("background", "wait")


def build_mode() -> str:
    mode = os.environ.get("ANCRAGE_WEB_CACHE_BUILD", "background").strip().lower()
    if mode not in BUILD_MODES:
        raise ValueError(
            f"ANCRAGE_WEB_CACHE_BUILD={mode!r} : valeurs possibles « background » ou « wait »."
        )
    return mode


class Served:
    """One snapshot as the site reads it: a connection and, normally, its snapshot cache."""

    def __init__(self, root: Path, snapshot: Snapshot | None, cache: Path | None) -> None:
        self.root, self.snapshot, self.cache = root, snapshot, cache
        self.snapshot_id = snapshot.id if snapshot else None
        self.key = (str(root), self.snapshot_id, str(cache) if cache else None)
        self.con = connect(root, snapshot)
        _register_optional_layers(self.con)
        _share_registered(self.con)
        if cache is not None:
            snapshot_cache.attach(self.con, cache)
        else:  # no cache (empty warehouse, or its build failed): the slower direct reads
            materialise_buyer_directory(self.con)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self.con.cursor()
        indicator_data.PRIVATE_CONNECTIONS[cursor] = self.private_connection
        _SERVED_BY[cursor] = self
        return cursor

    def private_connection(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the same snapshot (for the engine, which changes views)."""
        con = connect(self.root, self.snapshot)
        _register_optional_layers(con)
        return con


_lock = threading.Lock()
_served: Served | None = None
_local = threading.local()
_building: dict[str, threading.Thread] = {}
_failed: set[tuple[str, str]] = set()
_SERVED_BY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MEMOS: dict[str, LruCache] = {}


def layers() -> tuple[str, ...]:
    return tuple(OPTIONAL_LAYERS)


def _register_optional_layers(con: duckdb.DuckDBPyConnection) -> None:
    for name in OPTIONAL_LAYERS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        register = getattr(module, "register", None)
        if register is None:
            continue
        try:
            register(con)
        except Exception:  # a missing optional table must not take the public site down
            log.warning("Couche optionnelle %s non chargée", name, exc_info=True)


_EMPTY = re.compile(r"FROM\s+(_\w+_empty)\b", re.IGNORECASE)


def _share_registered(con: duckdb.DuckDBPyConnection) -> None:
    """Turn the views over registered (Python) empty tables into tables: registered objects
    are seen by their own connection only, not by the cursors of the other threads."""
    views = con.execute(
        "SELECT view_name, sql FROM duckdb_views() "
        "WHERE NOT internal AND database_name = current_database()"
    ).fetchall()
    for name, sql in views:
        match = _EMPTY.search(sql or "")
        if match is None:
            continue
        con.execute(f"DROP VIEW {name}")
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {match.group(1)}")


def prepare(data_dir: Path | None = None) -> Path | None:
    """Build the snapshot cache of the current snapshot now (``ancrage serve`` does it before
    starting the workers). Returns its path, or None before the first import."""
    root = data_dir or config.data_dir()
    snap = current(root)
    if snap is None:
        return None
    return snapshot_cache.build(root, snap, layers(), _register_optional_layers)


def _build(root: Path, snap: Snapshot) -> Path | None:
    try:
        return snapshot_cache.build(root, snap, layers(), _register_optional_layers)
    except Exception:
        log.exception("Cache web de l'instantané %s impossible : lecture directe", snap.id)
        _failed.add((str(root), snap.id))
        return None


def _build_in_background(root: Path, snap: Snapshot) -> None:
    thread = _building.get(snap.id)
    if thread is not None and thread.is_alive():
        return
    thread = threading.Thread(
        target=_build, args=(root, snap), name=f"cache-{snap.id}", daemon=True
    )
    _building[snap.id] = thread
    thread.start()


def _previous(root: Path, snap: Snapshot, now: Served | None) -> Served | None:
    """A snapshot older than ``snap`` whose cache is ready, to serve while ``snap``'s builds."""
    if (
        now is not None
        and now.root == root
        and now.cache is not None
        and now.snapshot is not None
        and now.snapshot.path.is_dir()
    ):
        return now
    snapshots = root / "snapshots"
    for path in sorted((p for p in snapshots.iterdir() if p.is_dir()), reverse=True):
        if path.name >= snap.id or not (path / "manifest.json").exists():
            continue
        older = Snapshot(path.name, path)
        cache = snapshot_cache.path_for(root, older, layers())
        if snapshot_cache.is_ready(cache):
            return Served(root, older, cache)
    return None


def served() -> Served:
    """The snapshot the site serves now (see the module's docstring)."""
    global _served
    root = config.data_dir()
    snap = current(root)
    wanted = snap.id if snap else None
    now = _served
    if now is not None and now.root == root and now.snapshot_id == wanted:
        return now
    with _lock:
        now = _served
        if now is not None and now.root == root and now.snapshot_id == wanted:
            return now
        if snap is None:
            chosen = Served(root, None, None)
        else:
            cache = snapshot_cache.path_for(root, snap, layers())
            if snapshot_cache.is_ready(cache):
                chosen = Served(root, snap, cache)
            elif (str(root), snap.id) in _failed:
                chosen = Served(root, snap, None)
            else:
                fallback = _previous(root, snap, now) if build_mode() == "background" else None
                if fallback is not None:
                    _build_in_background(root, snap)
                    chosen = fallback
                else:
                    built = _build(root, snap)
                    chosen = Served(root, snap, built)
        if now is None or chosen.key != now.key:
            for cache in _MEMOS.values():
                cache.clear()
            _served = chosen
        return chosen


def snapshot_id(data_dir: Path | None = None) -> str | None:
    """Id of the snapshot the site serves (of ``CURRENT`` in ``data_dir`` when given), or None
    before the first import."""
    if data_dir is not None:
        snap = current(data_dir)
        return snap.id if snap else None
    return served().snapshot_id


def connection() -> duckdb.DuckDBPyConnection:
    """The calling thread's cursor on the served snapshot (opened on first use)."""
    state = served()
    cached = getattr(_local, "cursor", None)
    if cached is not None and cached[0] is state:
        return cached[1]
    cursor = state.cursor()
    _local.cursor = (state, cursor)
    return cursor


def memo(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    key: Hashable,
    compute: Callable[[], T],
    maxsize: int = 256,
) -> T:
    """``compute()``, kept per process for the snapshot ``con`` reads (a connection that is not
    the site's is never cached). Callers must not mutate the value they get."""
    state = _SERVED_BY.get(con)
    if state is None:
        return compute()
    cache = _MEMOS.get(kind)
    if cache is None:
        with _lock:
            cache = _MEMOS.setdefault(kind, LruCache(maxsize))
    full = (state.key, key)
    value = cache.get(full)
    if value is None:
        value = compute()
        if state is _served:  # never keep figures of a snapshot that is no longer served
            cache.put(full, value)
    return value


def clear_memos() -> None:
    for cache in _MEMOS.values():
        cache.clear()
