"""The web cache of a snapshot: what the public pages read, computed once and sorted by buyer.

A snapshot never changes, so everything the pages derive from it can be computed once and kept
until the next snapshot. The cache is one DuckDB database file per snapshot::

    <ANCRAGE_WEB_CACHE_DIR or data dir/web-cache>/<snapshot id>/web-<FORMAT>-<layers>.duckdb

written by the first process that needs it (under a file lock: the other processes wait for it
and then read the same file), aside, then renamed, so that no process ever reads a partial file.
Every web process attaches it read-only. It holds:

- ``contracts`` and ``awardees`` (with the buyer's SIRET) sorted by buyer: one buyer's rows are
  then a few blocks of the file, not a scan of the 1.5 million contracts;
- ``directory`` (name and place of every buyer), ``places`` (its commune, EPCI, département,
  région and point) and ``buyer_stats`` (its totals and the values of its filters);
- ``supplier_profiles``, ``buyer_profiles`` and ``locality_departement`` (the locality of every
  current awardee for the default territory), computed once instead of once per process;
- ``indicator_values`` sorted by buyer when the snapshot has it, and ``national`` (the national
  figures of the home page);
- for the default territory, what the buyer page computed per buyer: ``breakdown_<dimension>``
  (family, CPV division, procedure) and ``suppliers_departement`` (suppliers by buyer and year),
  and ``territory_rows``, every indicator of every département, région and EPCI, all computed by
  the indicator engine over all contracts at once;
- the reference tables ``ref_*`` used by the pages.

No Django here: :mod:`ancrage.web.observatory.warehouse` decides when to build and which snapshot
to serve meanwhile.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import ibis

import ancrage
from ancrage.warehouse import Snapshot, connect

log = logging.getLogger(__name__)

# Bump when the content of the cache changes: older files are then ignored and rebuilt.
FORMAT = "3"
# Tables of the cache and the name the web connection gives them (``web_*`` views), or the same
# name when the cache replaces a view of the connection (profiles, reference tables).
ALIASES = {
    "contracts": "web_contracts",
    "awardees": "web_awardees",
    "directory": "web_buyer_directory",
    "places": "web_buyer_places",
    "buyer_stats": "web_buyer_stats",
    "locality_departement": "web_loc_departement",
    "indicator_values": "web_indicator_values",
    "national": "web_national",
    "suppliers_departement": "web_suppliers_departement",
    "breakdown_family": "web_breakdown_family",
    "breakdown_cpv_division": "web_breakdown_cpv_division",
    "breakdown_procedure": "web_breakdown_procedure",
    "territory_rows": "web_territory_rows",
    "supplier_profiles": "supplier_profiles",
    "buyer_profiles": "buyer_profiles",
}
MARKER = "web_cache_info"


def cache_root(data_dir: Path) -> Path:
    """Where caches are written: ``ANCRAGE_WEB_CACHE_DIR``, else ``<data dir>/web-cache``."""
    value = os.environ.get("ANCRAGE_WEB_CACHE_DIR")
    return Path(value).resolve() if value else data_dir / "web-cache"


@functools.cache
def _writable(directory: Path) -> Path:
    """``directory``, or a private place in the system's temporary directory when the data
    directory is read-only (the cache is then per machine, still shared by the processes)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return directory
    except OSError:
        digest = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
        fallback = Path(tempfile.gettempdir()) / "ancrage-web-cache" / digest
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def path_for(data_dir: Path, snapshot: Snapshot, layers: tuple[str, ...]) -> Path:
    """The cache file of ``snapshot`` (it may not exist yet)."""
    tag = "-".join(name.rsplit(".", 1)[-1] for name in layers) or "base"
    name = f"web-{FORMAT}-{_version()}-{tag}.duckdb"
    return _writable(cache_root(data_dir)) / snapshot.id / name


def _version() -> str:
    return getattr(ancrage, "__version__", "0").replace("+", "_")


def is_ready(path: Path) -> bool:
    return path.is_file()


