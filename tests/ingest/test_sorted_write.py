"""The contracts file is written sorted by buyer, range by range, with nothing lost."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from ancrage.ingest import finalise


def test_ranges_give_one_sorted_file_with_every_row(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(finalise, "ROW_GROUP", 1_000)
    con = duckdb.connect()
    # 5,000 contracts of 37 buyers, in a scrambled order; several contracts per buyer and date.
    con.execute(
        """CREATE VIEW c AS SELECT
               lpad(CAST((i * 7919) % 37 AS VARCHAR), 14, '2') AS buyer_id,
               DATE '2024-01-01' + CAST((i * 31) % 400 AS INTEGER) AS notification_date,
               md5(CAST(i AS VARCHAR))[:16] AS contract_id,
               [CAST(i AS VARCHAR)] AS labels
           FROM range(5000) t(i)"""
    )
    target = tmp_path / "contracts.parquet"
    finalise._write_sorted(con, target, "c", ranges=6)

    written = con.execute(f"SELECT * FROM read_parquet('{target}')").fetchall()
    expected = con.execute("SELECT * FROM c ORDER BY buyer_id, notification_date, contract_id")
    assert written == expected.fetchall()
    meta = pq.ParquetFile(target).metadata
    assert meta.num_rows == 5000
    assert {meta.row_group(i).num_rows for i in range(meta.num_row_groups - 1)} == {1000}
    assert not (tmp_path / "_ranges").exists()


def test_no_contract_gives_an_empty_file_with_the_columns(tmp_path) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE VIEW c AS SELECT 'x' AS buyer_id, DATE '2024-01-01' AS notification_date, "
        "'y' AS contract_id WHERE false"
    )
    target = tmp_path / "contracts.parquet"
    finalise._write_sorted(con, target, "c", ranges=4)
    assert pq.read_table(target).column_names == ["buyer_id", "notification_date", "contract_id"]
    assert pq.read_table(target).num_rows == 0
