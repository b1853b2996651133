"""An import's memory does not grow with its files or the warehouse: its digest sets are bounded,
staged rows are flushed whatever the table, chunk indexes wait on disk. Past the capacity of the
digest sets, the final step finds the duplicates reading let through: same warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ancrage.generate import generate
from ancrage.ingest import digests, staging
from ancrage.ingest.pipeline import run_import
from ancrage.warehouse import connect
from ancrage.warehouse.schema import TABLES
from ancrage.warehouse.snapshot import current

TABLES_COMPARED = (
    "contracts",
    "awardees",
    "quality_issues",
    "quarantine",
    "duplicates",
    "raw_records",
)


@pytest.fixture(scope="module")
def two_copies(tmp_path_factory) -> list[str]:
    """A synthetic file (with its own duplicates and quarantined records) and a copy of it."""
    folder = tmp_path_factory.mktemp("gen")
    generate(4_000, 5, folder / "a.json")
    shutil.copy(folder / "a.json", folder / "b.json")
    return [str(folder / "a.json"), str(folder / "b.json")]


def _rows(data_dir: Path) -> dict[str, list]:
    con = connect(data_dir)
    out = {}
    for table in TABLES_COMPARED:
        columns = ", ".join(f'"{f.name}"' for f in TABLES[table] if f.name != "import_id")
        out[table] = sorted(con.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
    return out


def _counts(report: dict) -> list[tuple]:
    keys = ("records_read", "loaded", "quarantined", "duplicates", "quarantine_reasons")
    return [tuple(f[k] for k in keys) for f in (*report["files"], report["total"])]


def _forgetful(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digest sets that keep nothing beyond a batch of the fast path."""
    monkeypatch.setattr(digests, "CAPACITY", 0)
    monkeypatch.setattr(digests, "RECENT_LIMIT", 1)


def test_full_digest_sets_give_the_same_warehouse(two_copies, tmp_path, monkeypatch) -> None:
    usual = run_import(two_copies, data_dir=tmp_path / "usual")
    _forgetful(monkeypatch)
    bounded = run_import(two_copies, data_dir=tmp_path / "bounded")

    assert _counts(bounded) == _counts(usual)
    _, copy, total = _counts(bounded)
    assert copy[2] == 0 and copy[3] == copy[0]  # the copy: nothing but duplicates
    assert total[0] == total[1] + total[2] + total[3]
    assert _rows(tmp_path / "bounded") == _rows(tmp_path / "usual")
    # One raw text per content, even though the copy's texts were written again while reading.
    con = connect(tmp_path / "bounded")
    assert con.execute(
        "SELECT count(*) FROM (SELECT content_hash FROM raw_records GROUP BY 1 HAVING count(*) > 1)"
    ).fetchall() == [(0,)]


def test_reading_again_with_full_digest_sets_adds_nothing(
    two_copies, tmp_path, monkeypatch
) -> None:
    data_dir = tmp_path / "w"
    run_import(two_copies[:1], data_dir=data_dir)
    before = _rows(data_dir)
    _forgetful(monkeypatch)
    report = run_import(two_copies[:1], data_dir=data_dir)

    read = report["total"]["records_read"]
    assert (report["total"]["loaded"], report["total"]["quarantined"]) == (0, 0)
    assert report["total"]["duplicates"] == read
    after = _rows(data_dir)
    for table in ("contracts", "awardees", "quality_issues", "quarantine", "raw_records"):
        assert after[table] == before[table], table
    # Every record read again is a duplicate, the quarantined ones included.
    rules = dict(
        connect(data_dir)
        .execute(
            "SELECT rule, sum(rows) FROM duplicates WHERE import_id = (SELECT max(import_id) FROM duplicates) GROUP BY rule"
        )
        .fetchall()
    )
    assert rules["already_quarantined"] == len(before["quarantine"])
    assert sum(rules.values()) == read


def test_staged_rows_are_flushed_whatever_the_table(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(staging, "BATCH_ROWS", 5)
    writer = staging.StagingWriter(tmp_path)
    for i in range(45):  # duplicates only, as when a file is read again
        writer.add("duplicates", {"content_hash": f"{i:032x}", "rule": "same_content", "rows": 1})
    assert len(writer.buffers["duplicates"]) == 45 - 2 * 20
    assert len(list((tmp_path / "duplicates").glob("*.parquet"))) == 2


def test_parts_and_writers_do_not_change_the_snapshot(two_copies, tmp_path, monkeypatch):
    """One part per staged part and a single writer: the same rows, contracts in the same order
    (the order of the parts' names, then of each part), only cut into more parts."""
    from ancrage.ingest import finalise

    usual = run_import(two_copies, data_dir=tmp_path / "usual")
    monkeypatch.setattr(finalise, "PART_ROWS", 1)
    monkeypatch.setattr(finalise, "WRITERS", 1)
    small = run_import(two_copies, data_dir=tmp_path / "small")
    assert _counts(small) == _counts(usual)
    assert _rows(tmp_path / "small") == _rows(tmp_path / "usual")
    columns = ", ".join(f'"{f.name}"' for f in TABLES["contracts"] if f.name != "import_id")
    ordered = [
        connect(tmp_path / name).execute(f"SELECT {columns} FROM contracts").fetchall()
        for name in ("usual", "small")
    ]
    assert ordered[0] == ordered[1]
    parts = [
        len(list(current(tmp_path / name).path.joinpath("contracts").glob("*.parquet")))
        for name in ("usual", "small")
    ]
    assert parts[0] == 1 and parts[1] > 1
