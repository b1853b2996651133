"""An import's memory does not grow with its files: staged rows are flushed whatever the table."""

from __future__ import annotations

from ancrage.ingest import staging


def test_staged_rows_are_flushed_whatever_the_table(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(staging, "BATCH_ROWS", 5)
    writer = staging.StagingWriter(tmp_path)
    for i in range(45):  # duplicates only, as when a file is read again
        writer.add("duplicates", {"content_hash": f"{i:032x}", "rule": "same_content", "rows": 1})
    assert len(writer.buffers["duplicates"]) == 45 - 2 * 20
    assert len(list((tmp_path / "duplicates").glob("*.parquet"))) == 2
