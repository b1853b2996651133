"""``supplier_profiles`` and ``buyer_profiles``: who each buyer and supplier is, and where.

:func:`register` adds the two views to a DuckDB connection that has the warehouse views
(:func:`ancrage.warehouse.connect`) and the reference views (:func:`ancrage.reference.register`).
They are views: they always reflect the snapshot the connection reads.

Location rules (documented in ``docs/enrichissement.md``):

- a supplier is located by its SIRENE establishment (the head office when only a SIREN is known);
  its commune must be in the reference (old codes are followed to the current commune);
  coordinates are the establishment's when SIRENE gives them, else the commune centre;
- a buyer is located by its establishment, or WITHOUT SIRENE when its SIREN is a commune's (the
  commune) or an EPCI's (the most populous member commune stands for it; ``commune_code`` stays
  NULL); a commune buyer's territory is always the commune itself;
- the municipal arrondissements of Paris, Lyon and Marseille (SIRENE's commune codes there)
  belong to their commune (``municipality``).
"""

from __future__ import annotations

import duckdb

from ancrage.enrichment.ids import foreign_sql, siren_sql, siret_sql
from ancrage.enrichment.schema import TABLES

# Peer size bands: (code, lower bound inclusive, French label).
POPULATION_BANDS: tuple[tuple[str, int, str], ...] = (
    ("pop<1k", 0, "moins de 1 000 habitants"),
    ("pop1k-3.5k", 1_000, "de 1 000 à 3 499 habitants"),
    ("pop3.5k-10k", 3_500, "de 3 500 à 9 999 habitants"),
    ("pop10k-50k", 10_000, "de 10 000 à 49 999 habitants"),
    ("pop50k-100k", 50_000, "de 50 000 à 99 999 habitants"),
    ("pop>=100k", 100_000, "100 000 habitants ou plus"),
)
CONTRACT_BANDS: tuple[tuple[str, int, str], ...] = (
    ("ctr<10", 0, "moins de 10 marchés"),
    ("ctr10-49", 10, "de 10 à 49 marchés"),
    ("ctr50-199", 50, "de 50 à 199 marchés"),
    ("ctr200-999", 200, "de 200 à 999 marchés"),
    ("ctr>=1000", 1_000, "1 000 marchés ou plus"),
)
SIZE_BAND_LABELS: dict[str, str] = {code: label for code, _, label in POPULATION_BANDS} | {
    code: label for code, _, label in CONTRACT_BANDS
}
# Buyer kinds compared by population (the others by number of contracts).
POPULATION_KINDS = ("commune", "epci")

NON_DIFFUSIBLE_LABEL = "[Données personnelles non diffusibles]"


def _band_sql(value: str, bands: tuple[tuple[str, int, str], ...]) -> str:
    cases = " ".join(f"WHEN {value} >= {lower} THEN '{code}'" for code, lower, _ in reversed(bands))
    return f"CASE {cases} END"


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty views for enrichment tables the snapshot does not have yet, and reference views."""
    present = _existing(con)
    for table, schema in TABLES.items():
        if table not in present:
            con.register(f"_{table}_empty", schema.empty_table())
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM _{table}_empty")
    if "ref_communes" not in present:
        from ancrage import reference

        reference.register(con)


def register(con: duckdb.DuckDBPyConnection, materialize: bool = False) -> None:
    """Create (or replace) the views ``supplier_profiles`` and ``buyer_profiles`` on ``con``.

    With ``materialize``, they are computed once into tables of the same name instead: faster
    when many indicators read them from the same connection (e.g. ``indicators compute --all``).
    """
    ensure_tables(con)
    con.execute(_COMMUNE_INDEX)
    profiles = {"supplier_profiles": _SUPPLIER_PROFILES, "buyer_profiles": _buyer_profiles_sql()}
    for name, sql in profiles.items():
        _drop(con, name)
        if not materialize:
            con.execute(sql)
            continue
        view = f"_{name}_view"
        con.execute(sql.replace(f"VIEW {name} AS", f"VIEW {view} AS"))
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {view}")


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop ``name`` whether it is a view or a (materialised) table."""
    kinds = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {name}")


