"""Enrichment: SIRENE and inclusive-structure imports, buyer/supplier profiles, territories.

Public API:

- :func:`import_sirene` / :func:`import_inclusive`: the imports behind ``ancrage sirene``;
- :func:`register`: views ``supplier_profiles`` and ``buyer_profiles`` on a connection;
- :class:`Territory` and :func:`locality`: the temp table ``awardee_locality``.

This package never imports Django.
"""

from __future__ import annotations

from ancrage.enrichment.geo import haversine_km, lambert93_to_wgs84
from ancrage.enrichment.inclusive import InclusiveImportError, import_inclusive
from ancrage.enrichment.locality import REASON_LABELS, REASONS, locality, unlocated_counts
from ancrage.enrichment.profiles import (
    NON_DIFFUSIBLE_LABEL,
    SIZE_BAND_LABELS,
    ensure_tables,
    register,
)
from ancrage.enrichment.schema import TABLES
from ancrage.enrichment.sirene import SireneImportError, import_sirene
from ancrage.enrichment.territory import Territory, TerritoryError

__all__ = [
    "NON_DIFFUSIBLE_LABEL",
    "REASONS",
    "REASON_LABELS",
    "SIZE_BAND_LABELS",
    "TABLES",
    "InclusiveImportError",
    "SireneImportError",
    "Territory",
    "TerritoryError",
    "ensure_tables",
    "haversine_km",
    "import_inclusive",
    "import_sirene",
    "lambert93_to_wgs84",
    "locality",
    "register",
    "unlocated_counts",
]
