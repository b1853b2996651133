"""The warehouse: normalised Parquet tables in immutable snapshots, queried with DuckDB."""

from ancrage.warehouse.snapshot import Snapshot, WarehouseError, connect, current

__all__ = ["Snapshot", "WarehouseError", "connect", "current"]
