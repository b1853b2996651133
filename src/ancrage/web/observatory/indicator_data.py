"""Indicator values for the web pages, read from the warehouse (DuckDB only, no Django).

Where the values come from:

- ``indicator_values`` (written by ``ancrage indicators compute --all``) when it holds the
  requested territory definition: one indexed read, fast;
- otherwise the engine (:func:`ancrage.indicators.run`) computes every buyer × year once for that
  territory, with the peer benchmarks, into a temporary table of the connection (one per
  snapshot and thread, see ``warehouse.py``), reused by the following requests.

Breakdowns (family, CPV division, procedure) are computed by the engine on the buyer's own
contracts only (they have no peer benchmark), and territory figures on the contracts of the
buyers of the territory, so that medians and concentrations are computed, never averaged.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from ancrage import enrichment
from ancrage.enrichment import Territory, TerritoryError
from ancrage.indicators import CATALOGUE, engine, from_warehouse, get, select
from ancrage.indicators.inputs import IndicatorInputs
from ancrage.indicators.store import INDICATOR_VALUES

log = logging.getLogger(__name__)
PUBLIC_KINDS = ("commune", "epci", "departement", "region", "radius")
DEFAULT = Territory("departement")
# Indicators whose numerator and denominator add up across buyers (shares, means): the only
# ones a choropleth may aggregate from per-buyer rows. Medians and concentrations do not add up.
NON_ADDITIVE = ("median_distance_km", "supplier_concentration_hhi", "top5_supplier_share")
ADDITIVE = tuple(ind.id for ind in CATALOGUE if ind.id not in NON_ADDITIVE)


class LruCache:
    """A small thread-safe least-recently-used cache (per process)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def parse_territory(text: str | None) -> Territory:
    """The ``territoire`` query parameter: ``departement`` (default), ``rayon:30``…"""
    value = (text or "").strip().lower()
    if not value:
        return DEFAULT
    value = value.replace("rayon", "radius")
    territory = Territory.parse(value)
    if territory.kind not in PUBLIC_KINDS:
        raise TerritoryError(
            "Territoire inconnu : choisissez commune, epci, departement, region ou rayon:KM "
            "(par exemple rayon:30)."
        )
    return territory


def territory_param(territory: Territory) -> str:
    """The query-string form: ``departement``, ``rayon:30``."""
    return str(territory).replace("radius", "rayon")


def _slug(territory: Territory) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(territory).lower()).strip("_")


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {row[0] for row in rows}


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _stored(con: duckdb.DuckDBPyConnection, territory: Territory) -> bool:
    if "indicator_values" not in _tables(con):
        return False
    row = con.execute(
        "SELECT 1 FROM indicator_values WHERE territory = ? LIMIT 1", [str(territory)]
    ).fetchone()
    return row is not None


SORTED = "web_indicator_values"


def _sorted_copy(con: duckdb.DuckDBPyConnection) -> str:
    """``indicator_values`` sorted by buyer, as a view: a buyer's rows are then read from one
    Parquet row group (about 30 ms on 6 M rows) instead of a full scan (about 100 ms).

    The sorted copy is written once per snapshot under ``<data dir>/web-cache/<snapshot>/`` by
    the first process that needs it (written aside, then renamed: concurrent workers are safe).
    If it cannot be written (read-only data directory), the snapshot's table is used as is.
    """
    if SORTED in _tables(con):
        return SORTED
    row = con.execute(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'indicator_values'"
    ).fetchone()
    match = re.search(r"read_parquet\('([^']+)'\)", row[0] if row else "")
    if not match:
        return "indicator_values"
    source = Path(match.group(1))
    target = source.parents[2] / "web-cache" / source.parent.name / source.name
    try:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.partial")
            con.execute(
                f"COPY (SELECT * FROM indicator_values ORDER BY buyer_id, territory, year) "
                f"TO '{partial}' (FORMAT parquet, ROW_GROUP_SIZE 20000)"
            )
            os.replace(partial, target)
    except (OSError, duckdb.Error):
        log.warning("Copie triée de indicator_values impossible : lecture directe", exc_info=True)
        return "indicator_values"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {SORTED} AS SELECT * FROM read_parquet('{target}')")
    return SORTED


