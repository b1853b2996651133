"""Sector rules SEC-* selected by CPV, positive and negative."""

from __future__ import annotations

import pytest

from .builders import consultation, findings, messages

CATERING = {
    "cpv": "55523100",
    "object": "Repas des écoles de la commune",
    "technical_specifications": [
        "50 % de produits durables et de qualité dont 20 % bio, 60 % des viandes sous Label Rouge.",
        "Un menu végétarien par semaine.",
    ],
}


def test_catering_with_egalim_requirements_is_compliant() -> None:
    assert findings(consultation(**CATERING)) == {("RES-03", "advice")}


def test_sec_ega_01_missing_quality_shares() -> None:
    data = consultation(**{**CATERING, "technical_specifications": ["Menus équilibrés."]})
    found = findings(data)
    assert ("SEC-EGA-01", "to_fix") in found
    assert "50 %" in messages(data, "SEC-EGA-01")[0] and "20 %" in messages(data, "SEC-EGA-01")[0]


def test_sec_ega_01_applies_to_food_supplies() -> None:
    data = consultation(
        cpv="15811000",
        object="Fourniture de pain",
        technical_specifications=["Pain frais du jour."],
    )
    assert ("SEC-EGA-01", "to_fix") in findings(data)
    assert "SEC-EGA-01" not in {r for r, _ in findings(consultation())}


@pytest.mark.parametrize(("months", "flagged"), [(3, False), (4, True), (None, True)])
def test_sec_ega_02_ce2_counted_until_end_2026(months: int | None, flagged: bool) -> None:
    # Launched 30 September 2026: 3 months end on 30 December 2026, 4 months on 30 January 2027.
    specs = [
        *CATERING["technical_specifications"],
        "Produits sous certification environnementale de niveau 2 acceptés.",
    ]
    data = consultation(**{**CATERING, "technical_specifications": specs}, launch_date="2026-09-30")
    if months is not None:
        data["duration_months"] = months
    assert (("SEC-EGA-02", "to_fix") in findings(data)) is flagged


def test_sec_ega_03_meat_and_fish_share() -> None:
    specs = [
        "50 % de produits durables et de qualité dont 20 % bio.",
        "Menu végétarien hebdomadaire.",
    ]
    data = consultation(**{**CATERING, "technical_specifications": specs})
    assert ("SEC-EGA-03", "advice") in findings(data)


def test_sec_ega_04_vegetarian_menu_for_schools_only() -> None:
    specs = ["50 % de produits durables dont 20 % bio ; 60 % des viandes sous label."]
    school = consultation(**{**CATERING, "technical_specifications": specs})
    assert ("SEC-EGA-04", "advice") in findings(school)
    office = consultation(
        **{
            **CATERING,
            "technical_specifications": specs,
            "cpv": "55510000",
            "object": "Restaurant administratif",
        }
    )
    assert ("SEC-EGA-04", "advice") not in findings(office)


TEXTILES = {
    "cpv": "18110000",
    "object": "Vêtements de travail des agents",
    "technical_specifications": ["Tissu résistant, lavable à 60 °C, coton biologique."],
}


@pytest.mark.parametrize(
    ("launch", "shares"),
    [
        ("2026-10-01", ("8 %", "20 %")),
        ("2027-01-01", ("15 %", "25 %")),
        ("2030-01-01", ("15 %", "30 %")),
    ],
)
def test_sec_agec_01_textile_shares_by_date(launch: str, shares: tuple[str, str]) -> None:
    data = consultation(**TEXTILES, launch_date=launch)
    assert ("SEC-AGEC-01", "to_fix") in findings(data)
    text = messages(data, "SEC-AGEC-01")[0]
    assert f"({shares[0]})" in text and f"({shares[1]})" in text


def test_sec_agec_01_not_for_hospitals_nor_when_reuse_is_required() -> None:
    assert "SEC-AGEC-01" not in {
        r for r, _ in findings(consultation(**TEXTILES, buyer_kind="hospital"))
    }
    reuse = {
        **TEXTILES,
        "technical_specifications": ["20 % de matières recyclées, coton biologique."],
    }
    assert "SEC-AGEC-01" not in {r for r, _ in findings(consultation(**reuse))}


def test_sec_agec_01_other_supplies_is_advice_unconfirmed() -> None:
    data = consultation(cpv="39130000", object="Mobilier de bureau")
    assert ("SEC-AGEC-01", "advice") in findings(data)
    assert "non confirmée" in messages(data, "SEC-AGEC-01")[0]


def test_sec_agec_02_single_use_plastic_for_the_state() -> None:
    data = consultation(cpv="79952000", object="Organisation d'un séminaire", buyer_kind="state")
    assert ("SEC-AGEC-02", "advice") in findings(data)
    assert ("SEC-AGEC-02", "advice") not in findings(
        consultation(cpv="79952000", object="Organisation d'un séminaire")
    )


def test_sec_it_01_reuse_of_reformed_equipment() -> None:
    data = consultation(cpv="30213100", object="Ordinateurs portables")
    assert ("SEC-IT-01", "advice") in findings(data)
    data["technical_specifications"] = ["Reprise et reconditionnement du parc remplacé, écolabel."]
    assert ("SEC-IT-01", "advice") not in findings(data)


def test_sec_it_02_ecodesign_is_unconfirmed_advice() -> None:
    data = consultation(cpv="72212000", object="Développement d'un portail")
    assert ("SEC-IT-02", "advice") in findings(data)
    data["technical_specifications"] = ["Écoconception selon le RGESN."]
    assert ("SEC-IT-02", "advice") not in findings(data)


@pytest.mark.parametrize(
    ("fleet", "expected"),
    [(None, ("SEC-FLEET-01", "advice")), (20, None), (21, ("SEC-FLEET-01", "to_fix"))],
)
def test_sec_fleet_01_more_than_20_vehicles(fleet: int | None, expected: tuple | None) -> None:
    data = consultation(cpv="34110000", object="Véhicules de service", fleet_size=fleet)
    fleet_findings = {f for f in findings(data) if f[0] == "SEC-FLEET-01"}
    assert fleet_findings == ({expected} if expected else set())


@pytest.mark.parametrize(
    ("buyer", "launch", "shares"),
    [
        ("state", "2026-10-01", ("50 %", "37,4 %")),
        ("state", "2027-01-01", ("70 %", "37,4 %")),
        ("local_authority", "2026-10-01", ("40 %", "37,4 %")),
        ("hospital", "2030-01-01", ("40 %", "45 %")),
    ],
)
def test_sec_fleet_01_shares_by_buyer_and_year(buyer: str, launch: str, shares: tuple) -> None:
    data = consultation(
        cpv="34110000", object="Véhicules", fleet_size=40, buyer_kind=buyer, launch_date=launch
    )
    text = messages(data, "SEC-FLEET-01")[0]
    assert f"{shares[0]} à faibles" in text and f"{shares[1]} à très faibles" in text


def test_sec_build_01_and_02_for_new_buildings() -> None:
    data = consultation(cpv="45214200", object="Construction d'un groupe scolaire neuf")
    found = findings(data)
    assert ("SEC-BUILD-01", "advice") in found and ("SEC-BUILD-02", "advice") in found
    data["technical_specifications"] = ["Matériaux biosourcés et respect de la RE2020."]
    rules = {r for r, _ in findings(data)}
    assert "SEC-BUILD-01" not in rules and "SEC-BUILD-02" not in rules


def test_road_works_trigger_no_building_rule() -> None:
    rules = {r for r, _ in findings(consultation(cpv="45233140", object="Voirie"))}
    assert not any(r.startswith("SEC-") for r in rules)
