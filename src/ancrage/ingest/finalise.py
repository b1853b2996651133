"""Final step of an import: resolve revisions, write the new snapshot, compute the report.

Revision rule (documented in docs/import.md): records share a ``contract_id`` when they have the
same kind, buyer SIRET, ``id``, notification date, initial awardees and object. Among them the kept
record is the one with the most modifications, then the latest publication date (including the
modifications'), then the latest read (a later file, or a later import). The others are counted
as duplicates (rule ``older_revision``) and kept with their raw content.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ancrage.warehouse import schema as ws
from ancrage.warehouse.snapshot import Snapshot

if TYPE_CHECKING:
    from ancrage.ingest.pipeline import ImportContext

CHILD_TABLES = ("awardees", "modifications", "quality_issues", "raw_records")


def _source(path: str | Path | None, schema) -> str:
    """A SQL relation over Parquet files, or an empty relation with the right columns."""
    if path and (("*" in str(path)) or Path(path).exists()):
        return f"read_parquet('{path}', union_by_name=true)"
    cols = ", ".join(f'NULL::{_sql_type(f.type)} AS "{f.name}"' for f in schema)
    return f"(SELECT {cols} WHERE false)"


def _sql_type(arrow_type) -> str:
    import pyarrow as pa

    if pa.types.is_list(arrow_type):
        return "VARCHAR[]"
    return {
        "string": "VARCHAR",
        "int64": "BIGINT",
        "double": "DOUBLE",
        "bool": "BOOLEAN",
        "date32[day]": "DATE",
    }[str(arrow_type)]


def _columns(schema) -> str:
    return ", ".join(f'"{name}"' for name in schema.names)


def build_snapshot(
    previous: Snapshot | None, target: Path, work: Path, ctx: ImportContext, started: datetime
) -> dict[str, Any]:
    con = duckdb.connect(str(work / "finalise.duckdb"))
    con.execute(f"SET temp_directory='{work / 'tmp'}'")
    prev = (lambda t: previous.table_path(t)) if previous else (lambda t: None)
    stage = ctx.writer.glob

    from ancrage.ingest.staging import STAGING

    # 1. Candidates: previous contracts (read earlier, so they rank first) and staged ones.
    con.execute(
        f"""
        CREATE TABLE cand AS
        WITH prev_c AS (
            SELECT {_columns(ws.CONTRACTS)}, -1::BIGINT AS _order, NULL::BIGINT AS _file,
                   NULL::BIGINT AS _rows FROM {_source(prev("contracts"), ws.CONTRACTS)}
        ), prev_pub AS (
            SELECT content_hash, max(publication_date) AS p
            FROM {_source(prev("modifications"), ws.MODIFICATIONS)} GROUP BY content_hash
        )
        SELECT c.*, greatest(c.publication_date, pp.p) AS _last_publication, true AS _prev
        FROM prev_c c LEFT JOIN prev_pub pp USING (content_hash)
        UNION ALL BY NAME
        SELECT *, false AS _prev FROM {_source(stage("contracts"), STAGING["contracts"])}
        """
    )
    con.execute(
        """
        CREATE TABLE ranked AS
        SELECT *, row_number() OVER (
            PARTITION BY contract_id
            ORDER BY modification_count DESC, _last_publication DESC NULLS LAST, _order DESC
        ) AS _rank FROM cand
        """
    )
    con.execute("CREATE TABLE winners AS SELECT * EXCLUDE (_rank) FROM ranked WHERE _rank = 1")
    con.execute(
        "CREATE TABLE losers AS SELECT r.*, w.contract_id AS _kept FROM ranked r "
        "JOIN winners w USING (contract_id) WHERE r._rank > 1"
    )
    con.execute("CREATE TABLE keep_hash AS SELECT content_hash FROM winners")

    def write(table: str, sql: str) -> None:
        con.execute(
            f"COPY ({sql}) TO '{target / (table + '.parquet')}' (FORMAT parquet, COMPRESSION zstd)"
        )

    # 2. Child tables of the kept records, from the previous snapshot and from this import.
    for table in CHILD_TABLES:
        schema = ws.TABLES[table]
        write(
            table,
            f"""
            SELECT {_columns(schema)} FROM (
                SELECT {_columns(schema)} FROM {_source(prev(table), schema)}
                UNION ALL BY NAME
                SELECT {_columns(schema)} FROM {_source(stage(table), STAGING[table])}
            ) WHERE content_hash IN (SELECT content_hash FROM keep_hash)
            """,
        )
    # Several contracts of one buyer under one id (distinct lots or objects): a quality issue.
    write(
        "contracts",
        f"SELECT {_columns(ws.CONTRACTS)} FROM winners ORDER BY buyer_id, notification_date, contract_id",
    )
    con.execute(
        f"""
        COPY (
          SELECT {_columns(ws.QUALITY_ISSUES)} FROM read_parquet('{target / "quality_issues.parquet"}')
          WHERE rule <> 'duplicate_uid_distinct_lots'
          UNION ALL
          SELECT contract_id, buyer_id, 'id', id, 'duplicate_uid_distinct_lots', content_hash
          FROM winners WHERE uid IN (SELECT uid FROM winners GROUP BY uid HAVING count(*) > 1)
        ) TO '{target / "quality_issues.tmp.parquet"}' (FORMAT parquet, COMPRESSION zstd)
        """
    )
    (target / "quality_issues.tmp.parquet").replace(target / "quality_issues.parquet")

    # 3. Quarantine and duplicates accumulate across imports.
    write(
        "quarantine",
        f"""
        SELECT {_columns(ws.QUARANTINE)} FROM {_source(prev("quarantine"), ws.QUARANTINE)}
        UNION ALL BY NAME
        SELECT {_columns(ws.QUARANTINE)} FROM {_source(stage("quarantine"), STAGING["quarantine"])}
        """,
    )
    raw_all = f"""(SELECT content_hash, raw FROM {_source(prev("raw_records"), ws.RAW_RECORDS)}
                  UNION ALL SELECT content_hash, raw FROM {_source(stage("raw_records"), ws.RAW_RECORDS)})"""
    write(
        "duplicates",
        f"""
        SELECT {_columns(ws.DUPLICATES)} FROM {_source(prev("duplicates"), ws.DUPLICATES)}
        UNION ALL BY NAME
        SELECT d.import_id, d.source_file, d.source_format, d.source_position, d.content_hash, d.rule,
               coalesce(w.contract_id, d.content_hash) AS duplicate_of, d.raw, d.rows
        FROM {_source(stage("duplicates"), STAGING["duplicates"])} d
        LEFT JOIN (SELECT content_hash, contract_id FROM cand) w USING (content_hash)
        UNION ALL BY NAME
        SELECT l.import_id, l.source_file, l.source_format, l.source_position, l.content_hash,
               'older_revision' AS rule, l._kept AS duplicate_of, r.raw, coalesce(l._rows, 1) AS rows
        FROM losers l LEFT JOIN {raw_all} r USING (content_hash)
        """,
    )
    # 4. Buyers and suppliers, from the kept records.
    write(
        "buyers",
        """
        SELECT buyer_id, mode(buyer_name) AS name, count(*) AS contract_count
        FROM winners GROUP BY buyer_id ORDER BY buyer_id
        """,
    )
    write(
        "suppliers",
        f"""
        SELECT supplier_id, mode(supplier_id_type) AS supplier_id_type, mode(supplier_name) AS name,
               count(DISTINCT contract_id) AS contract_count
        FROM read_parquet('{target / "awardees.parquet"}')
        WHERE is_current AND supplier_id IS NOT NULL GROUP BY supplier_id ORDER BY supplier_id
        """,
    )
    report = _report(con, ctx, stage, STAGING, previous, started)
    con.close()
    return report


def _report(con, ctx, stage, staging, previous, started) -> dict[str, Any]:
    per_file: dict[int, dict[str, Any]] = {}
    for counts in ctx.files:
        per_file[counts.index] = {
            "path": counts.path,
            "format": counts.format,
            "records_read": counts.records_read,
            "loaded": 0,
            "quarantined": 0,
            "duplicates": 0,
            "quarantine_reasons": {},
            "quality_issues": {},
        }
        if counts.error:
            per_file[counts.index]["error"] = counts.error
    for file_index, rows in con.execute(
        "SELECT _file, sum(_rows) FROM winners WHERE NOT _prev GROUP BY 1"
    ).fetchall():
        per_file[file_index]["loaded"] = int(rows)
    for file_index, rows in con.execute(
        "SELECT _file, sum(_rows) FROM losers WHERE NOT _prev GROUP BY 1"
    ).fetchall():
        per_file[file_index]["duplicates"] += int(rows)
    if stage("duplicates"):
        for file_index, rows in con.execute(
            f"SELECT _file, sum(rows) FROM read_parquet('{stage('duplicates')}') GROUP BY 1"
        ).fetchall():
            per_file[file_index]["duplicates"] += int(rows)
    if stage("quarantine"):
        for file_index, reason, rows in con.execute(
            f"SELECT _file, reason, sum(rows) FROM read_parquet('{stage('quarantine')}') GROUP BY 1, 2 ORDER BY 3 DESC"
        ).fetchall():
            per_file[file_index]["quarantined"] += int(rows)
            per_file[file_index]["quarantine_reasons"][reason] = int(rows)
    if stage("quality_issues"):
        for file_index, rule, n in con.execute(
            f"""SELECT w._file, q.rule, count(*) FROM read_parquet('{stage("quality_issues")}') q
                JOIN winners w USING (content_hash) WHERE NOT w._prev GROUP BY 1, 2 ORDER BY 3 DESC"""
        ).fetchall():
            per_file[file_index]["quality_issues"][rule] = int(n)
    files = list(per_file.values())
    total: dict[str, Any] = {
        key: sum(f[key] for f in files)
        for key in ("records_read", "loaded", "quarantined", "duplicates")
    }
    for key in ("quarantine_reasons", "quality_issues"):
        counter: Counter = Counter()
        for f in files:
            counter.update(f[key])
        total[key] = dict(counter.most_common())
    superseded = con.execute("SELECT count(*) FROM losers WHERE _prev").fetchone()[0]
    total["superseded_previous"] = int(superseded)
    finished = datetime.now(UTC)
    report = {
        "import_id": ctx.import_id,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "files": files,
        "total": total,
    }
    history = (previous.manifest().get("imports", []) if previous else []) + [
        {k: report[k] for k in ("import_id", "started_at", "finished_at")}
        | {"sources": [f["path"] for f in files], "total": total}
    ]
    report["_history"] = history
    return report
