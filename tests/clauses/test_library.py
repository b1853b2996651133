"""Acceptance test of issue 5 §1: the shipped référentiel validates and covers the families."""

from __future__ import annotations

from collections import Counter

from ancrage.clauses import FAMILY_PREFIXES, KINDS, load_library

PURCHASE_FAMILIES = [family for family in FAMILY_PREFIXES if family != "transversal"]


def test_shipped_library_validates_and_is_large_enough() -> None:
    library = load_library()
    assert len(library.entries) >= 150
    assert set(library.families) == set(FAMILY_PREFIXES)
    assert len(PURCHASE_FAMILIES) == 16
    for family in PURCHASE_FAMILIES:
        assert len(library.find(family=family)) >= 10, family


def test_every_kind_and_both_pillars_are_covered() -> None:
    library = load_library()
    assert set(Counter(c.kind for c in library.entries)) == set(KINDS)
    for family in library.families:
        pillars = {c.pillar for c in library.find(family=family)}
        assert {"environmental", "social"} <= pillars, family


def test_reserved_contract_options_cite_each_res_rule() -> None:
    library = load_library()
    cited = {rule for c in library.find(kind="reserved_contract") for rule in c.legal_basis}
    assert {"RES-01", "RES-02", "RES-03", "RES-04", "RES-05"} <= cited


def test_no_wording_states_a_geographic_preference() -> None:
    # The lawful definition of a short supply chain counts intermediaries, never kilometres.
    forbidden = (
        "entreprise locale",
        "siège dans le département",
        "implantée à moins de",
        " km du ",
    )
    library = load_library()
    for clause in library.entries:
        text = clause.wording.lower()
        assert not any(phrase in text for phrase in forbidden), clause.id
