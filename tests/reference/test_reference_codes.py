"""normalise_cpv / cpv_family / cpv_level: pure string rules, checked on the real defects."""

from __future__ import annotations

import pytest

from ancrage.reference import CPV_DIVISIONS, cpv, cpv_family, cpv_level, normalise_cpv


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45000000-7", "45000000"),  # DECP spelling, check digit dropped
        ("45000000", "45000000"),
        (" 72000000-5 ", "72000000"),
        ("9310000", "09310000"),  # leading zero lost by a spreadsheet (AIFE 2019 file)
        ("9310000-5", "09310000"),
        (9310000, "09310000"),
        (3111000, "03111000"),
        ("48814400-0", "48814400"),
    ],
)
def test_normalise_cpv_accepts_the_published_spellings(raw: object, expected: str) -> None:
    assert normalise_cpv(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "abc",
        "4500000O",  # letter O instead of zero
        "45000000-",  # dangling dash
        "45000000-77",  # two check digits
        "450000007",  # 9 digits: ambiguous, not guessed
        "4500000",  # 7 digits giving division 04, which does not exist
        "46000000",  # division 46 does not exist
        "00000000",
        True,
        4.5e7,
        ["45000000"],
    ],
)
def test_normalise_cpv_rejects_what_cannot_be_a_cpv_code(raw: object) -> None:
    assert normalise_cpv(raw) is None


@pytest.mark.parametrize(
    ("raw", "family"),
    [
        ("45000000-7", "works"),
        ("45233140-2", "works"),
        ("9310000", "supplies"),  # division 09 after restoring the zero
        ("03111000", "supplies"),
        ("44000000", "supplies"),
        ("48814400", "supplies"),  # software packages: supplies although > 45
        ("50000000", "services"),
        ("72000000-5", "services"),
        ("98000000", "services"),
        ("46000000", None),
        ("n/a", None),
    ],
)
def test_cpv_family_follows_the_division_rule(raw: str, family: str | None) -> None:
    assert cpv_family(raw) == family


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("45000000", 1),
        ("30000000", 1),  # the division's own trailing zero does not count
        ("45200000", 2),
        ("30100000", 2),
        ("45210000", 3),
        ("45211000", 4),
        ("45211100", 5),
        ("45211310", 5),
        ("44115310", 5),
    ],
)
def test_cpv_level_from_trailing_zeros(code: str, level: int) -> None:
    assert cpv_level(code) == level


def test_hard_coded_divisions_are_those_of_the_cpv_table() -> None:
    divisions = set(cpv().column("division").to_pylist())
    assert divisions == set(CPV_DIVISIONS)
    assert len(CPV_DIVISIONS) == 45


def test_family_column_agrees_with_cpv_family() -> None:
    table = cpv()
    for code, family in zip(
        table.column("code").to_pylist(), table.column("family").to_pylist(), strict=True
    ):
        assert cpv_family(code) == family
