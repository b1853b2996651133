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

import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from ancrage import enrichment
from ancrage.enrichment import Territory, TerritoryError
from ancrage.indicators import CATALOGUE, engine, from_warehouse, get, select
from ancrage.indicators.inputs import IndicatorInputs
from ancrage.indicators.store import INDICATOR_VALUES
from ancrage.web.observatory.indicator_context import BREAKDOWN_IDS
from ancrage.web.observatory.queries import AWARDEES_BY_BUYER, CONTRACTS_BY_BUYER, exists
from ancrage.web.observatory.snapshot_cache import MARKER

PUBLIC_KINDS = ("commune", "epci", "departement", "region", "radius", "custom")
# A list of communes is computed for one buyer at a time, on its own contracts; the bound keeps
# a request cheap (a département has at most about 900 communes).
MAX_COMMUNES = 1000
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
    """The ``territoire`` query parameter: ``departement`` (default), ``rayon:30``, or a list of
    communes (INSEE codes) ``communes:35238,35288`` (``custom:`` accepted)."""
    raw = (text or "").strip()
    if not raw:
        return DEFAULT
    kind, _, rest = raw.partition(":")
    if kind.strip().lower() in ("communes", "custom"):
        return custom_territory(rest)
    territory = Territory.parse(raw.lower().replace("rayon", "radius"))
    if territory.kind not in PUBLIC_KINDS:
        raise TerritoryError(
            "Territoire inconnu : choisissez commune, epci, departement, region, rayon:KM "
            "(par exemple rayon:30) ou communes:CODES (par exemple communes:35238,35288)."
        )
    return territory


def custom_territory(codes: str) -> Territory:
    """A list of communes: INSEE codes separated by commas, semicolons or spaces."""
    found = [c for c in re.split(r"[\s,;]+", codes.strip().upper()) if c]
    if not found:
        raise TerritoryError(
            "Donnez au moins un code commune INSEE pour une liste de communes "
            "(par exemple communes=35238,35288)."
        )
    if len(set(found)) > MAX_COMMUNES:
        raise TerritoryError(
            f"Une liste compte au plus {MAX_COMMUNES} communes ({len(set(found))} données) : "
            "pour un territoire plus grand, choisissez l'EPCI, le département ou la région."
        )
    return Territory("custom", tuple(found))


def territory_param(territory: Territory) -> str:
    """The text form: ``departement``, ``rayon:30``, ``communes:35238,35288``."""
    if territory.kind == "custom":
        return "communes:" + ",".join(territory.value)  # type: ignore[arg-type]
    return str(territory).replace("radius", "rayon")


def territory_query(territory: Territory) -> dict[str, str]:
    """The query-string parameters of a territory (a list of communes has its own)."""
    if territory.kind == "custom":
        return {"territoire": "communes", "communes": ",".join(territory.value)}  # type: ignore[arg-type]
    return {"territoire": territory_param(territory)}


def territory_tag(territory: Territory) -> str:
    """A short form for file names: ``departement``, ``rayon-30``, ``communes-12``."""
    if territory.kind == "custom":
        return f"communes-{len(territory.value)}"  # type: ignore[arg-type]
    return territory_param(territory).replace(":", "-")


def _slug(territory: Territory) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(territory).lower()).strip("_")


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {row[0] for row in rows}


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# The tables below are built once and shared by the threads of a process (main schema of the
# web connection, which each thread reads through its own cursor): one lock serialises their
# construction. Reading them needs no lock.
BUILD_LOCK = threading.RLock()
# Per connection: a function opening a private connection to the same snapshot. The engine
# replaces views of the connection it runs on, which other threads may be reading, so the web
# connection (``warehouse.py``) registers one here; without it the engine runs on ``con``.
PRIVATE_CONNECTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STORED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
SORTED = "web_indicator_values"  # sorted by buyer, in the snapshot cache


def _stored(con: duckdb.DuckDBPyConnection, territory: Territory) -> bool:
    memo = _STORED.get(con)
    if memo is not None and str(territory) in memo:
        return memo[str(territory)]
    table = SORTED if exists(con, SORTED) else "indicator_values"
    if not exists(con, table):
        return False
    row = con.execute(
        f"SELECT 1 FROM {table} WHERE territory = ? LIMIT 1", [str(territory)]
    ).fetchone()
    _STORED.setdefault(con, {})[str(territory)] = row is not None
    return row is not None


