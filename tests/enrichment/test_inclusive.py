"""``ancrage sirene import-inclusive`` on the real Marché de l'inclusion list and on bad rows."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ancrage.enrichment import InclusiveImportError, import_inclusive
from ancrage.enrichment.inclusive import read_inclusive
from ancrage.warehouse import snapshot

from . import builders as b

REAL_LIST = "reference/companies/le-marche_siae_fixture_no-contacts.csv"


def test_real_list_counts_by_kind(real_dir: Path, data_dir: Path) -> None:
    path = real_dir / REAL_LIST
    # Independent count with the csv module.
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_kind = Counter(row["kind"] for row in rows)
    sirets = [row["siret"] for row in rows]
    assert len(rows) == 3853
    assert by_kind == {"ACI": 1815, "EI": 944, "AI": 620, "ETTI": 299, "GEIQ": 172, "EA": 3}

    # Expected: one row per (SIRET, kind); 12 SIRETs appear twice with two different kinds
    # (e.g. the same association runs an ACI and an AI), none twice with the same kind.
    pairs = {(row["siret"], row["kind"]) for row in rows}
    assert len(pairs) == len(rows)
    assert len(set(sirets)) == len(rows) - 12
    assert all(len(s) == 14 and s.isdigit() for s in sirets)

    b.scenario_warehouse(data_dir)
    report = import_inclusive(path, data_dir)
    assert report.rows_read == len(rows)
    assert report.by_kind == dict(sorted(by_kind.items()))
    assert (report.invalid_siret, report.duplicates, report.missing_kind) == (0, 0, 0)
    assert report.written == 3853
    assert report.unknown_kind == 0
    table = pq.read_table(snapshot.current(data_dir).table_path("inclusive_suppliers"))
    assert table.num_rows == report.written
    first = next(r for r in table.to_pylist() if r["siret"] == "80746931700018")
    assert first == {
        "siret": "80746931700018",
        "siren": "807469317",
        "kind": "EI",
        "name": "BALUCHON A TABLE CITOYENS",
    }


def test_bad_rows_are_counted_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "siae.csv"
    path.write_text(
        "siret,name,brand,kind\n"
        "11111111100011,ALPHA BATIMENT,Alpha,EI\n"
        "1111,COURT,,ACI\n"
        ",VIDE,,AI\n"
        "22222222200012,SANS TYPE,,\n"
        "11111111100011,DOUBLON,,EI\n"
        "11111111100011,ALPHA BATIMENT,,ACI\n"
        "33333333300013,,Gamma marque,esat\n"
        "44444444400014,NOUVEAU,,XYZ\n",
        encoding="utf-8",
    )
    table, report = read_inclusive(path)
    assert report.rows_read == 8
    assert (report.invalid_siret, report.missing_kind, report.duplicates) == (2, 1, 1)
    assert report.written == 4
    assert report.unknown_kind == 1
    assert report.by_kind == {"ACI": 1, "EI": 1, "ESAT": 1, "XYZ": 1}
    assert [e["line"] for e in report.rejected_examples] == [3, 4, 5, 6]
    assert table.to_pylist() == [
        {"siret": "11111111100011", "siren": "111111111", "kind": "ACI", "name": "ALPHA BATIMENT"},
        {"siret": "11111111100011", "siren": "111111111", "kind": "EI", "name": "ALPHA BATIMENT"},
        {"siret": "33333333300013", "siren": "333333333", "kind": "ESAT", "name": "Gamma marque"},
        {"siret": "44444444400014", "siren": "444444444", "kind": "XYZ", "name": "NOUVEAU"},
    ]


def test_missing_columns_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "siae.csv"
    path.write_text("numero,type\n1,EI\n", encoding="utf-8")
    with pytest.raises(InclusiveImportError, match="colonnes obligatoires absentes : kind, siret"):
        read_inclusive(path)


def test_inclusive_flag_in_supplier_profiles(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    establishments, units = b.write_sirene_csv(tmp_path)
    from ancrage.enrichment import import_sirene

    import_sirene([establishments, units], data_dir)
    con = b.connection(data_dir)
    # Before the list is imported, nobody is known to be inclusive or not: NULL, not FALSE.
    assert con.execute("SELECT DISTINCT inclusive FROM supplier_profiles").fetchall() == [(None,)]
    siae = tmp_path / "siae.csv"
    # A by SIRET; D by SIREN only (another establishment of the same legal unit).
    siae.write_text(
        "siret,name,kind\n11111111100011,ALPHA,EI\n11111111100011,ALPHA,ACI\n"
        "44444444499999,DELTA AUTRE SITE,EA\n",
        encoding="utf-8",
    )
    import_inclusive(siae, data_dir)
    con = b.connection(data_dir)
    rows = dict(
        (row[0], row[1:])
        for row in con.execute(
            "SELECT supplier_id, inclusive, inclusive_kind FROM supplier_profiles"
        ).fetchall()
    )
    assert rows[b.A[0]] == (True, "ACI,EI")  # both agreements of the structure
    assert rows[b.H[0]] == (True, "ACI,EI")  # A's legal unit through its VAT number
    assert rows[b.D[0]] == (True, "EA")
    assert rows[b.C[0]] == (False, None)
    assert rows[b.E[0]] == (False, None)
