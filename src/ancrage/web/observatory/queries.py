"""Warehouse queries behind the public pages and the public API (DuckDB only, no Django).

Amounts are euros HT. A contract's amount is its current amount (after modifications) when known,
else its initial amount; for a framework agreement it is the published maximum. A contract with
several awardees is counted once, never once per awardee.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Any

import duckdb

AMOUNT = "coalesce(c.current_amount_ht, c.amount_ht)"
FAMILY_LABELS = {"works": "Travaux", "supplies": "Fournitures", "services": "Services"}
MAX_PAGE_SIZE = 100
_DEPT_RE = re.compile(r"^(\d{2,3}|2[AaBb])$")


class QueryError(ValueError):
    """A search parameter that cannot be used, explained in French."""


@dataclass
class Page:
    total: int
    page: int
    page_size: int
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def views(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views visible on the connection."""
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {row[0] for row in rows}


# Names known to exist, per connection: the web connection's tables never go away, so a name
# seen once is not looked up again (a catalogue query costs about a millisecond).
_SEEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Is there a table or view ``name`` on the connection (main or temporary schema)?"""
    seen = _SEEN.get(con)
    if seen is not None and name in seen:
        return True
    found = con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = ? "
        "AND database_name IN (current_database(), 'temp') "
        "UNION ALL SELECT 1 FROM duckdb_views() WHERE view_name = ? "
        "AND database_name IN (current_database(), 'temp') LIMIT 1",
        [name, name],
    ).fetchone()
    if found is None:
        return False
    _SEEN.setdefault(con, set()).add(name)
    return True


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def check_page(page: int, page_size: int) -> tuple[int, int]:
    if page < 1:
        raise QueryError("Le numéro de page doit être supérieur ou égal à 1.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise QueryError(f"La taille de page doit être comprise entre 1 et {MAX_PAGE_SIZE}.")
    return page, page_size


NATIONAL_SQL = (
    f"SELECT count(*) AS contracts, sum({AMOUNT}) AS amount_ht, "
    "count(DISTINCT c.buyer_id) AS buyers, "
    "(SELECT count(DISTINCT supplier_id) FROM awardees WHERE is_current) AS suppliers "
    "FROM contracts c"
)
NATIONAL = "web_national"


def national_figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Contract count, total amount, buyers and suppliers of the whole warehouse."""
    source = f"SELECT * FROM {NATIONAL}" if exists(con, NATIONAL) else NATIONAL_SQL
    count, amount, buyers, suppliers = con.execute(source).fetchone()
    return {
        "contracts": count,
        "amount_ht": amount or 0.0,
        "buyers": buyers,
        "suppliers": suppliers,
    }


DIRECTORY = "web_buyer_directory"
STATS = "web_buyer_stats"
# Per buyer: its totals (as ``buyer_summary`` computes them) and the values of its filters.
BUYER_STATS_SQL = f"""
SELECT c.buyer_id, count(*) AS contract_count, sum({AMOUNT}) AS amount_ht,
       min(c.notification_date) AS first_notification,
       max(c.notification_date) AS last_notification,
       list(DISTINCT year(c.notification_date) ORDER BY year(c.notification_date) DESC)
           FILTER (WHERE c.notification_date IS NOT NULL) AS years,
       list(DISTINCT c.procedure ORDER BY c.procedure)
           FILTER (WHERE c.procedure IS NOT NULL) AS procedures,
       any_value(s.supplier_count) AS supplier_count
FROM contracts c
LEFT JOIN (
    SELECT c2.buyer_id, count(DISTINCT a.supplier_id) AS supplier_count
    FROM awardees a JOIN contracts c2 ON c2.contract_id = a.contract_id
    WHERE a.is_current GROUP BY 1
) s ON s.buyer_id = c.buyer_id
GROUP BY c.buyer_id ORDER BY c.buyer_id
"""


def materialise_buyer_directory(con: duckdb.DuckDBPyConnection) -> None:
    """Compute the buyer directory once on ``con`` (the site reads it from its snapshot cache).

    The profile views of the enrichment layer are computed on every query; searching them on each
    request would cost far more than this one-off table.
    """
    con.execute(f"CREATE OR REPLACE TABLE {DIRECTORY} AS {directory_sql(con)}")