def values_source(con: duckdb.DuckDBPyConnection, territory: Territory) -> tuple[str, bool]:
    """(table name, stored) holding every buyer × year for ``territory``; computed if needed.

    Stored values come from the snapshot cache, sorted by buyer (a buyer's rows are then a few
    blocks instead of a scan of millions of rows); others are computed once per process. Never
    for a list of communes (see :func:`buyer_rows`).
    """
    if territory.kind == "custom":
        raise ValueError("Une liste de communes se calcule acheteur par acheteur.")
    if _stored(con, territory):
        return (SORTED if exists(con, SORTED) else "indicator_values"), True
    name = f"web_iv_{_slug(territory)}"
    if exists(con, name):
        return name, False
    with BUILD_LOCK:
        if not exists(con, name):
            opener = PRIVATE_CONNECTIONS.get(con)
            work = opener() if opener is not None else con
            try:
                inputs = from_warehouse(work, territory)
                result = engine.run(inputs, ["buyer_id", "year"])
            finally:
                if work is not con:
                    work.close()
            result = result.append_column(
                "territory", pa.array([str(territory)] * result.num_rows, pa.string())
            ).select(INDICATOR_VALUES.names)
            con.register("_web_iv_arrow", result.cast(INDICATOR_VALUES))
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM _web_iv_arrow "
                "ORDER BY buyer_id, territory, year"
            )
            con.unregister("_web_iv_arrow")
    return name, False


def ensure_profiles(con: duckdb.DuckDBPyConnection) -> None:
    """Materialise the profile views once per connection: every section reads them.

    The web connection reads them from the snapshot cache (``snapshot_cache.MARKER``).
    """
    if exists(con, MARKER):
        return
    with BUILD_LOCK:
        kinds = dict(
            con.execute(
                "SELECT table_name, table_type FROM information_schema.tables "
                "WHERE table_name IN ('supplier_profiles', 'buyer_profiles')"
            ).fetchall()
        )
        if len(kinds) < 2 or "VIEW" in kinds.values():
            enrichment.register(con, materialize=True)


def locality_table(con: duckdb.DuckDBPyConnection, territory: Territory) -> str:
    """Name of the locality table of ``territory`` on this connection (built once).

    The default territory's is in the snapshot cache; the others are computed once per process.
    """
    name = f"web_loc_{_slug(territory)}"
    if exists(con, name):
        return name
    with BUILD_LOCK:
        if not exists(con, name):
            ensure_profiles(con)
            enrichment.locality(con, territory)  # a temporary table of this cursor
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM awardee_locality "
                "ORDER BY buyer_id, contract_id"
            )
    return name


def buyer_rows(
    con: duckdb.DuckDBPyConnection, siret: str, territory: Territory
) -> list[dict[str, Any]]:
    """Every indicator row of a buyer, all years, for ``territory`` (catalogue order).

    For a list of communes the indicators are computed on the buyer's own contracts, without
    peers: the other buyers of its group are elsewhere, so comparing their share of suppliers
    in the same communes would mean nothing.
    """
    if territory.kind == "custom":
        rows = _with_meta(_run(con, territory, ["year"], None, siret))
        for row in rows:
            row.update(
                buyer_id=siret,
                territory=str(territory),
                peer_group=None,
                peer_median=None,
                peer_percentile=None,
                peer_count=None,
            )
        return rows
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


