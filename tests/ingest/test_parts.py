"""Contracts and awardees are kept as parts: an import hard-links the previous snapshot's parts it
does not change, rewrites those holding a record it supersedes, and reads a table written whole
by an older version as one part."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from ingest_builders import marche, write_decp_2022

from ancrage.warehouse.snapshot import Snapshot, current

PARTED = ("contracts", "awardees")


def _parts(snapshot: Snapshot, table: str) -> dict[str, int]:
    """Part name -> inode."""
    return {p.name: p.stat().st_ino for p in (snapshot.path / table).glob("*.parquet")}


def _revision(id_: str) -> dict:
    modification = {
        "id": 1,
        "montant": 99000,
        "dateNotificationModification": "2024-09-01",
        "datePublicationDonneesModification": "2024-09-01",
    }
    return marche(id=id_, modifications=[{"modification": modification}])


def test_an_import_links_the_parts_it_does_not_change(tmp_path, data_dir, ingest, query):
    ingest(write_decp_2022(tmp_path / "a.json", [marche(id=f"A{i}") for i in range(3)]))
    first = current(data_dir)
    ingest(write_decp_2022(tmp_path / "b.json", [marche(id="B1")]))
    second = current(data_dir)
    for table in PARTED:
        before, after = _parts(first, table), _parts(second, table)
        assert len(before) == 1 and len(after) == 2
        (name,) = before
        assert after[name] == before[name]  # the same file, not a copy
        (new,) = set(after) - set(before)
        assert new.startswith(second.id)
    # Read in the order of the part names: the first import's contracts, then the second's.
    assert [r[0] for r in query("SELECT id FROM contracts")] == ["A0", "A1", "A2", "B1"]
    assert query("SELECT count(*) FROM awardees") == [(4,)]


def test_a_part_holding_a_superseded_record_is_rewritten(tmp_path, data_dir, ingest, query):
    ingest(write_decp_2022(tmp_path / "a.json", [marche(id=f"A{i}") for i in range(3)]))
    first = current(data_dir)
    report = ingest(write_decp_2022(tmp_path / "b.json", [_revision("A1")]))
    assert report["total"]["superseded_previous"] == 1
    second = current(data_dir)
    for table in PARTED:
        (name,) = _parts(first, table)
        assert name in _parts(second, table)
        assert _parts(second, table)[name] != _parts(first, table)[name]  # rewritten
    assert query("SELECT id, current_amount_ht FROM contracts") == [
        ("A0", 85000.0),
        ("A2", 85000.0),
        ("A1", 99000.0),
    ]
    assert query("SELECT count(*) FROM awardees") == [(3,)]
    # The first snapshot is untouched (its readers still see the older revision).
    con = duckdb.connect()
    older = f"read_parquet('{first.source('contracts')}')"
    assert con.execute(f"SELECT count(*) FROM {older} WHERE id = 'A1'").fetchone() == (1,)


def test_a_part_whose_records_are_all_superseded_is_left_out(tmp_path, data_dir, ingest, query):
    ingest(write_decp_2022(tmp_path / "a.json", [marche(id="A1")]))
    ingest(write_decp_2022(tmp_path / "b.json", [_revision("A1")]))
    snapshot = current(data_dir)
    assert [name.startswith(snapshot.id) for name in _parts(snapshot, "contracts")] == [True]
    assert query("SELECT id, modification_count FROM contracts") == [("A1", 1)]


def test_tables_written_whole_by_an_older_version_are_read_as_one_part(
    tmp_path, data_dir, ingest, query
):
    ingest(write_decp_2022(tmp_path / "a.json", [marche(id="A1"), marche(id="A2")]))
    older = current(data_dir)
    _as_whole_tables(older.path)
    assert older.source("contracts") == str(older.path / "contracts.parquet")
    ingest(write_decp_2022(tmp_path / "b.json", [_revision("A2"), marche(id="B1")]))
    snapshot = current(data_dir)
    for table in PARTED:
        assert not (snapshot.path / f"{table}.parquet").exists()
        names = sorted(_parts(snapshot, table))
        assert len(names) == 2 and names[0] == f"{older.id}-00000.parquet"
    assert query("SELECT id, modification_count FROM contracts") == [
        ("A1", 0),
        ("A2", 1),
        ("B1", 0),
    ]
    assert query("SELECT count(*) FROM awardees") == [(3,)]


def _as_whole_tables(snapshot_dir: Path) -> None:
    """Rewrite a snapshot's parted tables as single files, as versions before parts wrote them."""
    con = duckdb.connect()
    for table in PARTED:
        directory = snapshot_dir / table
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{directory}/*.parquet')) "
            f"TO '{snapshot_dir / table}.parquet' (FORMAT parquet)"
        )
        for part in directory.glob("*.parquet"):
            part.unlink()
        directory.rmdir()


def test_a_failing_write_stops_the_jobs_not_started(monkeypatch):
    from ancrage.ingest import finalise

    monkeypatch.setattr(finalise, "WRITERS", 1)
    ran = []

    def fail(cursor):
        raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError, match="disque plein"):
        finalise._run_jobs(
            duckdb.connect(), [fail, *(lambda c, i=i: ran.append(i) for i in range(3))]
        )
    assert ran == []
