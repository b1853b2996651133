"""RES-01 to RES-05 and the reservation hint of Proposition 5."""

from __future__ import annotations

import pytest

from .builders import consultation, findings, messages

SOCIAL_SERVICES = {"cpv": "85311000", "object": "Accompagnement social des familles"}


@pytest.mark.parametrize(
    ("reserved", "rule"),
    [("ea_esat", "RES-01"), ("siae", "RES-02"), ("ea_esat_siae", "RES-03"), ("prison", "RES-04")],
)
def test_each_reservation_kind_reminds_its_conditions(reserved: str, rule: str) -> None:
    assert findings(consultation(reserved=reserved)) == {(rule, "advice")}


def test_res01_message_names_the_article_and_the_share() -> None:
    text = messages(consultation(reserved="ea_esat"), "RES-01")[0]
    assert "L. 2113-12" in text and "50 %" in text


def test_not_reserved_gives_nothing_outside_reservable_sectors() -> None:
    assert findings(consultation(reserved="none")) == set()


def test_reservable_sector_suggests_a_reservation() -> None:
    data = consultation(cpv="90911200", object="Nettoyage des locaux de la mairie")
    assert findings(data) == {("RES-03", "advice")}
    assert findings(consultation(cpv="90911200", reserved="siae")) == {("RES-02", "advice")}


@pytest.mark.parametrize(("launch", "blocking"), [("2022-10-19", True), ("2022-10-20", False)])
def test_res04_prison_reservation_from_20_october_2022(launch: str, blocking: bool) -> None:
    data = consultation(reserved="prison", launch_date=launch)
    assert (("RES-04", "blocking") in findings(data)) is blocking


def test_res05_ess_only_for_listed_services() -> None:
    assert findings(consultation(reserved="ess", **SOCIAL_SERVICES, duration_months=36)) == {
        ("RES-05", "advice")
    }
    assert findings(consultation(reserved="ess")) == {("RES-05", "to_fix"), ("RES-05", "advice")}
    supplies = consultation(reserved="ess", cpv="30192000", object="Fournitures")
    assert ("RES-05", "blocking") in findings(supplies)


@pytest.mark.parametrize(("months", "flagged"), [(36, False), (37, True)])
def test_res05_maximum_duration(months: int, flagged: bool) -> None:
    data = consultation(reserved="ess", **SOCIAL_SERVICES, duration_months=months)
    assert (("RES-05", "to_fix") in findings(data)) is flagged


def test_res05_three_year_lookback_date() -> None:
    data = consultation(reserved="ess", **SOCIAL_SERVICES, launch_date="2026-10-01")
    assert "01/10/2023" in messages(data, "RES-05")[0]
