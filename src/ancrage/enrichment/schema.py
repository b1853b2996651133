"""The enrichment tables of the warehouse: one Arrow schema per table.

Written by ``ancrage sirene import`` and ``ancrage sirene import-inclusive`` into the snapshot
(through :func:`ancrage.warehouse.snapshot.derive`), read by :mod:`ancrage.enrichment.profiles`.
Only the SIRETs / SIRENs the warehouse needs are kept (buyers and suppliers).

Privacy: ``name`` is null whenever SIRENE marks the entry as non-diffusible
(``statutDiffusion*`` = ``P``); the location (commune) is kept because the indicators need it and
INSEE publishes it for these entries too.
"""

from __future__ import annotations

import pyarrow as pa

STR = pa.string()

ESTABLISHMENTS = pa.schema(
    [
        ("siret", STR),  # 14 digits
        ("siren", STR),  # first 9 digits of the SIRET
        ("commune_code", STR),  # codeCommuneEtablissement (INSEE code, 5 characters)
        ("postal_code", STR),  # codePostalEtablissement
        ("naf", STR),  # activitePrincipaleEtablissement, as published (e.g. "43.21A")
        ("employee_band", STR),  # trancheEffectifsEtablissement code ("NN", "00", "11", …)
        ("active", pa.bool_()),  # etatAdministratifEtablissement: A → true, F → false
        ("is_headquarters", pa.bool_()),  # etablissementSiege
        ("diffusible", pa.bool_()),  # statutDiffusionEtablissement: O → true, P → false
        ("name", STR),  # denominationUsuelle, else enseigne1; null if not diffusible
        ("latitude", pa.float64()),  # WGS84 degrees (converted from Lambert-93 when needed)
        ("longitude", pa.float64()),
        ("foreign_country", STR),  # codePaysEtrangerEtablissement: set for establishments abroad
    ]
)

LEGAL_UNITS = pa.schema(
    [
        ("siren", STR),
        ("name", STR),  # denominationUniteLegale, else prénom + nom; null if not diffusible
        ("size", STR),  # categorieEntreprise PME|ETI|GE → sme|mid_cap|large, else null
        ("legal_category", STR),  # categorieJuridiqueUniteLegale, 4 digits
        ("social_economy", pa.bool_()),  # economieSocialeSolidaireUniteLegale O|N, else null
        ("diffusible", pa.bool_()),  # statutDiffusionUniteLegale: O → true, P → false
        ("active", pa.bool_()),  # etatAdministratifUniteLegale: A → true, C → false
    ]
)

# One row per (siret, kind): a structure may hold several agreements (e.g. ACI and AI).
INCLUSIVE_SUPPLIERS = pa.schema(
    [
        ("siret", STR),
        ("siren", STR),
        ("kind", STR),  # EI, AI, ACI, ETTI, EITI, GEIQ, EA, EATT, ESAT…
        ("name", STR),  # structures are legal entities: their name is public
    ]
)

TABLES: dict[str, pa.Schema] = {
    "establishments": ESTABLISHMENTS,
    "legal_units": LEGAL_UNITS,
    "inclusive_suppliers": INCLUSIVE_SUPPLIERS,
}

# Company-size codes, from SIRENE categorieEntreprise.
SIZES: dict[str, str] = {"PME": "sme", "ETI": "mid_cap", "GE": "large"}

# Kinds of inclusive structures (insertion: SIAE and GEIQ; disability: EA, EATT, ESAT).
INCLUSIVE_KINDS: dict[str, str] = {
    "EI": "Entreprise d'insertion",
    "AI": "Association intermédiaire",
    "ACI": "Atelier et chantier d'insertion",
    "ETTI": "Entreprise de travail temporaire d'insertion",
    "EITI": "Entreprise d'insertion par le travail indépendant",
    "GEIQ": "Groupement d'employeurs pour l'insertion et la qualification",
    "EA": "Entreprise adaptée",
    "EATT": "Entreprise adaptée de travail temporaire",
    "ESAT": "Établissement et service d'aide par le travail",
}
