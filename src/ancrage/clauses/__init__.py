"""The référentiel of model criteria and clauses (issue 5 §1).

Versioned YAML data files (``data/<famille>.yaml``) validated by ``schema/clause.schema.json``;
``load_library()`` returns a ``Library`` to look up, filter, search and export entries.
"""

from __future__ import annotations

from ancrage.clauses.library import Library
from ancrage.clauses.loader import ClauseLibraryError, load_library, schema
from ancrage.clauses.model import (
    FAMILY_PREFIXES,
    KIND_LABELS,
    KINDS,
    PILLAR_LABELS,
    PILLARS,
    Clause,
    Source,
    Verification,
)
from ancrage.clauses.rules import KNOWN_RULE_IDS

__all__ = [
    "FAMILY_PREFIXES",
    "KINDS",
    "KIND_LABELS",
    "KNOWN_RULE_IDS",
    "PILLARS",
    "PILLAR_LABELS",
    "Clause",
    "ClauseLibraryError",
    "Library",
    "Source",
    "Verification",
    "load_library",
    "schema",
]