def _buyer_source(con: duckdb.DuckDBPyConnection) -> str:
    """SQL of one row per buyer with its name and, when profiles exist, its location."""
    if exists(con, DIRECTORY):
        return f"SELECT * FROM {DIRECTORY}"
    return directory_sql(con)


def directory_sql(con: duckdb.DuckDBPyConnection) -> str:
    """The directory computed from the views of ``con`` (profiles when they exist)."""
    available = views(con)
    if "buyer_profiles" not in available:
        return (
            "SELECT buyer_id, name, contract_count, NULL::VARCHAR AS commune_code, "
            "NULL::VARCHAR AS commune_name, NULL::VARCHAR AS departement FROM buyers"
        )
    commune_join, commune_name = "", "NULL::VARCHAR"
    if "ref_communes" in available:
        commune_join = "LEFT JOIN ref_communes rc ON rc.code = p.commune_code"
        commune_name = "rc.name"
    return (
        "SELECT b.buyer_id, coalesce(b.name, p.name) AS name, b.contract_count, "
        f"p.commune_code, {commune_name} AS commune_name, p.departement "
        f"FROM buyers b LEFT JOIN buyer_profiles p ON p.buyer_id = b.buyer_id {commune_join}"
    )


def _search_condition(q: str) -> tuple[str, list[Any]]:
    text = q.strip()
    compact = re.sub(r"[\s.]", "", text)
    if not text:
        return "TRUE", []
    if compact.isdigit():
        # SIRET or SIREN (prefix), commune code (5 digits) or département code (2-3 digits).
        return (
            "(buyer_id LIKE ? OR commune_code = ? OR departement = ?)",
            [compact + "%", compact, compact],
        )
    if _DEPT_RE.match(text):
        return "(departement = ? OR commune_code = ?)", [text.upper(), text.upper()]
    pattern = "%" + text.lower() + "%"
    return (
        "(strip_accents(lower(name)) LIKE strip_accents(?) "
        "OR strip_accents(lower(commune_name)) LIKE strip_accents(?))",
        [pattern, pattern],
    )


def search_buyers(
    con: duckdb.DuckDBPyConnection,
    q: str = "",
    departement: str = "",
    page: int = 1,
    page_size: int = 20,
    limit: int | None = None,
) -> Page:
    """Buyers matching ``q`` (name, SIRET/SIREN, commune, département), most active first.

    ``limit`` (exports) overrides paging and returns every matching row up to that number.
    """
    page, page_size = check_page(page, page_size)
    condition, params = _search_condition(q)
    if departement:
        condition += " AND departement = ?"
        params.append(departement.strip().upper())
    base = f"FROM ({_buyer_source(con)}) WHERE {condition}"
    total = con.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    if limit is not None:
        size, offset = limit, 0
    else:
        size, offset = page_size, (page - 1) * page_size
    cursor = con.execute(
        "SELECT buyer_id, name, contract_count, commune_code, commune_name, departement "
        f"{base} ORDER BY contract_count DESC NULLS LAST, buyer_id LIMIT ? OFFSET ?",
        [*params, size, offset],
    )
    return Page(total, page, page_size, _dicts(cursor))


def buyer_summary(con: duckdb.DuckDBPyConnection, siret: str) -> dict[str, Any] | None:
    """Identity and totals of one buyer, or None if the warehouse does not know it."""
    rows = _dicts(con.execute(f"SELECT * FROM ({_buyer_source(con)}) WHERE buyer_id = ?", [siret]))
    if exists(con, STATS):
        found = con.execute(
            "SELECT contract_count, amount_ht, first_notification, last_notification, "
            f"supplier_count FROM {STATS} WHERE buyer_id = ?",
            [siret],
        ).fetchone()
        count, amount, first, last, suppliers = found or (0, None, None, None, 0)
        if not rows and count == 0:
            return None
        return _summary(siret, rows, count, amount, first, last, suppliers or 0)
    count, amount, first, last = con.execute(
        f"SELECT count(*), sum({AMOUNT}), min(notification_date), max(notification_date) "
        "FROM contracts c WHERE c.buyer_id = ?",
        [siret],
    ).fetchone()
    if not rows and count == 0:
        return None
    suppliers = con.execute(
        "SELECT count(DISTINCT a.supplier_id) FROM awardees a JOIN contracts c "
        "ON c.contract_id = a.contract_id WHERE c.buyer_id = ? AND a.is_current",
        [siret],
    ).fetchone()[0]
    return _summary(siret, rows, count, amount, first, last, suppliers)