def build(
    data_dir: Path,
    snapshot: Snapshot,
    layers: tuple[str, ...],
    register_layers: Callable[[duckdb.DuckDBPyConnection], None],
) -> Path:
    """Write the cache of ``snapshot`` unless another process did; returns its path.

    ``register_layers`` adds the optional views (reference tables, profiles) to a connection, as
    the site does. Safe to call from several processes at once: one builds, the others wait.
    """
    target = path_for(data_dir, snapshot, layers)
    if is_ready(target):
        return target
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_ready(target):
            return target
        started = time.perf_counter()
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.unlink(missing_ok=True)
        try:
            _write(data_dir, snapshot, register_layers, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
            Path(f"{partial}.wal").unlink(missing_ok=True)
        log.warning(
            "Cache web de l'instantané %s écrit en %.1f s (%s)",
            snapshot.id,
            time.perf_counter() - started,
            target,
        )
    _prune(data_dir, directory.parent)
    return target


def _write(
    data_dir: Path,
    snapshot: Snapshot,
    register_layers: Callable[[duckdb.DuckDBPyConnection], None],
    partial: Path,
) -> None:
    # Imported here: these modules import the web connection, which imports this module.
    from ancrage.indicators import from_warehouse
    from ancrage.web.observatory import indicator_data, queries, supplier_data

    con = connect(data_dir, snapshot)
    try:
        register_layers(con)
        # The directory as the site always built it: locations only when the optional layers
        # give them (before the engine's inputs materialise the profiles below).
        directory_sql = queries.directory_sql(con)
        # Profiles, the locality of the default territory (``awardee_locality``) and the bases
        # of the engine, as ``indicators compute`` prepares them.
        started = time.perf_counter()
        inputs = indicator_data.fixed_inputs(con, from_warehouse(con, indicator_data.DEFAULT))
        log.info("cache web : entrées du moteur en %.1f s", time.perf_counter() - started)
        existing = queries.views(con)
        literal = str(partial).replace("'", "''")
        con.execute(f"ATTACH '{literal}' AS out")
        statements = {
            "contracts": "SELECT * FROM contracts "
            "ORDER BY buyer_id, notification_date DESC NULLS LAST, contract_id",
            "awardees": "SELECT c.buyer_id, a.* FROM awardees a JOIN contracts c "
            "USING (contract_id) ORDER BY c.buyer_id, a.contract_id, a.position",
            "directory": f"SELECT * FROM ({directory_sql}) ORDER BY buyer_id",
            "places": f"SELECT * FROM ({indicator_data.places_sql()}) ORDER BY buyer_id",
            "buyer_stats": queries.BUYER_STATS_SQL,
            "supplier_profiles": "SELECT * FROM supplier_profiles",
            "buyer_profiles": "SELECT * FROM buyer_profiles ORDER BY buyer_id",
            "locality_departement": "SELECT * FROM awardee_locality ORDER BY buyer_id, contract_id",
            "suppliers_departement": supplier_data.suppliers_sql(
                "contracts", "awardees", "awardee_locality", "TRUE", by_year=True
            ),
            "national": queries.NATIONAL_SQL,
        }
        for dimension in indicator_data.BREAKDOWN_DIMENSIONS:
            sql = _compiled(
                ("breakdown", dimension),
                lambda d=dimension: indicator_data.breakdown_expr(inputs, d),
            )
            statements[f"breakdown_{dimension}"] = f"SELECT * FROM ({sql}) ORDER BY buyer_id"
        if "indicator_values" in existing:
            statements["indicator_values"] = (
                "SELECT * FROM indicator_values ORDER BY buyer_id, territory, year"
            )
        for name in sorted(existing):
            if name.startswith("ref_"):
                statements[name] = f"SELECT * FROM {name}"
        for name, sql in statements.items():
            started = time.perf_counter()
            con.execute(f"CREATE TABLE out.{name} AS {sql}")
            log.info("cache web : %s en %.1f s", name, time.perf_counter() - started)
        # Territory pages: every place's figures in one engine run (after ``places``).
        started = time.perf_counter()
        indicator_data.place_tables(con, "out.places")
        sql = _compiled(("places",), lambda: indicator_data.place_expr(con, inputs))
        con.execute(f"CREATE TABLE out.territory_rows AS SELECT * FROM ({sql}) ORDER BY buyer_id")
        log.info("cache web : territory_rows en %.1f s", time.perf_counter() - started)
        info = json.dumps({"snapshot": snapshot.id, "format": FORMAT})
        con.execute(f"CREATE TABLE out.{MARKER} AS SELECT ?::VARCHAR AS info", [info])
        con.execute("DETACH out")
    finally:
        con.close()


# SQL compiled from engine expressions over fixed table names: compiling costs about a second
# per expression, and the same process may build several caches (tests, successive imports).
_COMPILED: dict[tuple, str] = {}


def _compiled(key: tuple, expr: Callable[[], ibis.Table]) -> str:
    sql = _COMPILED.get(key)
    if sql is None:
        sql = _COMPILED[key] = str(ibis.to_sql(expr(), dialect="duckdb"))
    return sql


def _prune(data_dir: Path, root: Path) -> None:
    """Remove the caches of snapshots the warehouse no longer has, and files of older formats
    (``indicator_values.parquet`` is the sorted copy older versions of the site wrote)."""
    snapshots = data_dir / "snapshots"
    if not root.is_dir() or not snapshots.is_dir():
        return
    prefix = f"web-{FORMAT}-{_version()}-"
    for path in root.iterdir():
        if not path.is_dir():
            continue
        if not (snapshots / path.name).is_dir():
            shutil.rmtree(path, ignore_errors=True)
            continue
        for old in [*path.glob("web-*"), path / "indicator_values.parquet"]:
            if not old.name.startswith(prefix):
                old.unlink(missing_ok=True)


def attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach the cache read-only and expose its tables under the names the pages query."""
    literal = str(path).replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS web_cache (READ_ONLY)")
    names = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'web_cache'"
        ).fetchall()
    ]
    for name in names:
        alias = ALIASES.get(name, name)
        # Profiles and reference tables replace the views of the optional layers.
        kind = con.execute(
            "SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = 'memory' "
            "AND table_name = ? UNION ALL SELECT 'VIEW' FROM duckdb_views() "
            "WHERE database_name = 'memory' AND view_name = ?",
            [alias, alias],
        ).fetchall()
        for (found,) in kind:
            con.execute(f"DROP {found} IF EXISTS main.{alias}")
        con.execute(f"CREATE VIEW main.{alias} AS SELECT * FROM web_cache.main.{name}")