# The last scope filled, per cursor (each thread has its own scope tables).
_SCOPE_KEY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def scope(
    con: duckdb.DuckDBPyConnection, territory: Territory, value: str, place: str | None = None
) -> None:
    """Fill the scope tables with one buyer's contracts (``place`` None) or a place's."""
    custom = territory.kind == "custom"
    loc = "awardee_locality" if custom else locality_table(con, territory)
    key = f"{str(territory) if custom else loc}|{place}|{value}"
    if _SCOPE_KEY.get(con) == key and exists(con, SCOPE["contracts"]):
        return
    by_buyer = exists(con, CONTRACTS_BY_BUYER)
    contracts = CONTRACTS_BY_BUYER if by_buyer else "contracts"
    if place is None:
        where, params = "buyer_id = ?", [value]
    else:
        places = ensure_places(con)
        where = f"buyer_id IN (SELECT buyer_id FROM {places} WHERE {place} = ?)"
        params = [value]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {SCOPE['contracts']} AS SELECT * FROM {contracts} "
        f"WHERE {where}",
        params,
    )
    # Awardees and localities carry the buyer: filtering on it reads only its blocks.
    if by_buyer:
        sources = {
            "awardees": (f"SELECT * EXCLUDE (buyer_id) FROM {AWARDEES_BY_BUYER}", where),
            "awardee_locality": (f"SELECT * FROM {loc}", where),
        }
    else:
        in_scope = f"contract_id IN (SELECT contract_id FROM {SCOPE['contracts']})"
        sources = {
            "awardees": ("SELECT * FROM awardees", in_scope),
            "awardee_locality": (f"SELECT * FROM {loc}", in_scope),
        }
    if custom:
        del sources["awardee_locality"]
    for name, (source, condition) in sources.items():
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {SCOPE[name]} AS {source} WHERE {condition}",
            params if by_buyer else [],
        )
    if custom:
        _scope_locality(con, territory)
    _SCOPE_KEY[con] = key


def _scope_locality(con: duckdb.DuckDBPyConnection, territory: Territory) -> None:
    """The locality of the scope's awardees only (a list of communes is not kept per process):
    the enrichment reads ``contracts`` and ``awardees``, shadowed here by temporary views of
    the scope on this thread's cursor."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW contracts AS SELECT * FROM {SCOPE['contracts']}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW awardees AS SELECT * FROM {SCOPE['awardees']}")
    try:
        enrichment.locality(con, territory)
    finally:
        con.execute("DROP VIEW IF EXISTS temp.contracts")
        con.execute("DROP VIEW IF EXISTS temp.awardees")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {SCOPE['awardee_locality']} AS SELECT * FROM awardee_locality"
    )


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
    return _sorted(_dicts(con.execute(sql)), keys, ids)


def _sorted(
    rows: list[dict[str, Any]], keys: list[str], ids: list[str] | None
) -> list[dict[str, Any]]:
    """Catalogue order, then the keys (missing values last), then the category."""
    position = {ind.id: i for i, ind in enumerate(select(ids))}
    rows.sort(
        key=lambda r: (
            position[r["indicator_id"]],
            *[(r[k] is None, str(r[k])) for k in keys],
            r["category"] or "",
        )
    )
    return rows


# Breakdowns of every buyer for the default territory, in the snapshot cache (computed by the
# same engine over all contracts: ``snapshot_cache``).
BREAKDOWN_DIMENSIONS = ("family", "cpv_division", "procedure")
BREAKDOWN_TABLE = "web_breakdown_{}"


def breakdown_expr(inputs: IndicatorInputs, dimension: str):
    """The engine expression of the page's breakdown by ``dimension``, for every buyer."""
    return engine.compute(inputs, ["buyer_id", "year", dimension], select(BREAKDOWN_IDS))


def buyer_breakdown(
    con: duckdb.DuckDBPyConnection,
    siret: str,
    territory: Territory,
    dimension: str,
    ids: list[str],
) -> list[dict[str, Any]]:
    """Indicators ``ids`` of one buyer by year and ``dimension`` (family, cpv_division…)."""
    table = BREAKDOWN_TABLE.format(dimension)
    if territory == DEFAULT and list(ids) == list(BREAKDOWN_IDS) and exists(con, table):
        rows = _dicts(
            con.execute(f"SELECT * EXCLUDE (buyer_id) FROM {table} WHERE buyer_id = ?", [siret])
        )
        return _sorted(rows, ["year", dimension], ids)
    return _run(con, territory, ["year", dimension], ids, siret)


PLACES = "web_buyer_places"


def places_sql() -> str:
    """One row per buyer with its commune, EPCI, département, région and point."""
    return """SELECT b.buyer_id, coalesce(b.name, p.name) AS name, b.contract_count,
               p.commune_code, rc.name AS commune_name, p.departement, p.region, p.epci,
               p.latitude, p.longitude
        FROM buyers b LEFT JOIN buyer_profiles p USING (buyer_id)
        LEFT JOIN ref_communes rc ON rc.code = p.commune_code"""