def _summary(
    siret: str, rows: list[dict[str, Any]], count, amount, first, last, suppliers
) -> dict[str, Any]:
    base = rows[0] if rows else {"buyer_id": siret, "name": None}
    return {
        "siret": siret,
        "name": base.get("name"),
        "commune_code": base.get("commune_code"),
        "commune_name": base.get("commune_name"),
        "departement": base.get("departement"),
        "contract_count": count,
        "amount_ht": amount or 0.0,
        "first_notification": first,
        "last_notification": last,
        "supplier_count": suppliers,
    }


@dataclass
class ContractFilters:
    """Filters of a contract list, as given in the query string."""

    year: int | None = None
    family: str | None = None
    procedure: str | None = None
    q: str | None = None

    def key(self) -> tuple:
        return (self.year, self.family, self.procedure, self.q)

    def sql(self) -> tuple[str, list[Any]]:
        parts, params = [], []
        if self.year is not None:
            parts.append("year(c.notification_date) = ?")
            params.append(self.year)
        if self.family:
            if self.family not in FAMILY_LABELS:
                raise QueryError(
                    f"Famille d'achat inconnue : {self.family!r} "
                    "(valeurs possibles : works, supplies, services)."
                )
            parts.append("c.family = ?")
            params.append(self.family)
        if self.procedure:
            parts.append("c.procedure = ?")
            params.append(self.procedure)
        if self.q:
            parts.append("strip_accents(lower(c.object)) LIKE strip_accents(?)")
            params.append("%" + self.q.strip().lower() + "%")
        return (" AND ".join(parts) or "TRUE"), params


_CONTRACT_COLUMNS = (
    "c.contract_id, c.uid, c.id, c.buyer_id, c.notification_date, c.object, c.family, "
    "c.procedure, c.cpv, c.amount_ht, c.current_amount_ht, c.duration_months, "
    "c.has_social_consideration, c.has_environmental_consideration, c.awardee_count"
)
# The correlated subquery is decorrelated into a join by DuckDB: restricting awardees to the
# contracts of the page keeps it from scanning every awardee of the warehouse (1.7 M rows).
_AWARDEES = (
    "(SELECT list({{'supplier_id': a.supplier_id, 'name': a.supplier_name}} ORDER BY a.position) "
    "FROM {awardees} a WHERE a.contract_id = p.contract_id AND a.is_current "
    "AND a.contract_id IN (SELECT contract_id FROM p){extra}) AS awardees"
)
# The snapshot cache holds the contracts and awardees sorted by buyer (``web_*``): a buyer's
# rows are then read from a few blocks.
CONTRACTS_BY_BUYER = "web_contracts"
AWARDEES_BY_BUYER = "web_awardees"


def _contract_page(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: list[Any],
    page: int,
    page_size: int,
    limit: int | None,
    buyer: str | None = None,
) -> Page:
    page, page_size = check_page(page, page_size)
    contracts, awardees, extra, extra_params = "contracts", "awardees", "", []
    if buyer is not None and exists(con, CONTRACTS_BY_BUYER):
        contracts, awardees = CONTRACTS_BY_BUYER, AWARDEES_BY_BUYER
        extra, extra_params = " AND a.buyer_id = ?", [buyer]
    base = f"FROM {contracts} c WHERE {where}"
    total = con.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    size, offset = (limit, 0) if limit is not None else (page_size, (page - 1) * page_size)
    awardee_list = _AWARDEES.format(awardees=awardees, extra=extra)
    cursor = con.execute(
        f"WITH p AS (SELECT {_CONTRACT_COLUMNS} {base} "
        "ORDER BY c.notification_date DESC NULLS LAST, c.contract_id LIMIT ? OFFSET ?) "
        f"SELECT p.*, {awardee_list} FROM p "
        "ORDER BY p.notification_date DESC NULLS LAST, p.contract_id",
        [*params, size, offset, *extra_params],
    )
    return Page(total, page, page_size, _dicts(cursor))


