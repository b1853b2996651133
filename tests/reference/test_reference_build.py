"""The pieces of scripts/reference/build.py that can run without the network."""

from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ancrage.reference import legal_categories

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts" / "reference"


@pytest.fixture(scope="module")
def scripts() -> dict[str, ModuleType]:
    """The build modules, imported the way build.py imports them (script folder on sys.path)."""
    sys.path.insert(0, str(SCRIPTS))
    try:
        import derive_codes
        import wkb
    finally:
        sys.path.remove(str(SCRIPTS))
    return {"wkb": wkb, "derive_codes": derive_codes}


def _ring(points: list[tuple[float, float]], order: str = "<") -> bytes:
    return struct.pack(order + "I", len(points)) + b"".join(
        struct.pack(order + "dd", x, y) for x, y in points
    )


def _polygon(rings: list[list[tuple[float, float]]], order: str = "<") -> bytes:
    flag = b"\x01" if order == "<" else b"\x00"
    return (
        flag + struct.pack(order + "II", 3, len(rings)) + b"".join(_ring(r, order) for r in rings)
    )


def _square(x: float, y: float, size: float) -> list[tuple[float, float]]:
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


def test_point(scripts: dict) -> None:
    little = b"\x01" + struct.pack("<Idd", 1, 2.347, 48.8589)
    big = b"\x00" + struct.pack(">Idd", 1, -61.5, 16.25)
    assert scripts["wkb"].point(little.hex()) == (2.347, 48.8589)
    assert scripts["wkb"].point(big.hex().upper()) == (-61.5, 16.25)
    with pytest.raises(ValueError, match="un point"):
        scripts["wkb"].point(_polygon([_square(0, 0, 1)]).hex())


def test_centroid_with_a_hole(scripts: dict) -> None:
    # 2×2 square minus its lower-left 1×1 corner: (4·(1, 1) − 1·(0.5, 0.5)) / 3 = (7/6, 7/6).
    hole = list(reversed(_square(0, 0, 1)))
    lon, lat = scripts["wkb"].centroid(_polygon([_square(0, 0, 2), hole]).hex())
    assert lon == pytest.approx(7 / 6) and lat == pytest.approx(7 / 6)


def test_centroid_of_a_multipolygon_whatever_the_orientation(scripts: dict) -> None:
    clockwise = list(reversed(_square(2, 0, 1)))
    body = _polygon([_square(0, 0, 1)]) + _polygon([clockwise], ">")  # mixed byte orders
    multi = b"\x01" + struct.pack("<II", 6, 2) + body
    lon, lat = scripts["wkb"].centroid(multi.hex())
    assert (lon, lat) == pytest.approx((1.5, 0.5))


def test_distance_to_an_outline(scripts: dict) -> None:
    square = _polygon([_square(0, 0, 2)]).hex()
    assert scripts["wkb"].distance_km(square, 1.0, 1.0) == 0.0
    # One degree of longitude east of the edge x = 2, at latitude 1°.
    expected = 111.32 * math.cos(math.radians(1.0))
    assert scripts["wkb"].distance_km(square, 3.0, 1.0) == pytest.approx(expected)


def test_cpv_parent_and_checks(scripts: dict, tmp_path: Path) -> None:
    rows = [
        {"code": "45000000", "labels": {"fr": "Travaux de construction"}},
        {"code": "45200000", "labels": {"fr": "Travaux de construction complète ou partielle"}},
        {
            "code": "45210000",
            "labels": {"fr": "Travaux de construction de bâtiments"},
            "parent": "45000000",
        },
        {"code": "45211000", "labels": {"fr": "x"}, "parent": "45200000"},
        {"code": "45213310", "labels": {"fr": "y"}},  # 45213300 and 45213000 are absent
    ]
    path = tmp_path / "cpv.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    table = {r["code"]: r for r in scripts["derive_codes"].cpv(path).to_pylist()}
    assert [table[c]["parent"] for c in sorted(table)] == [
        None,
        "45000000",
        "45200000",
        "45210000",
        "45210000",
    ]
    assert [table[c]["level"] for c in sorted(table)] == [1, 2, 3, 4, 5]
    rows.append({"code": "72000000", "labels": {"en": "IT services"}})
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(ValueError, match="pas de libellé français pour 72000000"):
        scripts["derive_codes"].cpv(path)


def test_legal_categories_csv_is_checked(scripts: dict, tmp_path: Path) -> None:
    bad = tmp_path / "categories.csv"
    bad.write_text("code,label,buyer_kind\n7210,Commune,mairie\n", encoding="utf-8")
    with pytest.raises(ValueError, match="type d'acheteur inconnu 'mairie'"):
        scripts["derive_codes"].legal_categories(bad)
    bad.write_text("code,label,buyer_kind\n721,Commune,commune\n", encoding="utf-8")
    with pytest.raises(ValueError, match="invalide ou en double"):
        scripts["derive_codes"].legal_categories(bad)


def test_shipped_legal_categories_are_those_of_the_csv(scripts: dict) -> None:
    """The Parquet file was rebuilt after the last edit of legal_categories.csv."""
    assert scripts["derive_codes"].legal_categories().equals(legal_categories())
