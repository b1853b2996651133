"""``awardee_locality``: is each current awardee local to its buyer, and how far is it?

One row per current awardee (``awardees.is_current``). ``local`` is TRUE/FALSE only when both ends
are located for the territory in force; otherwise it is NULL and ``reason_unlocated`` says why:

- ``foreign``: the supplier is established abroad (id type HORS-UE, UE, FRWF, a non-French VAT
  number, or a SIRENE establishment abroad);
- ``missing_siret``: no SIRET or SIREN to look up (TAHITI, RIDET, IREP, malformed or empty id);
- ``not_in_sirene``: SIRENE was not imported, does not know the SIRET, or gives no usable
  location (no commune in the reference; for a radius, no coordinates);
- ``no_buyer_location``: the supplier is located but the buyer is not (for this territory kind).

Unlocated suppliers are never counted as non-local: they are counted apart
(:func:`unlocated_counts`). Distances are haversine km between buyer and supplier points.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from ancrage.enrichment.geo import haversine_sql
from ancrage.enrichment.profiles import register as register_profiles
from ancrage.enrichment.territory import Territory

REASONS = ("foreign", "missing_siret", "not_in_sirene", "no_buyer_location")
REASON_LABELS = {
    "foreign": "Entreprise établie à l'étranger",
    "missing_siret": "Pas de SIRET ni de SIREN exploitable",
    "not_in_sirene": "Absente de SIRENE ou sans localisation exploitable",
    "no_buyer_location": "Localisation de l'acheteur inconnue",
}

_OVERRIDES = pa.schema(
    [
        ("buyer_id", pa.string()),
        ("kind", pa.string()),
        ("radius_km", pa.float64()),
        ("communes", pa.list_(pa.string())),
    ]
)


def _as_row(territory: Territory) -> tuple[str, float | None, list[str] | None]:
    if territory.kind == "radius":
        return territory.kind, float(territory.value), None  # type: ignore[arg-type]
    if territory.kind == "custom":
        return territory.kind, None, list(territory.value)  # type: ignore[arg-type]
    return territory.kind, None, None


def locality(
    con: duckdb.DuckDBPyConnection,
    territory: Territory,
    buyer_territories: dict[str, Territory] | None = None,
) -> duckdb.DuckDBPyRelation:
    """Materialise the temp table ``awardee_locality`` on ``con`` and return it as a relation.

    ``territory`` applies to every buyer, except those listed in ``buyer_territories``
    (organisations that define their own perimeter). Registers the profile views if needed.
    """
    if "supplier_profiles" not in {
        row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }:
        register_profiles(con)
    rows = [(buyer_id, *_as_row(t)) for buyer_id, t in sorted((buyer_territories or {}).items())]
    overrides = pa.Table.from_pylist(
        [dict(zip(_OVERRIDES.names, row, strict=True)) for row in rows], schema=_OVERRIDES
    )
    con.register("_locality_overrides", overrides)
    kind, radius, communes = _as_row(territory)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _locality_default AS
        SELECT ?::VARCHAR AS kind, ?::DOUBLE AS radius_km, ?::VARCHAR[] AS communes
        """,
        [kind, radius, communes],
    )
    try:
        con.execute(_LOCALITY_SQL)
    finally:
        con.unregister("_locality_overrides")
    return con.table("awardee_locality")


_DISTANCE = haversine_sql("bp.latitude", "bp.longitude", "sp.latitude", "sp.longitude")

_LOCALITY_SQL = f"""
CREATE OR REPLACE TEMP TABLE awardee_locality AS
WITH base AS (
    SELECT
        a.contract_id,
        c.buyer_id,
        a.supplier_id,
        a.supplier_id_type,
        coalesce(o.kind, d.kind) AS territory_kind,
        CASE WHEN o.kind IS NOT NULL THEN o.radius_km ELSE d.radius_km END AS radius_km,
        CASE WHEN o.kind IS NOT NULL THEN o.communes ELSE d.communes END AS communes,
        coalesce(sp.located, FALSE) AS supplier_located,
        coalesce(sp.reason_unlocated, 'missing_siret') AS supplier_reason,
        sp.commune_code AS s_commune, sp.municipality AS s_municipality,
        sp.epci AS s_epci, sp.departement AS s_departement, sp.region AS s_region,
        sp.latitude IS NOT NULL AS s_has_point,
        bp.municipality AS b_municipality, bp.epci AS b_epci,
        bp.departement AS b_departement, bp.region AS b_region,
        bp.latitude IS NOT NULL AND bp.longitude IS NOT NULL AS b_has_point,
        CASE WHEN sp.located THEN {_DISTANCE} END AS distance_km
    FROM awardees AS a
    JOIN contracts AS c USING (contract_id)
    LEFT JOIN supplier_profiles AS sp
        ON sp.supplier_id IS NOT DISTINCT FROM a.supplier_id
       AND sp.supplier_id_type IS NOT DISTINCT FROM a.supplier_id_type
    LEFT JOIN buyer_profiles AS bp ON bp.buyer_id = c.buyer_id
    LEFT JOIN _locality_overrides AS o ON o.buyer_id = c.buyer_id
    CROSS JOIN _locality_default AS d
    WHERE a.is_current
),
decided AS (
    SELECT *,
        -- Is the supplier located enough for this kind of territory?
        supplier_located AND (territory_kind <> 'radius' OR s_has_point) AS s_ok,
        -- Is the buyer? (a custom list of communes does not depend on the buyer)
        CASE territory_kind
            WHEN 'commune' THEN b_municipality IS NOT NULL
            WHEN 'epci' THEN b_epci IS NOT NULL
            WHEN 'departement' THEN b_departement IS NOT NULL
            WHEN 'region' THEN b_region IS NOT NULL
            WHEN 'radius' THEN b_has_point
            WHEN 'custom' THEN TRUE
        END AS b_ok
    FROM base
)
SELECT
    contract_id,
    buyer_id,
    supplier_id,
    supplier_id_type,
    CASE WHEN NOT s_ok OR NOT b_ok THEN NULL
         ELSE CASE territory_kind
            WHEN 'commune' THEN s_municipality = b_municipality
            WHEN 'epci' THEN coalesce(s_epci = b_epci, FALSE)
            WHEN 'departement' THEN s_departement = b_departement
            WHEN 'region' THEN s_region = b_region
            WHEN 'radius' THEN distance_km <= radius_km
            WHEN 'custom' THEN list_contains(communes, s_commune)
                               OR list_contains(communes, s_municipality)
         END
    END AS local,
    distance_km,
    s_ok AS located,
    CASE WHEN NOT s_ok THEN
              CASE WHEN supplier_located THEN 'not_in_sirene' ELSE supplier_reason END
         WHEN NOT b_ok THEN 'no_buyer_location' END AS reason_unlocated,
    territory_kind,
    radius_km
FROM decided
ORDER BY contract_id, supplier_id
"""


def unlocated_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of ``awardee_locality`` whose locality is unknown, by reason (all reasons listed)."""
    found = dict(
        con.execute(
            "SELECT reason_unlocated, count(*) FROM awardee_locality "
            "WHERE reason_unlocated IS NOT NULL GROUP BY ALL"
        ).fetchall()
    )
    return {reason: found.get(reason, 0) for reason in REASONS}
