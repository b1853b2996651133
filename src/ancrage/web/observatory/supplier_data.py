"""A buyer's suppliers with their badges and locations, for the list and the map (no Django).

Multi-awardee rule (as in the indicators): a contract with ``n`` current awardees gives each of
them ``1/n`` contract and ``amount/n`` euros. Non-diffusible SIRENE entries keep no name and are
placed at their commune's centre, never at the establishment's own coordinates.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ancrage.enrichment import NON_DIFFUSIBLE_LABEL, REASON_LABELS, Territory
from ancrage.web.observatory import indicator_data
from ancrage.web.observatory.queries import exists

SIZE_LABELS = {"sme": "PME", "mid_cap": "ETI", "large": "Grande entreprise"}


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def suppliers_sql(contracts: str, awardees: str, loc: str, where: str, by_year: bool) -> str:
    """Current awardees with their shares, badges and place, per supplier of the contracts of
    ``contracts`` matching ``where``; with ``by_year``, per buyer, year and supplier (the table
    of the snapshot cache), else for the contracts selected (one buyer's page)."""
    keys = "m.buyer_id, m.year, " if by_year else ""
    return f"""
        WITH mine AS (
            SELECT contract_id, buyer_id, year(notification_date) AS year,
                   coalesce(current_amount_ht, amount_ht) AS amount
            FROM {contracts} c WHERE {where}
        ),
        current AS (
            SELECT a.contract_id, a.supplier_id, a.supplier_id_type, a.supplier_name,
                   count(*) OVER (PARTITION BY a.contract_id) AS n
            FROM {awardees} a JOIN mine USING (contract_id) WHERE a.is_current
        )
        SELECT {keys}cur.supplier_id, cur.supplier_id_type,
               any_value(sp.diffusible) AS diffusible,
               any_value(CASE WHEN sp.diffusible IS NOT DISTINCT FROM FALSE THEN NULL
                              ELSE coalesce(sp.name, cur.supplier_name) END) AS name,
               count(*) AS contracts,
               sum(1.0 / cur.n) AS contract_share,
               sum(m.amount / cur.n) AS amount,
               any_value(sp.size) AS size,
               any_value(sp.social_economy) AS social_economy,
               any_value(sp.inclusive) AS inclusive,
               any_value(sp.inclusive_kind) AS inclusive_kind,
               any_value(sp.departement) AS departement,
               any_value(sp.commune_code) AS commune_code,
               any_value(rc.name) AS commune_name,
               any_value(CASE WHEN sp.diffusible IS NOT DISTINCT FROM FALSE
                              THEN rc.latitude ELSE sp.latitude END) AS latitude,
               any_value(CASE WHEN sp.diffusible IS NOT DISTINCT FROM FALSE
                              THEN rc.longitude ELSE sp.longitude END) AS longitude,
               bool_or(l.local) AS local,
               any_value(l.reason_unlocated) AS reason_unlocated,
               min(l.distance_km) AS distance_km
        FROM current cur JOIN mine m USING (contract_id)
        LEFT JOIN supplier_profiles sp
               ON sp.supplier_id IS NOT DISTINCT FROM cur.supplier_id
              AND sp.supplier_id_type IS NOT DISTINCT FROM cur.supplier_id_type
        LEFT JOIN ref_communes rc ON rc.code = sp.commune_code
        LEFT JOIN {loc} l
               ON l.contract_id = cur.contract_id
              AND l.supplier_id IS NOT DISTINCT FROM cur.supplier_id
              AND l.supplier_id_type IS NOT DISTINCT FROM cur.supplier_id_type
        GROUP BY {keys}cur.supplier_id, cur.supplier_id_type
        ORDER BY {keys}amount DESC NULLS LAST, contract_share DESC, cur.supplier_id
    """


# The suppliers of every buyer and year for the default territory, in the snapshot cache.
PRECOMPUTED = "web_suppliers_departement"
_ORDER = "ORDER BY amount DESC NULLS LAST, contract_share DESC, supplier_id"


def buyer_suppliers(
    con: duckdb.DuckDBPyConnection,
    siret: str,
    territory: Territory,
    year: int | None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The buyer's current awardees over the year (all years when None), largest amount first."""
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    if year is not None and territory == indicator_data.DEFAULT and exists(con, PRECOMPUTED):
        sql = (
            f"SELECT * EXCLUDE (buyer_id, year) FROM {PRECOMPUTED} "
            f"WHERE buyer_id = ? AND year = ? {_ORDER} {limit_sql}"
        )
        rows = _dicts(con.execute(sql, [siret, year]))
    else:
        # The buyer's contracts, awardees and locality, shared with the breakdowns of the page.
        indicator_data.scope(con, territory, siret)
        contracts, awardees, loc = (
            indicator_data.SCOPE[name] for name in ("contracts", "awardees", "awardee_locality")
        )
        where, params = "c.buyer_id = ?", [siret]
        if year is not None:
            where += " AND year(c.notification_date) = ?"
            params.append(year)
        sql = suppliers_sql(contracts, awardees, loc, where, by_year=False)
        rows = _dicts(con.execute(f"{sql} {limit_sql}", params))
    for row in rows:
        row["display_name"] = _display_name(row)
        row["badges"] = badges(row)
        row["locality_label"] = locality_label(row)
    return rows


def _display_name(row: dict[str, Any]) -> str:
    if row["diffusible"] is False:
        return NON_DIFFUSIBLE_LABEL
    return row["name"] or row["supplier_id"] or "(sans identifiant)"


def badges(row: dict[str, Any]) -> list[str]:
    """French badges: Local, PME, ESS, inclusive structure kind."""
    out = []
    if row.get("local"):
        out.append("Local")
    if row.get("size") == "sme":
        out.append("PME")
    if row.get("social_economy"):
        out.append("ESS")
    if row.get("inclusive"):
        out.append(
            f"Inclusif ({row['inclusive_kind']})" if row.get("inclusive_kind") else "Inclusif"
        )
    return out


def locality_label(row: dict[str, Any]) -> str:
    if row.get("local") is True:
        return "local"
    if row.get("local") is False:
        return "non local"
    reason = row.get("reason_unlocated")
    return f"non déterminé : {REASON_LABELS.get(reason, 'localisation inconnue').lower()}"


def buyer_place(con: duckdb.DuckDBPyConnection, siret: str) -> dict[str, Any] | None:
    """The buyer's commune, EPCI, département, région and point (None when unknown)."""
    places = indicator_data.ensure_places(con)
    rows = _dicts(
        con.execute(
            f"""SELECT p.*, d.name AS departement_name, r.name AS region_name,
                       e.name AS epci_name
                FROM {places} p
                LEFT JOIN ref_departements d ON d.code = p.departement
                LEFT JOIN ref_regions r ON r.code = p.region
                LEFT JOIN ref_epci e ON e.siren = p.epci
                WHERE p.buyer_id = ?""",
            [siret],
        )
    )
    return rows[0] if rows else None


def locality_summary(suppliers: list[dict[str, Any]]) -> dict[str, float]:
    """Contract shares by locality (local / non local / not determined), for the map's text."""
    summary = {"local": 0.0, "not_local": 0.0, "unknown": 0.0}
    for row in suppliers:
        key = {True: "local", False: "not_local"}.get(row["local"], "unknown")
        summary[key] += row["contract_share"]
    return summary


SUPPLIER_COLUMNS = [
    ("supplier_id", "Identifiant du titulaire"),
    ("supplier_id_type", "Type d'identifiant"),
    ("display_name", "Nom"),
    ("contracts", "Contrats (nombre)"),
    ("contract_share", "Contrats (parts 1/n)"),
    ("amount", "Montant HT attribué (parts 1/n, €)"),
    ("locality_label", "Localité"),
    ("distance_km", "Distance (km)"),
    ("commune_name", "Commune"),
    ("departement", "Département"),
    ("size_label", "Taille"),
    ("social_economy", "ESS"),
    ("inclusive_kind", "Structure inclusive"),
]


def export_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "size_label": SIZE_LABELS.get(r.get("size") or "", "")} for r in rows]
