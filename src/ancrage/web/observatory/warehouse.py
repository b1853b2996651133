"""Read access to the analytical warehouse for the web application (no Django here).

One DuckDB connection per thread and per snapshot: opening views costs a few milliseconds, and a
connection must not be shared between threads. The ``CURRENT`` pointer is re-read on every call, so
when an import publishes a new snapshot the next request uses it, while requests already running
finish on the previous one (kept on disk by the warehouse).
"""

from __future__ import annotations

import importlib
import logging
import threading
from pathlib import Path

import duckdb

from ancrage import config
from ancrage.warehouse import connect, current
from ancrage.web.observatory.queries import materialise_buyer_directory

log = logging.getLogger(__name__)
_local = threading.local()

# Optional layers that add views (reference tables, buyer and supplier profiles) when their
# packages are installed and their data imported. The site works without them, with less detail.
OPTIONAL_LAYERS = ("ancrage.reference", "ancrage.enrichment")


def snapshot_id(data_dir: Path | None = None) -> str | None:
    """Id of the snapshot in use, or None before the first import."""
    snap = current(data_dir)
    return snap.id if snap else None


def connection() -> duckdb.DuckDBPyConnection:
    """The calling thread's connection to the current snapshot (opened on first use)."""
    root = config.data_dir()
    snap = current(root)
    key = (str(root), snap.id if snap else None)
    cached = getattr(_local, "cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None:
        cached[1].close()
    con = connect(root, snap)
    _register_optional_layers(con)
    materialise_buyer_directory(con)
    _local.cache = (key, con)
    return con


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
