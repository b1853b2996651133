"""SQL that turns kept SIRENE rows (all text, official column names) into typed table rows.

Rules, shared by CSV and Parquet sources:

- ``[ND]`` is INSEE's mask for a value withheld from a non-diffusible entry: it becomes NULL and is
  not an error;
- a value that does not fit its field becomes NULL and is counted under a rule of
  :func:`issue_rules` (never a guessed value);
- the name of a non-diffusible entry (``statutDiffusion…`` = ``P``) is always NULL; so is the name
  when the diffusion status is missing or unknown (privacy first);
- coordinates: ``longitude``/``latitude`` of the geolocalised stock when valid, else the
  Lambert-93 ones converted (metropolitan communes only: SIRENE gives overseas coordinates in
  local UTM projections, so those fall back to the commune centre later).
"""

from __future__ import annotations

from ancrage.enrichment.geo import lambert93_sql

ESTABLISHMENT_COLUMNS = [
    "siret",
    "siren",
    "codeCommuneEtablissement",
    "codePostalEtablissement",
    "activitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "etatAdministratifEtablissement",
    "etablissementSiege",
    "statutDiffusionEtablissement",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "longitude",
    "latitude",
    "codePaysEtrangerEtablissement",
]

LEGAL_UNIT_COLUMNS = [
    "siren",
    "categorieEntreprise",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "statutDiffusionUniteLegale",
    "denominationUniteLegale",
    "nomUniteLegale",
    "prenom1UniteLegale",
    "etatAdministratifUniteLegale",
]

COMMUNE_PATTERN = "[0-9]{5}|2[AB][0-9]{3}"


def clean(column: str) -> str:
    """Trimmed value; empty and INSEE's ``[ND]`` mask become NULL."""
    return f"nullif(nullif(trim(\"{column}\"), ''), '[ND]')"


def number(column: str) -> str:
    return f"TRY_CAST(replace({clean(column)}, ',', '.') AS DOUBLE)"


