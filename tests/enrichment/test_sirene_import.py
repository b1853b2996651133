"""``ancrage sirene import``: official layout, CSV/Parquet/zip, filtering, privacy, atomicity."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ancrage import enrichment
from ancrage.enrichment import SireneImportError, import_sirene
from ancrage.enrichment import sirene as sirene_module
from ancrage.warehouse import snapshot

from . import builders as b


def _table(data_dir: Path, name: str) -> list[dict]:
    path = snapshot.current(data_dir).table_path(name)
    return pq.read_table(path).to_pylist()


def _by_id(rows: list[dict], key: str) -> dict[str, dict]:
    return {row[key]: row for row in rows}


@pytest.fixture
def scenario(data_dir: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    b.scenario_warehouse(data_dir)
    establishments, units = b.write_sirene_csv(tmp_path)
    return data_dir, establishments, units


def test_csv_import_counts_every_row(scenario: tuple[Path, Path, Path]) -> None:
    data_dir, establishments, units = scenario
    report = import_sirene([establishments, units], data_dir).as_dict()
    est = report["tables"]["establishments"]
    # 11 readable rows: 8 needed (7 suppliers + the hospital), 2 not needed, 1 bad SIRET;
    # plus the line with too many columns, counted apart.
    assert est["rows_read"] == 11
    assert est["kept"] == 8
    assert est["not_needed"] == 2
    assert est["invalid_identifier"] == 1
    assert est["malformed_lines"] == 1
    assert est["malformed_examples"][0]["actual_columns"] == 64
    assert est["written"] == 8
    assert est["rows_read"] == est["kept"] + est["not_needed"] + est["invalid_identifier"]
    # K's commune "XXXXX" and postal code "6900"; J's coordinates are UTM, not Lambert-93.
    assert est["issues"] == {
        "invalid_commune_code": 1,
        "invalid_postal_code": 1,
        "coordinates_not_lambert93": 1,
    }
    units_report = report["tables"]["legal_units"]
    assert (units_report["rows_read"], units_report["kept"], units_report["not_needed"]) == (
        8,
        6,
        1,
    )
    assert units_report["invalid_identifier"] == 1  # "12345"
    assert units_report["issues"] == {"invalid_company_category": 1}  # "XXL"
    assert [f["official_file"] for f in report["files"]] == [
        "StockEtablissement",
        "StockUniteLegale",
    ]
    assert report["needed"] == {"sirets": 12, "sirens": 12, "head_offices": 1}


def test_filter_keeps_only_needed_identifiers(scenario: tuple[Path, Path, Path]) -> None:
    data_dir, establishments, units = scenario
    import_sirene([establishments, units], data_dir)
    sirets = {row["siret"] for row in _table(data_dir, "establishments")}
    assert sirets == {b.A[0], b.B[0], b.C[0], b.D[0], b.I_[0], b.J[0], b.K[0], b.HOSPITAL}
    sirens = {row["siren"] for row in _table(data_dir, "legal_units")}
    assert sirens == {"111111111", "222222222", "333333333", "444444444", "666666666", "266900024"}


def test_values_are_typed_and_converted(scenario: tuple[Path, Path, Path]) -> None:
    data_dir, establishments, units = scenario
    import_sirene([establishments, units], data_dir)
    rows = _by_id(_table(data_dir, "establishments"), "siret")
    alpha = rows[b.A[0]]
    assert alpha == {
        "siret": "11111111100011",
        "siren": "111111111",
        "commune_code": "69383",
        "postal_code": "69003",
        "naf": "43.21A",
        "employee_band": "11",
        "active": True,
        "is_headquarters": True,
        "diffusible": True,
        "name": "ALPHA LYON",
        "latitude": None,
        "longitude": None,
        "foreign_country": None,
    }
    delta = rows[b.D[0]]
    assert delta["latitude"] == pytest.approx(b.OUESSANT_WGS84[0], abs=1e-6)
    assert delta["longitude"] == pytest.approx(b.OUESSANT_WGS84[1], abs=1e-6)
    assert rows[b.J[0]]["latitude"] is None  # UTM coordinates are not turned into a wrong place
    assert rows[b.K[0]]["commune_code"] is None and rows[b.K[0]]["postal_code"] is None
    assert rows[b.I_[0]]["commune_code"] == "01340"  # kept as published; profiles follow it
    units_ = _by_id(_table(data_dir, "legal_units"), "siren")
    assert units_["111111111"]["size"] == "sme"
    assert units_["333333333"]["size"] == "large"
    assert units_["444444444"]["size"] == "mid_cap"
    assert units_["444444444"]["social_economy"] is True
    assert units_["111111111"]["social_economy"] is False
    assert units_["222222222"]["social_economy"] is None
    assert units_["666666666"]["size"] is None  # "XXL" is not a category: null, and counted
    assert units_["666666666"]["name"] == "JEANNE MARTIN"
    assert units_["266900024"]["legal_category"] == "7364"


def test_non_diffusible_entries_keep_location_but_never_a_name(
    scenario: tuple[Path, Path, Path],
) -> None:
    data_dir, establishments, units = scenario
    import_sirene([establishments, units], data_dir)
    person = _by_id(_table(data_dir, "establishments"), "siret")[b.B[0]]
    assert person["diffusible"] is False
    assert person["name"] is None
    assert person["commune_code"] == "69266"
    unit = _by_id(_table(data_dir, "legal_units"), "siren")["222222222"]
    assert (unit["diffusible"], unit["name"]) == (False, None)
    con = b.connection(data_dir)
    profile = con.execute(
        "SELECT name, diffusible, departement FROM supplier_profiles WHERE supplier_id = ?",
        [b.B[0]],
    ).fetchall()
    # The published name ("PUBLIÉ") is not shown either: SIRENE says the person is protected.
    assert profile == [(None, False, "69")]


def test_parquet_and_zipped_files_give_the_same_tables(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    csv_est, csv_units = b.write_sirene_csv(tmp_path)
    import_sirene([csv_est, csv_units], data_dir)
    expected = (_table(data_dir, "establishments"), _table(data_dir, "legal_units"))

    variants = tmp_path / "variants"
    variants.mkdir()
    parquet_est = b.write_parquet(
        variants / "StockEtablissement.parquet", b.ESTABLISHMENT_HEADER, b.establishment_rows()
    )
    parquet_units = b.write_parquet(
        variants / "StockUniteLegale.parquet", b.LEGAL_UNIT_HEADER, b.legal_unit_rows()
    )
    for files in (
        [parquet_est, parquet_units],
        [
            b.zip_file(csv_est, variants / "StockEtablissement_utf8.zip"),
            b.zip_file(csv_units, variants / "StockUniteLegale_utf8.zip"),
        ],
        [
            b.zip_file(parquet_est, variants / "StockEtablissement_parquet.zip"),
            b.zip_file(parquet_units, variants / "StockUniteLegale_parquet.zip"),
        ],
    ):
        report = import_sirene(files, data_dir).as_dict()
        assert report["tables"]["establishments"]["written"] == 8
        assert (_table(data_dir, "establishments"), _table(data_dir, "legal_units")) == expected
    assert not (data_dir / "staging").exists() or not any((data_dir / "staging").iterdir())


def test_geolocalised_variant_uses_longitude_latitude(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    header = [*b.ESTABLISHMENT_HEADER, "longitude", "latitude"]
    rows = [
        {
            "siret": b.A[0],
            "codeCommuneEtablissement": "69383",
            "statutDiffusionEtablissement": "O",
            "etatAdministratifEtablissement": "A",
            "etablissementSiege": "true",
            "longitude": "4.8512",
            "latitude": "45.7598",
        },
        {
            "siret": b.C[0],
            "codeCommuneEtablissement": "75056",
            "statutDiffusionEtablissement": "O",
            "longitude": "east",
            "latitude": "91",
        },
    ]
    path = b.write_csv(tmp_path / "StockEtablissement_geo.csv", header, rows)
    report = import_sirene([path], data_dir).as_dict()
    rows_ = _by_id(_table(data_dir, "establishments"), "siret")
    assert (rows_[b.A[0]]["latitude"], rows_[b.A[0]]["longitude"]) == (45.7598, 4.8512)
    assert rows_[b.C[0]]["latitude"] is None
    assert report["tables"]["establishments"]["issues"]["invalid_coordinates"] == 1
    # Only establishments were given: legal_units is not created, the snapshot keeps the rest.
    assert "legal_units" not in report["tables"]
    assert snapshot.current(data_dir).source("contracts") is not None


def test_duplicates_across_files_keep_the_active_establishment(
    scenario: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data_dir, establishments, units = scenario
    closed = [
        {
            "siret": b.C[0],
            "codeCommuneEtablissement": "13055",
            "etatAdministratifEtablissement": "F",
            "statutDiffusionEtablissement": "O",
        }
    ]
    extra = b.write_csv(tmp_path / "StockEtablissement_part2.csv", b.ESTABLISHMENT_HEADER, closed)
    report = import_sirene([extra, establishments, units], data_dir).as_dict()
    est = report["tables"]["establishments"]
    assert (est["kept"], est["duplicates"], est["written"]) == (9, 1, 8)
    assert _by_id(_table(data_dir, "establishments"), "siret")[b.C[0]]["commune_code"] == "75056"


def test_import_is_atomic(
    scenario: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, establishments, units = scenario
    before = snapshot.current(data_dir)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("coupure simulée")

    monkeypatch.setattr(sirene_module, "_write", crash)
    with pytest.raises(RuntimeError, match="coupure simulée"):
        import_sirene([establishments, units], data_dir)
    assert snapshot.current(data_dir) == before
    assert not before.table_path("establishments").exists()
    monkeypatch.undo()

    report = import_sirene([establishments, units], data_dir)
    after = snapshot.current(data_dir)
    assert after.id == report.snapshot != before.id
    # derive(): the DECP tables are carried over unchanged into the new snapshot (the same
    # files: their parts are hard-linked).
    files = [sorted(glob.glob(snap.source("contracts"))) for snap in (before, after)]
    assert files[0] and [Path(f).name for f in files[0]] == [Path(f).name for f in files[1]]
    assert all(os.path.samefile(a, b) for a, b in zip(*files, strict=True))
    assert after.manifest()["row_counts"]["establishments"] == 8


def test_empty_warehouse_is_refused(data_dir: Path, tmp_path: Path) -> None:
    establishments, _ = b.write_sirene_csv(tmp_path)
    with pytest.raises(SireneImportError, match="L'entrepôt est vide"):
        import_sirene([establishments], data_dir)


def test_unknown_file_is_refused(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    other = tmp_path / "autre.csv"
    other.write_text("code,libelle\n1,a\n", encoding="utf-8")
    with pytest.raises(SireneImportError, match="n'est pas un fichier stock SIRENE reconnu"):
        import_sirene([other], data_dir)


def test_enrichment_tables_exist_before_any_import(data_dir: Path) -> None:
    b.scenario_warehouse(data_dir)
    con = b.connection(data_dir)
    count = con.execute("SELECT count(*), count(size) FROM supplier_profiles").fetchall()
    assert count == [(11, 0)]
    assert isinstance(con, duckdb.DuckDBPyConnection)
    assert enrichment.TABLES.keys() == {"establishments", "legal_units", "inclusive_suppliers"}