# Every code a SIRENE commune code may be (current code or a former one) → the current commune.
_COMMUNE_INDEX = """
CREATE OR REPLACE VIEW enrichment_commune_index AS
SELECT * EXCLUDE (_rank) FROM (
    SELECT *, row_number() OVER (PARTITION BY lookup_code ORDER BY is_former, code) AS _rank
    FROM (
        SELECT code AS lookup_code, FALSE AS is_former, code FROM ref_communes
        UNION ALL
        SELECT unnest(former_codes), TRUE, code FROM ref_communes
    )
) AS candidates
JOIN (
    SELECT code, coalesce(parent_code, code) AS municipality, departement, region, epci,
           latitude, longitude, population
    FROM ref_communes
) AS communes USING (code)
WHERE _rank = 1
"""

_SUPPLIER_PROFILES = f"""
CREATE OR REPLACE VIEW supplier_profiles AS
WITH ids AS (
    SELECT supplier_id, supplier_id_type, min(supplier_name) AS published_name,
           {siret_sql("supplier_id", "supplier_id_type")} AS siret,
           {siren_sql("supplier_id", "supplier_id_type")} AS siren,
           coalesce({foreign_sql("supplier_id", "supplier_id_type")}, FALSE) AS foreign_id
    FROM awardees
    GROUP BY supplier_id, supplier_id_type
),
head_offices AS (
    SELECT * EXCLUDE (_rank) FROM (
        SELECT *, row_number() OVER (PARTITION BY siren ORDER BY active DESC NULLS LAST, siret)
            AS _rank
        FROM establishments WHERE is_headquarters
    ) WHERE _rank = 1
),
inclusive_loaded AS (SELECT count(*) > 0 AS loaded FROM inclusive_suppliers),
inclusive_by_siret AS (
    SELECT siret, string_agg(DISTINCT kind, ',' ORDER BY kind) AS kind
    FROM inclusive_suppliers GROUP BY siret
),
inclusive_by_siren AS (
    SELECT siren, string_agg(DISTINCT kind, ',' ORDER BY kind) AS kind
    FROM inclusive_suppliers GROUP BY siren
),
joined AS (
    SELECT ids.*,
           coalesce(est.siret, ho.siret) AS est_siret,
           coalesce(est.commune_code, ho.commune_code) AS sirene_commune,
           CASE WHEN est.siret IS NOT NULL THEN est.latitude ELSE ho.latitude END AS est_lat,
           CASE WHEN est.siret IS NOT NULL THEN est.longitude ELSE ho.longitude END AS est_lon,
           CASE WHEN est.siret IS NOT NULL THEN est.naf ELSE ho.naf END AS naf,
           CASE WHEN est.siret IS NOT NULL THEN est.name ELSE ho.name END AS est_name,
           CASE WHEN est.siret IS NOT NULL THEN est.diffusible ELSE ho.diffusible END
               AS est_diffusible,
           coalesce(est.foreign_country, ho.foreign_country) AS foreign_country,
           lu.siren AS lu_siren, lu.name AS lu_name, lu.diffusible AS lu_diffusible,
           lu.size, lu.social_economy,
           inc.kind AS inclusive_siret_kind, incs.kind AS inclusive_siren_kind,
           (SELECT loaded FROM inclusive_loaded) AS inclusive_loaded
    FROM ids
    LEFT JOIN establishments AS est ON est.siret = ids.siret
    LEFT JOIN head_offices AS ho ON ids.siret IS NULL AND ho.siren = ids.siren
    LEFT JOIN legal_units AS lu ON lu.siren = ids.siren
    LEFT JOIN inclusive_by_siret AS inc ON inc.siret = ids.siret
    LEFT JOIN inclusive_by_siren AS incs ON incs.siren = ids.siren
),
located AS (
    SELECT joined.*, idx.code AS commune_code, idx.municipality, idx.departement, idx.region,
           idx.epci, idx.latitude AS commune_lat, idx.longitude AS commune_lon
    FROM joined LEFT JOIN enrichment_commune_index AS idx ON idx.lookup_code = sirene_commune
)
SELECT
    supplier_id,
    supplier_id_type,
    siret,
    siren,
    commune_code,
    municipality,
    departement,
    region,
    epci,
    CASE WHEN commune_code IS NULL THEN NULL
         WHEN est_lat IS NOT NULL AND est_lon IS NOT NULL THEN est_lat ELSE commune_lat END
        AS latitude,
    CASE WHEN commune_code IS NULL THEN NULL
         WHEN est_lat IS NOT NULL AND est_lon IS NOT NULL THEN est_lon ELSE commune_lon END
        AS longitude,
    CASE WHEN commune_code IS NULL THEN NULL
         WHEN est_lat IS NOT NULL AND est_lon IS NOT NULL THEN 'establishment'
         WHEN commune_lat IS NOT NULL THEN 'commune_centre' END AS location_source,
    commune_code IS NOT NULL AS located,
    foreign_id OR foreign_country IS NOT NULL AS "foreign",
    CASE WHEN commune_code IS NOT NULL THEN NULL
         WHEN foreign_id OR foreign_country IS NOT NULL THEN 'foreign'
         WHEN siret IS NULL AND siren IS NULL THEN 'missing_siret'
         ELSE 'not_in_sirene' END AS reason_unlocated,
    est_siret IS NOT NULL OR lu_siren IS NOT NULL AS in_sirene,
    size,
    social_economy,
    CASE WHEN NOT inclusive_loaded THEN NULL
         ELSE inclusive_siret_kind IS NOT NULL OR inclusive_siren_kind IS NOT NULL END
        AS inclusive,
    coalesce(inclusive_siret_kind, inclusive_siren_kind) AS inclusive_kind,
    naf,
    CASE WHEN est_siret IS NULL AND lu_siren IS NULL THEN NULL
         ELSE (est_siret IS NULL OR coalesce(est_diffusible, FALSE))
              AND (lu_siren IS NULL OR coalesce(lu_diffusible, FALSE)) END AS diffusible,
    CASE WHEN (est_siret IS NOT NULL AND NOT coalesce(est_diffusible, FALSE))
              OR (lu_siren IS NOT NULL AND NOT coalesce(lu_diffusible, FALSE)) THEN NULL
         ELSE coalesce(lu_name, est_name, published_name) END AS name
FROM located
"""