def ensure_places(con: duckdb.DuckDBPyConnection) -> str:
    """The table of :func:`places_sql` (in the snapshot cache, or built once here)."""
    if exists(con, PLACES):
        return PLACES
    with BUILD_LOCK:
        if not exists(con, PLACES):
            ensure_profiles(con)
            con.execute(f"CREATE TABLE {PLACES} AS {places_sql()}")
    return PLACES


# Territory figures of every département, région and EPCI for the default territory, in the
# snapshot cache (``place_expr``), one row per (place, indicator, year, category).
TERRITORY_TABLE = "web_territory_rows"
PLACE_LEVELS = ("departement", "region", "epci")


BASES = ("contract_base", "awardee_base", "locality_base")


def fixed_inputs(con: duckdb.DuckDBPyConnection, inputs: IndicatorInputs) -> IndicatorInputs:
    """``inputs`` (from ``from_warehouse``) with its bases under fixed names (``_web_<base>``),
    so that the SQL compiled from them is the same on every connection and can be kept."""
    backend = ibis.duckdb.from_connection(con)
    fixed = IndicatorInputs(
        contracts=backend.table("contracts"),
        awardees=backend.table("awardees"),
        awardee_locality=backend.table("awardee_locality"),
        supplier_profiles=backend.table("supplier_profiles"),
        buyer_profiles=backend.table("buyer_profiles"),
        quality_issues=backend.table("quality_issues"),
        period=inputs.period,
    )
    for base in BASES:
        name = getattr(inputs, base).get_name()
        con.execute(f"CREATE OR REPLACE TEMP VIEW _web_{base} AS SELECT * FROM {name}")
        setattr(fixed, base, backend.table(f"_web_{base}"))
    return fixed


def place_tables(con: duckdb.DuckDBPyConnection, places: str) -> None:
    """The bases of :func:`fixed_inputs` once per place level, ``buyer_id`` replaced by
    ``level:code`` of the buyer's place (``_web_place_<base>``)."""
    for base in BASES:
        union = " UNION ALL ".join(
            f"SELECT b.* REPLACE ('{level}:' || p.{level} AS buyer_id) FROM _web_{base} b "
            f"JOIN {places} p USING (buyer_id) WHERE p.{level} IS NOT NULL"
            for level in PLACE_LEVELS
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _web_place_{base} AS {union}")


def place_expr(con: duckdb.DuckDBPyConnection, inputs: IndicatorInputs):
    """Every indicator by place and year, over the tables of :func:`place_tables`; the place is
    in ``buyer_id`` (``departement:35``).

    The engine's bases (one row per contract, per awardee, per locality) carry ``buyer_id``,
    which the indicators use only as a grouping key: grouping the relabelled bases by it gives
    each place's figures over the contracts of its buyers, medians and concentrations computed
    (never averaged), exactly as :func:`territory_rows` computes one place.
    """
    backend = ibis.duckdb.from_connection(con)
    relabelled = IndicatorInputs(
        contracts=inputs.contracts,
        awardees=inputs.awardees,
        awardee_locality=inputs.awardee_locality,
        supplier_profiles=inputs.supplier_profiles,
        buyer_profiles=inputs.buyer_profiles,
        quality_issues=inputs.quality_issues,
        period=inputs.period,
    )
    for base in BASES:
        setattr(relabelled, base, backend.table(f"_web_place_{base}"))
    return engine.compute(relabelled, ["buyer_id", "year"])


def territory_rows(
    con: duckdb.DuckDBPyConnection, kind: str, code: str, territory: Territory
) -> list[dict[str, Any]]:
    """Every indicator by year over the contracts of the buyers whose ``kind`` is ``code``."""
    if kind not in ("departement", "region", "epci", "commune_code"):
        raise ValueError(f"Type de territoire inconnu : {kind!r}.")
    if territory == DEFAULT and kind in PLACE_LEVELS and exists(con, TERRITORY_TABLE):
        rows = _dicts(
            con.execute(
                f"SELECT * EXCLUDE (buyer_id) FROM {TERRITORY_TABLE} WHERE buyer_id = ?",
                [f"{kind}:{code}"],
            )
        )
        rows = _sorted(rows, ["year"], None)
    else:
        rows = _run(con, territory, ["year"], None, code, place=kind)
    return _with_meta(rows)


def _with_meta(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unit, target, gap, availability and reason of engine rows (as ``indicator_values``)."""
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
