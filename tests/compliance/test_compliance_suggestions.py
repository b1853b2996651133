"""Suggestions drawn from the référentiel, with a small library of our own and the shipped one."""

from __future__ import annotations

from ancrage.compliance import check_consultation, default_library, parse_consultation
from ancrage.compliance.findings import Finding
from ancrage.compliance.suggestions import suggest

from .builders import consultation

CLEANING = {"cpv": "90911200", "object": "Nettoyage des locaux"}


def test_missing_environmental_condition_suggests_matching_entries(mini_library) -> None:
    data = consultation(
        **CLEANING, execution_conditions=[{"kind": "other", "description": "Horaires."}]
    )
    report = check_consultation(parse_consultation(data), library=mini_library)
    cr04 = next(f for f in report.findings if f.rule == "CR-04")
    assert [s.id for s in cr04.suggestions] == ["NETT-ENV-002"]
    assert cr04.suggestions[0].title == "Dosage et formation des agents aux écogestes"


def test_environmental_criterion_and_social_condition(mini_library) -> None:
    cpv = CLEANING["cpv"]
    assert [s.id for s in suggest(mini_library, Finding("CR-06", "blocking", "m"), cpv)] == [
        "NETT-ENV-003"
    ]
    assert [s.id for s in suggest(mini_library, Finding("CR-05", "blocking", "m"), cpv)] == [
        "NETT-SOC-001"
    ]
    assert [s.id for s in suggest(mini_library, Finding("CR-03", "to_fix", "m"), cpv)] == [
        "NETT-ENV-001"
    ]


def test_localism_is_fixed_by_lawful_levers(mini_library) -> None:
    found = suggest(mini_library, Finding("LOC-01", "blocking", "m"), CLEANING["cpv"])
    assert [s.id for s in found] == ["NETT-ENV-003"]  # the only entry citing LOC-03


def test_cpv_filter_and_procedural_rules(mini_library) -> None:
    # Entries are for CPV 909 (cleaning): none apply to translation services.
    assert suggest(mini_library, Finding("CR-04", "blocking", "m"), "79530000") == ()
    assert suggest(mini_library, Finding("TH-02", "blocking", "m"), CLEANING["cpv"]) == ()


def test_without_library_the_report_says_so() -> None:
    report = check_consultation(parse_consultation(consultation()))
    assert "Référentiel non chargé" in report.notes[0]


def test_shipped_library_fixes_the_2026_obligations() -> None:
    library = default_library()
    data = consultation(
        cpv="55523100",
        object="Repas scolaires",
        award_criteria=[{"name": "Prix", "weight": 100, "kind": "price", "description": "Prix."}],
        execution_conditions=[],
        technical_specifications=[
            "50 % de produits durables dont 20 % bio, 60 % des viandes, menu végétarien."
        ],
    )
    report = check_consultation(parse_consultation(data), library=library)
    by_rule = {f.rule: f for f in report.findings}
    for rule, kinds, pillar in (
        ("CR-04", {"execution_condition"}, "environmental"),
        ("CR-06", {"award_criterion", "sub_criterion"}, "environmental"),
    ):
        suggestions = by_rule[rule].suggestions
        assert 1 <= len(suggestions) <= 3
        for suggestion in suggestions:
            entry = library.get(suggestion.id)
            assert entry.kind in kinds and entry.pillar == pillar
            assert entry.applies_to_cpv("55523100")
            assert suggestion.title == entry.title
