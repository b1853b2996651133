"""Offline reference data: communes, EPCI, départements, régions, CPV, NAF, legal categories.

The tables are small zstd Parquet files shipped in ``ancrage/reference/data`` and derived from
registry packages by ``scripts/reference/build.py``; ``docs/reference-data.md`` lists sources and
licences (also in :data:`ATTRIBUTION`). Nothing here needs the network or Node.

``normalise_cpv`` and ``cpv_family`` are pure string functions for the ingest hot path: they never
read Parquet.
"""

from __future__ import annotations

from ancrage.reference.attribution import ATTRIBUTION
from ancrage.reference.codes import (
    CPV_DIVISIONS,
    cpv_family,
    cpv_level,
    normalise_cpv,
    normalise_naf,
)
from ancrage.reference.lookups import commune, commune_by_siren, departement_of_commune
from ancrage.reference.tables import (
    DATA_DIR,
    TABLES,
    ReferenceDataMissing,
    communes,
    cpv,
    departements,
    epci,
    epci_members,
    legal_categories,
    naf,
    regions,
    register,
)

__all__ = [
    "ATTRIBUTION",
    "CPV_DIVISIONS",
    "DATA_DIR",
    "TABLES",
    "ReferenceDataMissing",
    "commune",
    "commune_by_siren",
    "communes",
    "cpv",
    "cpv_family",
    "cpv_level",
    "departement_of_commune",
    "departements",
    "epci",
    "epci_members",
    "legal_categories",
    "naf",
    "normalise_cpv",
    "normalise_naf",
    "regions",
    "register",
]
