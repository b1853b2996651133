"""Parameters: values from legal-rules.md, date lookups, sources and confidence everywhere."""

from __future__ import annotations

from datetime import date

import pytest

from ancrage.compliance import params
from ancrage.compliance.findings import RULE_IDS


def test_every_parameter_has_a_source_a_rule_and_a_confidence() -> None:
    for param in params.ALL_PARAMS:
        assert param.source and param.unit
        assert param.rule in RULE_IDS
        assert param.confidence in ("CONFIRMED", "PARTIAL", "UNCONFIRMED")


def test_climate_dates() -> None:
    assert params.CR_R_LEVEL_FROM.value == date(2026, 8, 21)
    assert params.CR_L_LEVEL_FROM.value == date(2026, 8, 22)


@pytest.mark.parametrize(
    ("family", "buyer", "day", "value"),
    [
        ("supplies", "state", date(2026, 1, 1), 140_000),
        ("services", "local_authority", date(2027, 12, 31), 216_000),
        ("services", "hospital", date(2025, 12, 31), 221_000),
        ("supplies", "utility", date(2026, 6, 1), 432_000),
        ("works", "state", date(2026, 6, 1), 5_404_000),
        ("works", "other", date(2024, 6, 1), 5_538_000),
    ],
)
def test_eu_thresholds(family: str, buyer: str, day: date, value: int) -> None:
    assert params.eu_threshold(family, buyer, day) == value


@pytest.mark.parametrize(
    ("family", "day", "value"),
    [
        ("services", date(2026, 3, 31), 40_000),
        ("supplies", date(2026, 4, 1), 60_000),
        ("works", date(2025, 12, 31), 100_000),
        ("works", date(2026, 1, 1), 100_000),
    ],
)
def test_dispense_thresholds(family: str, day: date, value: int) -> None:
    assert params.dispense_threshold(family, day) == value


def test_turnover_multiplier_changed_on_1_january_2026() -> None:
    assert params.TURNOVER_CAP_MULTIPLIER.at(date(2025, 12, 31)) == 2.0
    assert params.TURNOVER_CAP_MULTIPLIER.at(date(2026, 1, 1)) == 1.5


def test_unknown_date_raises_a_french_lookup_error() -> None:
    with pytest.raises(LookupError, match="aucune valeur connue"):
        params.EU_THRESHOLDS.at(date(2021, 6, 1))


def test_sourcing_policy_defaults() -> None:
    from ancrage.compliance import CheckPolicy

    policy = CheckPolicy()
    assert policy.sourcing_threshold("works") == 150_000
    assert policy.sourcing_threshold("supplies") == policy.sourcing_threshold("services") == 90_000