def values_source(con: duckdb.DuckDBPyConnection, territory: Territory) -> tuple[str, bool]:
    """(table name, stored) holding every buyer × year for ``territory``; computed if needed."""
    if _stored(con, territory):
        return _sorted_copy(con), True
    name = f"web_iv_{_slug(territory)}"
    if name not in _tables(con):
        inputs = from_warehouse(con, territory)
        result = engine.run(inputs, ["buyer_id", "year"])
        result = result.append_column(
            "territory", pa.array([str(territory)] * result.num_rows, pa.string())
        ).select(INDICATOR_VALUES.names)
        con.register("_web_iv_arrow", result.cast(INDICATOR_VALUES))
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _web_iv_arrow")
        con.unregister("_web_iv_arrow")
        _keep_locality(con, territory)
    return name, False


def _keep_locality(con: duckdb.DuckDBPyConnection, territory: Territory) -> str:
    """A copy of ``awardee_locality`` for ``territory`` (the temp table is shared and replaced)."""
    name = f"web_loc_{_slug(territory)}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM awardee_locality")
    return name


def ensure_profiles(con: duckdb.DuckDBPyConnection) -> None:
    """Materialise the profile views once per connection: every section reads them."""
    kinds = dict(
        con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_name IN ('supplier_profiles', 'buyer_profiles')"
        ).fetchall()
    )
    if len(kinds) < 2 or "VIEW" in kinds.values():
        enrichment.register(con, materialize=True)


def locality_table(con: duckdb.DuckDBPyConnection, territory: Territory) -> str:
    """Name of the locality table of ``territory`` on this connection (built once)."""
    name = f"web_loc_{_slug(territory)}"
    if name not in _tables(con):
        ensure_profiles(con)
        enrichment.locality(con, territory)
        _keep_locality(con, territory)
    return name


def buyer_rows(
    con: duckdb.DuckDBPyConnection, siret: str, territory: Territory
) -> list[dict[str, Any]]:
    """Every indicator row of a buyer, all years, for ``territory`` (catalogue order)."""
    table, _ = values_source(con, territory)
    rows = _dicts(
        con.execute(
            f"SELECT * FROM {table} WHERE buyer_id = ? AND territory = ?", [siret, str(territory)]
        )
    )
    position = {ind.id: i for i, ind in enumerate(CATALOGUE)}
    rows.sort(key=lambda r: (position[r["indicator_id"]], r["year"] or 0, r["category"] or ""))
    return rows


# Compiling an engine expression to SQL costs about 100 ms: the SQL is compiled once per shape
# over fixed "scope" tables, which each request fills with the contracts of one buyer (or of the
# buyers of a place), their awardees and their locality. The engine then reads a few thousand
# rows instead of scanning the whole warehouse once per indicator.
_SQL_CACHE: dict[tuple, str] = {}
SCOPE = {
    "contracts": "web_scope_contracts",
    "awardees": "web_scope_awardees",
    "awardee_locality": "web_scope_locality",
}


def scope(
    con: duckdb.DuckDBPyConnection, territory: Territory, value: str, place: str | None = None
) -> None:
    """Fill the scope tables with one buyer's contracts (``place`` None) or a place's."""
    loc = locality_table(con, territory)
    key = f"{loc}|{place}|{value}"
    if "web_scope_key" in _tables(con):
        row = con.execute("SELECT k FROM web_scope_key").fetchone()
        if row and row[0] == key:
            return
    if place is None:
        where, params = "buyer_id = ?", [value]
    else:
        places = ensure_places(con)
        where = f"buyer_id IN (SELECT buyer_id FROM {places} WHERE {place} = ?)"
        params = [value]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {SCOPE['contracts']} AS SELECT * FROM contracts "
        f"WHERE {where}",
        params,
    )
    for name, source in (("awardees", "awardees"), ("awardee_locality", loc)):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {SCOPE[name]} AS SELECT * FROM {source} "
            f"WHERE contract_id IN (SELECT contract_id FROM {SCOPE['contracts']})"
        )
    con.execute("CREATE OR REPLACE TEMP TABLE web_scope_key AS SELECT ?::VARCHAR AS k", [key])


def _inputs(con: duckdb.DuckDBPyConnection) -> IndicatorInputs:
    backend = ibis.duckdb.from_connection(con)
    return IndicatorInputs(
        contracts=backend.table(SCOPE["contracts"]),
        awardees=backend.table(SCOPE["awardees"]),
        awardee_locality=backend.table(SCOPE["awardee_locality"]),
        supplier_profiles=backend.table("supplier_profiles"),
        buyer_profiles=backend.table("buyer_profiles"),
        quality_issues=backend.table("quality_issues"),
    )