def _not_in(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    return f"({clean(column)} IS NOT NULL AND {clean(column)} NOT IN ({listed}))"


def _bad_number(column: str) -> str:
    return f"({clean(column)} IS NOT NULL AND {number(column)} IS NULL)"


def issue_rules(kind: str) -> dict[str, str]:
    """Rule id → SQL condition on ``_kept`` rows that break it."""
    diffusion = "statutDiffusionEtablissement"
    if kind == "establishments":
        commune = clean("codeCommuneEtablissement")
        postal = clean("codePostalEtablissement")
        lon, lat = number("longitude"), number("latitude")
        return {
            "siren_differs_from_siret": f"({clean('siren')} IS NOT NULL "
            f"AND {clean('siren')} <> left(siret, 9))",
            "invalid_commune_code": f"({commune} IS NOT NULL "
            f"AND NOT regexp_full_match({commune}, '{COMMUNE_PATTERN}'))",
            "invalid_postal_code": f"({postal} IS NOT NULL "
            f"AND NOT regexp_full_match({postal}, '[0-9]{{5}}'))",
            "invalid_administrative_state": _not_in("etatAdministratifEtablissement", ("A", "F")),
            "invalid_headquarters_flag": f"({clean('etablissementSiege')} IS NOT NULL AND "
            f"lower({clean('etablissementSiege')}) NOT IN ('true', 'false'))",
            "unknown_diffusion_status": f"coalesce({clean(diffusion)} NOT IN ('O', 'P', 'N'), TRUE)",
            "invalid_coordinates": (
                f"({_bad_number('coordonneeLambertAbscisseEtablissement')} "
                f"OR {_bad_number('coordonneeLambertOrdonneeEtablissement')} "
                f"OR {_bad_number('longitude')} OR {_bad_number('latitude')} "
                f"OR NOT coalesce({lon} BETWEEN -180 AND 180, TRUE) "
                f"OR NOT coalesce({lat} BETWEEN -90 AND 90, TRUE))"
            ),
            "coordinates_not_lambert93": (
                f"({_l93_raw_lat()} IS NULL AND {number('coordonneeLambertAbscisseEtablissement')}"
                f" IS NOT NULL AND {number('coordonneeLambertOrdonneeEtablissement')} IS NOT NULL"
                f" AND NOT coalesce({lon} BETWEEN -180 AND 180 AND {lat} BETWEEN -90 AND 90,"
                " FALSE))"
            ),
        }
    if kind == "legal_units":
        category = clean("categorieJuridiqueUniteLegale")
        return {
            "invalid_company_category": _not_in("categorieEntreprise", ("PME", "ETI", "GE")),
            "invalid_legal_category": f"({category} IS NOT NULL "
            f"AND NOT regexp_full_match({category}, '[0-9]{{4}}'))",
            "invalid_social_economy_flag": _not_in(
                "economieSocialeSolidaireUniteLegale", ("O", "N")
            ),
            "unknown_diffusion_status": (
                f"coalesce({clean('statutDiffusionUniteLegale')} NOT IN ('O', 'P', 'N'), TRUE)"
            ),
            "invalid_administrative_state": _not_in("etatAdministratifUniteLegale", ("A", "C")),
        }
    raise ValueError(kind)


def _l93_raw_lat() -> str:
    """Latitude from the Lambert-93 columns, NULL for overseas communes or outside the box."""
    lat, _ = _l93()
    return lat


def _l93() -> tuple[str, str]:
    x = number("coordonneeLambertAbscisseEtablissement")
    y = number("coordonneeLambertOrdonneeEtablissement")
    lat, lon = lambert93_sql(x, y)
    overseas = f"coalesce(left({clean('codeCommuneEtablissement')}, 2) IN ('97', '98'), FALSE)"
    return (
        f"(CASE WHEN NOT {overseas} THEN {lat} END)",
        f"(CASE WHEN NOT {overseas} THEN {lon} END)",
    )


def typed_select(kind: str) -> str:
    """SELECT over ``_kept`` giving the table's columns (plus ``_file``)."""
    if kind == "establishments":
        return _establishments()
    if kind == "legal_units":
        return _legal_units()
    raise ValueError(kind)


def _establishments() -> str:
    commune = clean("codeCommuneEtablissement")
    postal = clean("codePostalEtablissement")
    lon, lat = number("longitude"), number("latitude")
    l93_lat, l93_lon = _l93()
    geo_ok = f"({lon} BETWEEN -180 AND 180 AND {lat} BETWEEN -90 AND 90)"
    return f"""
        SELECT
            siret,
            left(siret, 9) AS siren,
            CASE WHEN regexp_full_match({commune}, '{COMMUNE_PATTERN}') THEN {commune} END
                AS commune_code,
            CASE WHEN regexp_full_match({postal}, '[0-9]{{5}}') THEN {postal} END AS postal_code,
            {clean("activitePrincipaleEtablissement")} AS naf,
            {clean("trancheEffectifsEtablissement")} AS employee_band,
            CASE {clean("etatAdministratifEtablissement")} WHEN 'A' THEN TRUE WHEN 'F' THEN FALSE
                END AS active,
            CASE lower({clean("etablissementSiege")}) WHEN 'true' THEN TRUE
                WHEN 'false' THEN FALSE END AS is_headquarters,
            CASE {clean("statutDiffusionEtablissement")} WHEN 'O' THEN TRUE WHEN 'P' THEN FALSE
                WHEN 'N' THEN FALSE END AS diffusible,
            CASE WHEN {clean("statutDiffusionEtablissement")} = 'O'
                THEN coalesce({clean("denominationUsuelleEtablissement")},
                              {clean("enseigne1Etablissement")}) END AS name,
            CASE WHEN {geo_ok} THEN {lat} ELSE {l93_lat} END AS latitude,
            CASE WHEN {geo_ok} THEN {lon} ELSE {l93_lon} END AS longitude,
            {clean("codePaysEtrangerEtablissement")} AS foreign_country,
            _file
        FROM _kept
    """


def _legal_units() -> str:
    category = clean("categorieJuridiqueUniteLegale")
    person = f"nullif(concat_ws(' ', {clean('prenom1UniteLegale')}, {clean('nomUniteLegale')}), '')"
    return f"""
        SELECT
            siren,
            CASE WHEN {clean("statutDiffusionUniteLegale")} = 'O'
                THEN coalesce({clean("denominationUniteLegale")}, {person}) END AS name,
            CASE {clean("categorieEntreprise")} WHEN 'PME' THEN 'sme' WHEN 'ETI' THEN 'mid_cap'
                WHEN 'GE' THEN 'large' END AS size,
            CASE WHEN regexp_full_match({category}, '[0-9]{{4}}') THEN {category} END
                AS legal_category,
            CASE {clean("economieSocialeSolidaireUniteLegale")} WHEN 'O' THEN TRUE
                WHEN 'N' THEN FALSE END AS social_economy,
            CASE {clean("statutDiffusionUniteLegale")} WHEN 'O' THEN TRUE WHEN 'P' THEN FALSE
                WHEN 'N' THEN FALSE END AS diffusible,
            CASE {clean("etatAdministratifUniteLegale")} WHEN 'A' THEN TRUE WHEN 'C' THEN FALSE
                END AS active,
            _file
        FROM _kept
    """
