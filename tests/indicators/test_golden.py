"""Every indicator against its golden fixture (hand-computed expected values), on DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from indicator_fixtures import (
    expected_files,
    load_expected,
    make_inputs,
    rows_of,
    same_number,
    sort_rows,
)

from ancrage.indicators import engine
from ancrage.indicators.registry import CATALOGUE

NUMBERS = ("value", "numerator", "denominator")


def check_rows(actual: list[dict], expected: list[dict], where: str) -> None:
    assert len(actual) == len(expected), f"{where}: {len(actual)} lignes au lieu de {len(expected)}"
    for got, want in zip(actual, expected, strict=True):
        for column, value in want.items():
            if column in NUMBERS:
                assert same_number(got[column], value), f"{where} {column}: {got} != {want}"
            else:
                assert got[column] == value, f"{where} {column}: {got} != {want}"


@pytest.mark.parametrize(
    "path", expected_files(), ids=lambda p: p.name.removesuffix(".expected.json")
)
def test_golden(path: Path) -> None:
    case = load_expected(path)
    result = engine.run(make_inputs(case["inputs"]), case["group_by"], [case["indicator"]])
    columns = [*case["group_by"], "category", *NUMBERS]
    check_rows(rows_of(result, columns), sort_rows(case["rows"], columns), path.name)
    # "Not available" is exactly "no value": never a 0 standing in for missing data.
    for row in result.to_pylist():
        assert row["available"] is (row["value"] is not None)
        assert (row["reason"] is None) is row["available"]


def test_every_indicator_has_a_golden_fixture() -> None:
    covered = {load_expected(p)["indicator"] for p in expected_files()}
    assert covered == {ind.id for ind in CATALOGUE}