def _run(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    keys: list[str],
    ids: list[str] | None,
    value: str,
    place: str | None = None,
) -> list[dict[str, Any]]:
    """Engine rows (no peers) for one buyer (``place`` None) or the buyers of a place."""
    scope(con, territory, value, place)
    cache_key = (tuple(keys), tuple(ids or ()))
    sql = _SQL_CACHE.get(cache_key)
    if sql is None:
        sql = str(ibis.to_sql(engine.compute(_inputs(con), keys, select(ids)), dialect="duckdb"))
        _SQL_CACHE[cache_key] = sql
    rows = _dicts(con.execute(sql))
    position = {ind.id: i for i, ind in enumerate(select(ids))}
    rows.sort(
        key=lambda r: (
            position[r["indicator_id"]],
            *[(r[k] is None, str(r[k])) for k in keys],
            r["category"] or "",
        )
    )
    return rows


def buyer_breakdown(
    con: duckdb.DuckDBPyConnection,
    siret: str,
    territory: Territory,
    dimension: str,
    ids: list[str],
) -> list[dict[str, Any]]:
    """Indicators ``ids`` of one buyer by year and ``dimension`` (family, cpv_division…)."""
    return _run(con, territory, ["year", dimension], ids, siret)


PLACES = "web_buyer_places"


def ensure_places(con: duckdb.DuckDBPyConnection) -> str:
    """One row per buyer with its commune, EPCI, département and région (built once)."""
    if PLACES not in _tables(con):
        ensure_profiles(con)
        con.execute(
            f"""CREATE TEMP TABLE {PLACES} AS
            SELECT b.buyer_id, coalesce(b.name, p.name) AS name, b.contract_count,
                   p.commune_code, rc.name AS commune_name, p.departement, p.region, p.epci,
                   p.latitude, p.longitude
            FROM buyers b LEFT JOIN buyer_profiles p USING (buyer_id)
            LEFT JOIN ref_communes rc ON rc.code = p.commune_code"""
        )
    return PLACES


def territory_rows(
    con: duckdb.DuckDBPyConnection, kind: str, code: str, territory: Territory
) -> list[dict[str, Any]]:
    """Every indicator by year over the contracts of the buyers whose ``kind`` is ``code``."""
    if kind not in ("departement", "region", "epci", "commune_code"):
        raise ValueError(f"Type de territoire inconnu : {kind!r}.")
    rows = _run(con, territory, ["year"], None, code, place=kind)
    for row in rows:
        ind = get(row["indicator_id"])
        row["unit"], row["target"] = ind.unit, ind.target
        row["gap"] = (
            None if row["value"] is None or ind.target is None else row["value"] - ind.target
        )
        row["available"] = row["value"] is not None
        row["reason"] = None if row["available"] else ind.unavailable_reason
    return rows


def aggregated_by_place(
    con: duckdb.DuckDBPyConnection,
    level: str,
    indicator_id: str,
    year: int | None,
    territory: Territory,
    within: tuple[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Σ numerator / Σ denominator of an additive indicator per place (département, région…)."""
    if indicator_id not in ADDITIVE:
        raise ValueError(f"L'indicateur {indicator_id} ne s'agrège pas par addition.")
    table, _ = values_source(con, territory)
    places = ensure_places(con)
    scale = 100.0 if get(indicator_id).unit == "%" else 1.0
    where, params = (
        ["v.indicator_id = ?", "v.territory = ?", "v.category IS NULL"],
        [
            indicator_id,
            str(territory),
        ],
    )
    if year is not None:
        where.append("v.year = ?")
        params.append(year)
    if within is not None:
        where.append(f"p.{within[0]} = ?")
        params.append(within[1])
    rows = con.execute(
        f"""SELECT p.{level} AS place, sum(v.numerator) AS numerator,
                   sum(v.denominator) AS denominator, count(DISTINCT v.buyer_id) AS buyers
            FROM {table} v JOIN {places} p USING (buyer_id)
            WHERE {" AND ".join(where)} AND p.{level} IS NOT NULL AND v.denominator > 0
            GROUP BY 1""",
        params,
    ).fetchall()
    return {
        place: {
            "value": numerator * scale / denominator if denominator else None,
            "numerator": numerator,
            "denominator": denominator,
            "buyers": buyers,
        }
        for place, numerator, denominator, buyers in rows
    }