def buyer_contracts(
    con: duckdb.DuckDBPyConnection,
    siret: str,
    filters: ContractFilters | None = None,
    page: int = 1,
    page_size: int = 20,
    limit: int | None = None,
) -> Page:
    """Contracts of a buyer, most recent first, with their current awardees."""
    where, params = (filters or ContractFilters()).sql()
    return _contract_page(
        con, f"c.buyer_id = ? AND {where}", [siret, *params], page, page_size, limit, siret
    )


def buyer_facets(con: duckdb.DuckDBPyConnection, siret: str) -> dict[str, list]:
    """Values available for the filters of a buyer's contract list."""
    if exists(con, STATS):
        row = con.execute(
            f"SELECT years, procedures FROM {STATS} WHERE buyer_id = ?", [siret]
        ).fetchone()
        years, procedures = row or (None, None)
        return {"years": list(years or []), "procedures": list(procedures or [])}
    years = con.execute(
        "SELECT DISTINCT year(notification_date) AS y FROM contracts "
        "WHERE buyer_id = ? AND notification_date IS NOT NULL ORDER BY y DESC",
        [siret],
    ).fetchall()
    procedures = con.execute(
        "SELECT DISTINCT procedure FROM contracts WHERE buyer_id = ? AND procedure IS NOT NULL "
        "ORDER BY procedure",
        [siret],
    ).fetchall()
    return {"years": [r[0] for r in years], "procedures": [r[0] for r in procedures]}


def supplier_summary(con: duckdb.DuckDBPyConnection, supplier_id: str) -> dict[str, Any] | None:
    """Identity of a supplier and the contracts it currently holds, or None if unknown."""
    known = _dicts(
        con.execute(
            "SELECT supplier_id, supplier_id_type, name FROM suppliers WHERE supplier_id = ? "
            "LIMIT 1",
            [supplier_id],
        )
    )
    count, amount = con.execute(
        f"SELECT count(*), sum({AMOUNT}) FROM contracts c WHERE c.contract_id IN "
        "(SELECT contract_id FROM awardees WHERE supplier_id = ? AND is_current)",
        [supplier_id],
    ).fetchone()
    if not known and count == 0:
        return None
    base = known[0] if known else {"supplier_id_type": None, "name": None}
    return {
        "supplier_id": supplier_id,
        "supplier_id_type": base["supplier_id_type"],
        "name": base["name"],
        "contract_count": count,
        "amount_ht": amount or 0.0,
    }


def supplier_buyers(con: duckdb.DuckDBPyConnection, supplier_id: str) -> list[dict[str, Any]]:
    """The buyers a supplier works for: contracts and amount per buyer, largest first."""
    cursor = con.execute(
        f"SELECT c.buyer_id, any_value(b.name) AS name, count(*) AS contract_count, "
        f"sum({AMOUNT}) AS amount_ht FROM contracts c "
        "LEFT JOIN buyers b ON b.buyer_id = c.buyer_id "
        "WHERE c.contract_id IN (SELECT contract_id FROM awardees WHERE supplier_id = ? "
        "AND is_current) GROUP BY c.buyer_id ORDER BY contract_count DESC, c.buyer_id",
        [supplier_id],
    )
    return _dicts(cursor)


def supplier_contracts(
    con: duckdb.DuckDBPyConnection,
    supplier_id: str,
    page: int = 1,
    page_size: int = 20,
    limit: int | None = None,
) -> Page:
    """Contracts a supplier currently holds, most recent first."""
    return _contract_page(
        con,
        "c.contract_id IN (SELECT contract_id FROM awardees WHERE supplier_id = ? AND is_current)",
        [supplier_id],
        page,
        page_size,
        limit,
    )
