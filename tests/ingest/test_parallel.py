"""A parallel import gives exactly what a sequential import gives."""

from __future__ import annotations

import json

import pytest
from ingest_builders import marche

from ancrage.ingest import parallel
from ancrage.ingest.pipeline import run_import
from ancrage.warehouse import connect

TABLES = ("contracts", "awardees", "modifications", "quality_issues", "quarantine", "duplicates")


def _file(path) -> None:
    lines = []
    for i in range(5_000):
        lines.append(json.dumps(marche(id=f"P{i}", montant=1000 + i)))
    lines[100] = lines[99]  # an exact duplicate, likely in another worker's batch…
    lines[4_500] = lines[10]  # …and far away
    revised = marche(
        id="P20",
        montant=1020,
        modifications=[
            {
                "modification": {
                    "id": 1,
                    "montant": 5000,
                    "dateNotificationModification": "2024-06-01",
                    "datePublicationDonneesModification": "2024-06-02",
                }
            }
        ],
    )
    lines[3_000] = json.dumps(revised)  # a newer revision of P20
    lines[2_000] = '{"id": "broken", "acheteur": {"id": "21350238800019"} "objet": 1}'
    no_buyer = marche(id="NB")
    del no_buyer["acheteur"]
    lines[2_500] = json.dumps(no_buyer)
    lines[2_501] = json.dumps(no_buyer)  # quarantined once, then a duplicate
    path.write_text('{"marches": {"marche": [\n' + ",\n".join(lines) + "\n]}}")


def _snapshot(data_dir) -> dict:
    con = connect(data_dir)
    return {
        table: sorted(
            con.execute(f"SELECT * EXCLUDE (import_id) FROM {table}").fetchall()
            if table in ("contracts", "quarantine", "duplicates")
            else con.execute(f"SELECT * FROM {table}").fetchall(),
            key=repr,
        )
        for table in TABLES
    }


def test_parallel_and_sequential_imports_agree(tmp_path, monkeypatch) -> None:
    source = tmp_path / "decp.json"
    _file(source)
    reports, snapshots = {}, {}
    for workers in ("1", "2"):
        monkeypatch.setenv("ANCRAGE_IMPORT_WORKERS", workers)
        monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
        monkeypatch.setattr(parallel, "BATCH", 97)
        data_dir = tmp_path / f"w{workers}"
        report = run_import([str(source)], data_dir=data_dir)
        for entry in (report["total"], *report["files"]):
            entry.pop("superseded_previous", None)
        reports[workers] = (report["files"], report["total"])
        snapshots[workers] = _snapshot(data_dir)
    assert reports["1"] == reports["2"]
    assert snapshots["1"] == snapshots["2"]
    _files, total = reports["2"]
    assert total["records_read"] == 5_000
    # By hand: 2 exact copies, 1 older revision (P20), 1 re-quarantined copy are duplicates;
    # the broken line and the record without buyer are quarantined; 5 000 - 6 are loaded.
    assert (total["loaded"], total["quarantined"], total["duplicates"]) == (4_994, 2, 4)
    assert total["quarantine_reasons"] == {"no_buyer": 1, "unparseable": 1}


@pytest.mark.parametrize("value", ["0", "-3"])
def test_worker_count_is_at_least_one(monkeypatch, value) -> None:
    monkeypatch.setenv("ANCRAGE_IMPORT_WORKERS", value)
    assert parallel.worker_count() == 1
