"""The communes table against the real geographic files in shared/data/real/reference/geo."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from ancrage.reference import commune, commune_by_siren, communes, departement_of_commune


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def real_communes(real_dir: Path) -> dict[str, dict[str, str]]:
    """decoupage-administratif_communes.csv (COG 2023, geo.api.gouv.fr), by INSEE code."""
    rows = _read(real_dir / "reference" / "geo" / "decoupage-administratif_communes.csv")
    return {row["code"]: row for row in rows}


@pytest.fixture(scope="module")
def ours() -> dict[str, dict]:
    return {row["code"]: row for row in communes().to_pylist()}


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def test_count_close_to_the_real_file(real_communes: dict, ours: dict) -> None:
    current = [r for r in ours.values() if r["type"] == "commune-actuelle"]
    # The real file (COG 2023) has metro + DROM communes; COG 2026 lost some to mergers.
    metro_drom = [r for r in current if r["zone"] != "com"]
    assert len(real_communes) == 34945
    assert len(metro_drom) == 34875
    assert abs(len(metro_drom) - len(real_communes)) / len(real_communes) < 0.005
    assert len(current) - len(metro_drom) == 94  # collectivités d'outre-mer
    assert sum(r["type"] == "arrondissement-municipal" for r in ours.values()) == 45


@pytest.mark.parametrize(
    ("code", "name", "departement", "region"),
    [
        ("75056", "Paris", "75", "11"),
        ("69123", "Lyon", "69", "84"),
        ("13055", "Marseille", "13", "93"),
        ("2A004", "Ajaccio", "2A", "94"),
        ("97411", "Saint-Denis", "974", "04"),
        ("31555", "Toulouse", "31", "76"),
        ("97209", "Fort-de-France", "972", "02"),
    ],
)
def test_sample_matches_the_real_file(
    real_communes: dict, ours: dict, code: str, name: str, departement: str, region: str
) -> None:
    real, row = real_communes[code], ours[code]
    assert (real["nom"], real["departement_code"], real["region_code"]) == (
        name,
        departement,
        region,
    )
    assert (row["name"], row["departement"], row["region"]) == (name, departement, region)
    assert row["type"] == "commune-actuelle"
    assert row["postal_codes"] and set(row["postal_codes"]) <= set(real["codes_postaux"].split(","))
    # Town hall or centroid, within a few km of geo.api.gouv.fr's commune centre. Saint-Denis
    # (974) is the widest gap: its town hall is on the coast, its centroid 7.2 km inland.
    distance = _km(
        row["latitude"], row["longitude"], float(real["latitude"]), float(real["longitude"])
    )
    assert distance < 8.0, f"{code} : {distance:.1f} km"


def test_names_departements_regions_of_every_common_commune(
    real_communes: dict, ours: dict
) -> None:
    common = [code for code in real_communes if code in ours]
    # 81 codes of COG 2023 disappeared in mergers; they are former codes of a current commune.
    gone = [code for code in real_communes if code not in ours]
    assert len(common) == 34864 and len(gone) == 81
    assert all(commune(code) is not None for code in gone)
    wrong_place = [
        code
        for code in common
        if (ours[code]["departement"], ours[code]["region"])
        != (real_communes[code]["departement_code"], real_communes[code]["region_code"])
    ]
    assert wrong_place == []


def test_coordinates_close_to_the_real_centres(real_communes: dict, ours: dict) -> None:
    distances = sorted(
        _km(row["latitude"], row["longitude"], float(real["latitude"]), float(real["longitude"]))
        for code, real in real_communes.items()
        if (row := ours.get(code)) and row["latitude"] is not None
    )
    median = distances[len(distances) // 2]
    share_within_5km = sum(d < 5.0 for d in distances) / len(distances)
    assert median < 1.5
    assert share_within_5km > 0.97
    for row in ours.values():
        if row["latitude"] is not None:
            assert row["coord_source"] in {"town_hall", "centroid"}
            assert (-22.0 < row["latitude"] < 51.2 and -63.2 < row["longitude"] < 55.9) or (
                row["zone"] == "com"
            )
        else:
            assert row["coord_source"] is None and row["longitude"] is None


def test_every_cog_commune_of_decp_processing_resolves(real_dir: Path) -> None:
    """decp-processing's COG table (35,015 codes incl. the Paris arrondissements) resolves."""
    rows = _read(real_dir / "reference" / "geo" / "decp-processing_code_officiel_geographique.csv")
    unresolved = [r["commune_code"] for r in rows if commune(r["commune_code"]) is None]
    # 98101 is L'Île des Faisans, a condominium with Spain that the COG 2026 no longer lists.
    assert unresolved == ["98101"]
    for row in rows:
        if row["commune_code"] != "98101":
            assert departement_of_commune(row["commune_code"]) == row["departement_code"]


def test_arrondissements_municipaux() -> None:
    row = commune("75118")
    assert row is not None
    assert (row["name"], row["type"], row["parent_code"], row["departement"]) == (
        "Paris 18e Arrondissement",
        "arrondissement-municipal",
        "75056",
        "75",
    )
    assert row["siren"] is None
    assert row["epci"] == commune("75056")["epci"]
    assert departement_of_commune("13201") == "13" and departement_of_commune("69381") == "69"
    paris = commune("75056")
    arrondissements = [r for r in communes().to_pylist() if r["parent_code"] == "75056"]
    assert len(arrondissements) == 20
    assert sum(r["population"] for r in arrondissements) == paris["population"]


def test_commune_by_siren() -> None:
    assert commune_by_siren("217500016")["code"] == "75056"
    assert commune_by_siren("21750001600019")["code"] == "75056"  # a SIRET of the city
    assert commune_by_siren("212000046")["name"] == "Ajaccio"
    assert commune_by_siren("219740115")["code"] == "97411"
    assert commune_by_siren("123456789") is None
    assert commune_by_siren("") is None
    with_siren = [r for r in communes().to_pylist() if r["siren"]]
    assert len(with_siren) == len({r["siren"] for r in with_siren}) == 34875


def test_former_codes_and_unknown_codes() -> None:
    ajaccio = commune("2A004")
    assert ajaccio["former_codes"] == ["20004"]  # before Corsica was split in 1976
    assert commune("20004")["code"] == "2A004"
    assert departement_of_commune("20004") == "2A"
    assert departement_of_commune("99999") is None
    assert departement_of_commune("") is None