def _buyer_profiles_sql() -> str:
    population_band = _band_sql("population", POPULATION_BANDS)
    contract_band = _band_sql("contract_count", CONTRACT_BANDS)
    kinds = ", ".join(f"'{k}'" for k in POPULATION_KINDS)
    return f"""
CREATE OR REPLACE VIEW buyer_profiles AS
WITH buyers_ AS (
    SELECT buyer_id, count(*) AS contract_count, min(buyer_name) AS published_name,
           {siret_sql("buyer_id")} AS siret, {siren_sql("buyer_id")} AS siren
    FROM contracts GROUP BY buyer_id
),
head_offices AS (
    SELECT * EXCLUDE (_rank) FROM (
        SELECT *, row_number() OVER (PARTITION BY siren ORDER BY active DESC NULLS LAST, siret)
            AS _rank
        FROM establishments WHERE is_headquarters
    ) WHERE _rank = 1
),
epci_main AS (
    -- The most populous member commune stands for an EPCI known only by its SIREN.
    SELECT * EXCLUDE (_rank) FROM (
        SELECT m.epci_siren, c.code, c.departement, c.region, c.latitude, c.longitude,
               row_number() OVER (PARTITION BY m.epci_siren
                                  ORDER BY c.population DESC NULLS LAST, c.code) AS _rank
        FROM ref_epci_members AS m JOIN ref_communes AS c ON c.code = m.commune_code
    ) WHERE _rank = 1
),
joined AS (
    SELECT b.*,
           coalesce(est.commune_code, ho.commune_code) AS sirene_commune,
           CASE WHEN est.siret IS NOT NULL THEN est.latitude ELSE ho.latitude END AS est_lat,
           CASE WHEN est.siret IS NOT NULL THEN est.longitude ELSE ho.longitude END AS est_lon,
           coalesce(est.name, ho.name) AS est_name,
           lu.name AS lu_name, lu.legal_category,
           rc.code AS ref_commune, rc.population AS ref_commune_population,
           re.siren AS ref_epci, re.population AS ref_epci_population
    FROM buyers_ AS b
    LEFT JOIN establishments AS est ON est.siret = b.siret
    LEFT JOIN head_offices AS ho ON b.siret IS NULL AND ho.siren = b.siren
    LEFT JOIN legal_units AS lu ON lu.siren = b.siren
    LEFT JOIN ref_communes AS rc ON rc.siren = b.siren
    LEFT JOIN ref_epci AS re ON re.siren = b.siren
),
located AS (
    SELECT j.*,
           est_idx.municipality AS est_municipality,
           coalesce(j.ref_commune, est_idx.code) AS commune_code,
           cidx.municipality, cidx.departement AS commune_departement,
           cidx.region AS commune_region, cidx.epci AS commune_epci,
           cidx.latitude AS commune_lat, cidx.longitude AS commune_lon,
           cidx.population AS commune_population,
           em.departement AS epci_departement, em.region AS epci_region,
           em.latitude AS epci_lat, em.longitude AS epci_lon,
           mun.population AS municipality_population,
           lc.buyer_kind AS category_kind
    FROM joined AS j
    LEFT JOIN enrichment_commune_index AS est_idx ON est_idx.lookup_code = j.sirene_commune
    LEFT JOIN enrichment_commune_index AS cidx
        ON cidx.lookup_code = coalesce(j.ref_commune, est_idx.code)
    LEFT JOIN ref_communes AS mun ON mun.code = cidx.municipality
    LEFT JOIN epci_main AS em ON em.epci_siren = j.ref_epci
    LEFT JOIN ref_legal_categories AS lc ON lc.code = j.legal_category
),
classified AS (
    SELECT *,
        CASE WHEN category_kind IS NOT NULL THEN category_kind
             WHEN legal_category IS NOT NULL THEN 'other'
             WHEN ref_commune IS NOT NULL THEN 'commune'
             WHEN ref_epci IS NOT NULL THEN 'epci' END AS buyer_kind,
        -- The establishment's own point, unless it lies outside the commune buyer's commune.
        est_lat IS NOT NULL AND est_lon IS NOT NULL AND est_municipality IS NOT NULL
            AND (ref_commune IS NULL OR est_municipality = ref_commune) AS use_establishment
    FROM located
),
profiled AS (
    SELECT *,
        CASE WHEN buyer_kind = 'commune'
                 THEN coalesce(ref_commune_population, municipality_population)
             WHEN buyer_kind = 'epci' THEN ref_epci_population END AS population
    FROM classified
)
SELECT
    buyer_id,
    siren,
    coalesce(lu_name, est_name, published_name) AS name,
    commune_code,
    municipality,
    coalesce(commune_departement, epci_departement) AS departement,
    coalesce(commune_region, epci_region) AS region,
    coalesce(ref_epci, commune_epci) AS epci,
    CASE WHEN commune_code IS NULL THEN epci_lat
         WHEN use_establishment THEN est_lat ELSE commune_lat END AS latitude,
    CASE WHEN commune_code IS NULL THEN epci_lon
         WHEN use_establishment THEN est_lon ELSE commune_lon END AS longitude,
    CASE WHEN commune_code IS NULL AND epci_lat IS NOT NULL THEN 'epci_main_commune'
         WHEN commune_code IS NULL THEN NULL
         WHEN use_establishment THEN 'establishment'
         WHEN commune_lat IS NOT NULL THEN 'commune_centre' END AS location_source,
    commune_code IS NOT NULL OR ref_epci IS NOT NULL AS located,
    legal_category,
    buyer_kind,
    population,
    contract_count,
    CASE WHEN buyer_kind IN ({kinds}) AND population IS NOT NULL THEN {population_band}
         ELSE {contract_band} END AS size_band,
    CASE WHEN buyer_kind IS NOT NULL THEN buyer_kind || '/' ||
        CASE WHEN buyer_kind IN ({kinds}) AND population IS NOT NULL THEN {population_band}
             ELSE {contract_band} END END AS peer_group
FROM profiled
"""
