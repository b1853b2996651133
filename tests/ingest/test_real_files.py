"""Every real file imports, and every record read is loaded, quarantined or a duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest

REAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
RECORD_FILES = sorted(p for p in (REAL_DIR / "records").rglob("*") if p.is_file())
EXAMPLE_FILES = sorted(p for p in (REAL_DIR / "examples").rglob("*") if p.is_file())


def _balanced(entry: dict) -> bool:
    return entry["records_read"] == entry["loaded"] + entry["quarantined"] + entry["duplicates"]


@pytest.mark.parametrize("path", RECORD_FILES + EXAMPLE_FILES, ids=lambda p: p.name)
def test_accounting_invariant_on_each_real_file(path: Path, ingest) -> None:
    report = ingest(path)
    (entry,) = report["files"]
    assert entry["records_read"] > 0
    assert _balanced(entry), entry
    assert _balanced(report["total"])


def test_accounting_invariant_on_everything_at_once(ingest, query) -> None:
    report = ingest(REAL_DIR / "records", REAL_DIR / "examples")
    assert len(report["files"]) == len(RECORD_FILES) + len(EXAMPLE_FILES)
    for entry in report["files"]:
        assert _balanced(entry), entry
    assert _balanced(report["total"])
    total = report["total"]
    loaded_rows = query("SELECT sum(1) FROM contracts WHERE source_format NOT LIKE 'tabular%'")[0][
        0
    ]
    tabular_rows = query("SELECT count(*) FROM contracts WHERE source_format LIKE 'tabular%'")[0][0]
    assert tabular_rows > 0 and loaded_rows > 0
    (quarantined,) = query("SELECT sum(rows) FROM quarantine")[0]
    assert quarantined == total["quarantined"]
    (dups,) = query("SELECT sum(rows) FROM duplicates")[0]
    assert dups == total["duplicates"]


def test_reimporting_the_same_files_adds_nothing(ingest, query, data_dir) -> None:
    first = ingest(REAL_DIR / "records")
    before = {
        t: query(f"SELECT count(*) FROM {t}")[0][0]
        for t in ("contracts", "awardees", "quarantine", "quality_issues", "raw_records")
    }
    second = ingest(REAL_DIR / "records")
    after = {t: query(f"SELECT count(*) FROM {t}")[0][0] for t in before}
    assert after == before
    assert second["total"]["loaded"] == 0
    assert second["total"]["quarantined"] == 0
    assert (
        second["total"]["duplicates"]
        == second["total"]["records_read"]
        == first["total"]["records_read"]
    )
