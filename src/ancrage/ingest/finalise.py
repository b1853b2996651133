"""Final step of an import: settle duplicates and revisions, write the new snapshot.

Exact duplicates staged by different worker processes are settled first (the first read is
kept). Then the revision rule (documented in docs/import.md): records share a ``contract_id`` when
they have the same kind, buyer SIRET, ``id``, notification date, initial awardees and object.
Among them the kept record is the one with the most modifications, then the latest publication
date (including the modifications'), then the latest read (a later file, or a later import). The
others are counted as duplicates (rule ``older_revision``) and kept with their raw content.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.ingest.import_report import build_report
from ancrage.ingest.routing import FileCounts
from ancrage.ingest.staging import STAGING, StagingWriter
from ancrage.warehouse import schema as ws
from ancrage.warehouse.snapshot import Snapshot, carry_parts, link_or_copy

# Written whole at every import (small, or recomputed over the whole warehouse).
CHILD_TABLES = ("modifications", "quality_issues")
# Kept as directories of parts (see warehouse.snapshot): the previous snapshot's parts are
# hard-linked unless they hold a record this import supersedes; this import's staged parts are
# written in groups of about PART_ROWS rows, each group a part.
PARTED = ("contracts", "awardees")
PART_ROWS = 250_000
DUCKDB_MEMORY = "1GB"
# The final writes run as jobs on this many connections, one DuckDB thread each: one thread per
# job keeps the rows of every part in reading order, and the jobs keep both cores busy.
WRITERS = 2
# Every table of a snapshot. zstd level 1: measured 0.7 s faster than the default level on the
# national contracts table, for files 3 % larger.
SNAPSHOT_PARQUET = "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
_SQL_TYPES = {
    "string": "VARCHAR",
    "int64": "BIGINT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
    "date32[day]": "DATE",
}


def _sql_type(arrow_type: pa.DataType) -> str:
    return "VARCHAR[]" if pa.types.is_list(arrow_type) else _SQL_TYPES[str(arrow_type)]


def _source(path: str | Path | None, schema: pa.Schema) -> str:
    """A SQL relation over Parquet files, or an empty relation with the right columns."""
    if path and ("*" in str(path) or Path(path).exists()):
        return f"read_parquet('{path}', union_by_name=true)"
    cols = ", ".join(f'NULL::{_sql_type(f.type)} AS "{f.name}"' for f in schema)
    return f"(SELECT {cols} WHERE false)"


def _columns(schema: pa.Schema, prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{name}"' for name in schema.names)


def build_snapshot(
    previous: Snapshot | None,
    target: Path,
    work: Path,
    writer: StagingWriter,
    files: list[FileCounts],
    import_id: str,
    started: datetime,
) -> dict[str, Any]:
    # In memory, bounded: DuckDB spills to the temporary directory beyond the limit (the narrow
    # bookkeeping tables of a national import fit; a database file only added writes).
    con = duckdb.connect()
    con.execute(
        f"SET temp_directory='{work / 'tmp'}'; SET memory_limit='{DUCKDB_MEMORY}';"
        "SET preserve_insertion_order=false"  # every order that matters is explicit
    )

    def prev(table: str) -> str:
        return _source(previous.source(table) if previous else None, ws.TABLES[table])

    def stage(table: str) -> str:
        return _source(writer.glob(table), STAGING[table])

    _settle_exact_duplicates(con, stage, prev)
    _rank_revisions(con, prev, stage)

    def write(table: str, sql: str, cursor: duckdb.DuckDBPyConnection = con) -> None:
        cursor.execute(f"COPY ({sql}) TO '{target / (table + '.parquet')}' {SNAPSHOT_PARQUET}")

    # Not sorted by buyer: the web's snapshot cache sorts its own copy, and a sort here too was
    # the longest step of a national import (8.8 s of 51 s: 1.5 M wide rows spill beyond 1 GB).
    # Each part is written on one thread, so that its rows keep a stable order, the same from
    # one run to the next: the previous snapshot's parts, then this import's, each in reading
    # order. The parts and the other tables are jobs shared by WRITERS connections.
    con.execute("SET preserve_insertion_order=true; SET threads=1")
    jobs: list[Callable[[duckdb.DuckDBPyConnection], None]] = [
        lambda cursor: _write_quality_issues(write, cursor, prev, stage),
        lambda cursor: _write_suppliers(write, cursor, prev, stage),
    ]
    for table in PARTED:
        jobs += _parted_jobs(con, table, previous, writer, target, import_id)
    jobs.append(lambda cursor: _write_others(write, cursor, prev, stage))
    _run_jobs(con, jobs)
    con.execute("SET preserve_insertion_order=false; RESET threads")
    _drop_repeated_raw_texts(con, work)
    _carry_raw_records(previous, target, work, import_id)
    report = build_report(con, stage, files, previous, import_id, started)
    con.close()
    return report


def _run_jobs(con: duckdb.DuckDBPyConnection, jobs: list) -> None:
    """Run ``jobs`` on WRITERS connections, started in the order given; return when all are
    done (the first error, if any, is raised)."""
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []

    def run(job) -> None:
        if not hasattr(local, "cursor"):
            local.cursor = con.cursor()
            cursors.append(local.cursor)
        job(local.cursor)

    try:
        with ThreadPoolExecutor(WRITERS, thread_name_prefix="snapshot-writer") as pool:
            futures = [pool.submit(run, job) for job in jobs]
            try:
                for future in futures:
                    future.result()
            except BaseException:
                # (an error, or Ctrl-C: the jobs not started yet are not run; the import stops
                # once those running are done)
                for future in futures:
                    future.cancel()
                raise
    finally:
        for cursor in cursors:
            cursor.close()


def _parted_jobs(
    con: duckdb.DuckDBPyConnection,
    table: str,
    previous: Snapshot | None,
    writer: StagingWriter,
    target: Path,
    import_id: str,
) -> list[Callable[[duckdb.DuckDBPyConnection], None]]:
    """The jobs that write ``table``'s parts into ``target/table/``; the previous snapshot's
    parts that need no change are hard-linked here and now."""
    schema = ws.TABLES[table]
    directory = target / table
    directory.mkdir(exist_ok=True)
    jobs = []

    def copy(sql: str, path: Path) -> Callable[[duckdb.DuckDBPyConnection], None]:
        def job(cursor: duckdb.DuckDBPyConnection) -> None:
            written = cursor.execute(f"COPY ({sql}) TO '{path}' {SNAPSHOT_PARQUET}").fetchone()[0]
            if not written:  # (every record of the part superseded or dropped)
                path.unlink()

        return job

    # The previous parts: rewritten without the records this import supersedes, hard-linked
    # otherwise (a part written by an older version, with other columns, is rewritten).
    parts = _previous_parts(previous, table)
    touched = _holding_superseded(con, parts)
    for part, name in parts:
        if part not in touched and _same_columns(pq.read_schema(part), schema):
            link_or_copy(part, directory / name)
            continue
        sql = f"""SELECT {_columns(schema)} FROM read_parquet('{part}', union_by_name=true)
                  ANTI JOIN superseded USING (content_hash)"""
        jobs.append(copy(sql, directory / name))
    # This import's parts, grouped in the order the whole staged table is read.
    for number, group in enumerate(_groups(writer.files(table))):
        files = ", ".join(f"'{path}'" for path in group)
        sql = f"""SELECT {_columns(schema, "s.")}
                  FROM read_parquet([{files}], union_by_name=true) s
                  -- an anti join: the staged rows are the probe side, so they stay in order
                  ANTI JOIN dropped d ON s.content_hash = d.content_hash AND s._order = d._order"""
        jobs.append(copy(sql, directory / f"{import_id}-{number:05d}.parquet"))
    return jobs


def _same_columns(found: pa.Schema, schema: pa.Schema) -> bool:
    """Same names and types, in the same order (DuckDB marks columns without nulls as required:
    nullability is not compared)."""
    return [(f.name, f.type) for f in found] == [(f.name, f.type) for f in schema]


def _previous_parts(previous: Snapshot | None, table: str) -> list[tuple[Path, str]]:
    """(path, name in the new snapshot) of the previous snapshot's parts of ``table``, in the
    order they are read; a table written whole by an older version counts as one part."""
    if previous is None:
        return []
    directory = previous.path / table
    if directory.is_dir():
        return [(path, path.name) for path in sorted(directory.glob("*.parquet"))]
    whole = previous.table_path(table)
    return [(whole, f"{previous.id}-00000.parquet")] if whole.exists() else []


def _holding_superseded(con: duckdb.DuckDBPyConnection, parts: list[tuple[Path, str]]) -> set:
    """The previous parts that hold a record superseded by this import (one scan of their
    ``content_hash`` column, only when there is any)."""
    if not parts or not con.execute("SELECT count(*) FROM superseded").fetchone()[0]:
        return set()
    files = ", ".join(f"'{path}'" for path, _ in parts)
    rows = con.execute(
        f"""SELECT DISTINCT filename FROM read_parquet([{files}], filename=true)
            WHERE content_hash IN (SELECT content_hash FROM superseded)"""
    ).fetchall()
    return {Path(row[0]) for row in rows}


def _groups(files: list[Path]) -> list[list[Path]]:
    """Consecutive staged parts, grouped until each group holds PART_ROWS rows or more."""
    groups, current, rows = [], [], 0
    for path in files:
        current.append(path)
        rows += pq.read_metadata(path).num_rows
        if rows >= PART_ROWS:
            groups.append(current)
            current, rows = [], 0
    if current:
        groups.append(current)
    return groups


def _write_quality_issues(write, cursor: duckdb.DuckDBPyConnection, prev, stage) -> None:
    """The quality issues of the kept records, the reused-id rule computed again (the longest
    of the small tables: written first)."""
    write("quality_issues", _with_reused_ids(_kept_children("quality_issues", prev, stage)), cursor)


def _kept_children(table: str, prev, stage) -> str:
    """Child rows of the kept records: by content for the previous snapshot, by (content, read
    order) for this import, since two workers may have staged the same content."""
    schema = ws.TABLES[table]
    return f"""
        SELECT {_columns(schema)} FROM {prev(table)} ANTI JOIN superseded USING (content_hash)
        UNION ALL
        SELECT {_columns(schema, "s.")} FROM {stage(table)} s
        ANTI JOIN dropped d ON s.content_hash = d.content_hash AND s._order = d._order
        """


def _write_others(write, side: duckdb.DuckDBPyConnection, prev, stage) -> None:
    """The small tables of the snapshot, on the ``side`` connection."""
    write("modifications", _kept_children("modifications", prev, stage), side)
    write(
        "quarantine",
        f"""SELECT {_columns(ws.QUARANTINE)} FROM {prev("quarantine")}
            UNION ALL SELECT {_columns(ws.QUARANTINE)} FROM staged_quarantine WHERE _n = 1""",
        side,
    )
    write(
        "duplicates",
        f"""
        SELECT {_columns(ws.DUPLICATES)} FROM {prev("duplicates")}
        UNION ALL BY NAME
        SELECT d.import_id, d.source_file, d.source_format, d.source_position, d.content_hash, d.rule,
               coalesce(c.contract_id, d.content_hash) AS duplicate_of, d.raw, d.rows
        FROM all_staged_duplicates d LEFT JOIN (SELECT content_hash, contract_id FROM cand) c USING (content_hash)
        UNION ALL BY NAME
        SELECT l.import_id, l.source_file, l.source_format, l.source_position, l.content_hash,
               'older_revision' AS rule, l._kept AS duplicate_of, NULL AS raw, coalesce(l._rows, 1) AS rows
        FROM losers l
        """,
        side,
    )
    write(
        "buyers",
        """SELECT buyer_id, mode(buyer_name) AS name, count(*) AS contract_count
           FROM winners_wide GROUP BY buyer_id ORDER BY buyer_id""",
        side,
    )


def _write_suppliers(write, cursor: duckdb.DuckDBPyConnection, prev, stage) -> None:
    """Suppliers, from the kept awardees (the rows the awardee parts hold, read from where
    they come from: no wait for those parts)."""
    write(
        "suppliers",
        f"""SELECT supplier_id, mode(supplier_id_type) AS supplier_id_type, mode(supplier_name) AS name,
                   count(DISTINCT contract_id) AS contract_count
            FROM ({_kept_children("awardees", prev, stage)})
            WHERE is_current AND supplier_id IS NOT NULL GROUP BY supplier_id ORDER BY supplier_id""",
        cursor,
    )


# The columns that decide which record is kept: ranking works on these narrow rows only.
# (Where a record came from is looked up again in Parquet only for the few that are duplicates.)
KEYS = "contract_id, content_hash, modification_count"
SOURCE = "import_id, source_file, source_format, source_position"


def _settle_exact_duplicates(con: duckdb.DuckDBPyConnection, stage, prev) -> None:
    """Identical staged records (same content read twice in this import, or already in the
    warehouse): the first read stays, the others are duplicates; same for quarantined records.

    Reading already skips the contents it knows, up to the capacity of its digest sets
    (:mod:`ancrage.ingest.digests`): beyond it, or for two workers, the duplicates are found here.
    """
    con.execute(
        f"""
        CREATE TABLE known AS
        SELECT content_hash FROM {prev("contracts")} UNION SELECT content_hash FROM {prev("duplicates")};
        CREATE TABLE staged AS
        SELECT {KEYS}, _order, _file, _rows, _last_publication,
               CASE WHEN content_hash IN (SELECT content_hash FROM known) THEN 2
                    ELSE row_number() OVER (PARTITION BY content_hash ORDER BY _order) END AS _n
        FROM {stage("contracts")};
        CREATE TABLE staged_quarantine AS
        SELECT *, CASE WHEN _known THEN 2
                       ELSE row_number() OVER (PARTITION BY content_hash ORDER BY _order) END AS _n
        FROM (SELECT *, content_hash IN (SELECT content_hash FROM {prev("quarantine")}) AS _known
              FROM {stage("quarantine")});
        CREATE TABLE all_staged_duplicates AS
        -- (a content staged by the fast path and quarantined at the end of reading may have been
        -- read again meanwhile: counted then as seen, it is a copy of a quarantined record)
        SELECT import_id, source_file, source_format, source_position, content_hash,
               CASE WHEN rule = 'same_content' AND content_hash IN (SELECT content_hash FROM staged_quarantine)
                    THEN 'already_quarantined' ELSE rule END AS rule, raw, rows, _file
        FROM {stage("duplicates")}
        UNION ALL
        SELECT {SOURCE}, content_hash, 'same_content', NULL, d._rows, d._file
        FROM (SELECT content_hash, _order, _rows, _file FROM staged WHERE _n > 1) d
        JOIN (SELECT {SOURCE}, content_hash, _order FROM {stage("contracts")}) USING (content_hash, _order)
        UNION ALL
        SELECT import_id, source_file, source_format, source_position, content_hash,
               'already_quarantined', NULL, rows, _file FROM staged_quarantine WHERE _n > 1;
        """
    )


def _rank_revisions(con: duckdb.DuckDBPyConnection, prev, stage) -> None:
    con.execute(
        f"""
        CREATE TABLE cand AS
        WITH prev_pub AS (
            SELECT content_hash, max(publication_date) AS p FROM {prev("modifications")} GROUP BY content_hash
        )
        SELECT {KEYS}, -1::BIGINT AS _order, NULL::BIGINT AS _file, NULL::BIGINT AS _rows,
               greatest(c.publication_date, pp.p) AS _last_publication, true AS _prev
        FROM {prev("contracts")} c LEFT JOIN prev_pub pp USING (content_hash)
        UNION ALL BY NAME
        SELECT * EXCLUDE (_n), false AS _prev FROM staged WHERE _n = 1;

        CREATE TABLE ranked AS
        SELECT *, row_number() OVER (
            PARTITION BY contract_id
            ORDER BY modification_count DESC, _last_publication DESC NULLS LAST, _order DESC
        ) AS _rank FROM cand;
        CREATE TABLE winners AS SELECT * EXCLUDE (_rank) FROM ranked WHERE _rank = 1;
        CREATE TABLE losers AS
        -- (every contract_id has a winner: a loser's is the record it is a revision of)
        WITH l AS (SELECT *, contract_id AS _kept FROM ranked WHERE _rank > 1)
        SELECT l.*, s.import_id, s.source_file, s.source_format, s.source_position FROM l
        JOIN (SELECT {SOURCE}, content_hash, _order FROM {stage("contracts")}) s USING (content_hash, _order)
        WHERE NOT l._prev
        UNION ALL BY NAME
        SELECT l.*, s.import_id, s.source_file, s.source_format, s.source_position FROM l
        JOIN (SELECT {SOURCE}, content_hash FROM {prev("contracts")}) s USING (content_hash)
        WHERE l._prev;
        DROP TABLE ranked;
        -- What is not kept: this import's staged records that are copies or older revisions,
        -- and the previous snapshot's records they supersede. A few thousand in a national
        -- file, against over a million kept records: the kept rows are all the others, found
        -- through a small hash table instead of one over every kept record (measured on
        -- 1.5 M contracts: 2 s less per import, 4.5 s less CPU).
        CREATE TABLE dropped AS
        SELECT content_hash, _order FROM staged WHERE _n > 1
        UNION ALL
        SELECT content_hash, _order FROM losers WHERE NOT _prev;
        CREATE TABLE superseded AS SELECT content_hash FROM losers WHERE _prev;
        -- A view, not a table: the wide rows are read from Parquet when written, never held.
        CREATE VIEW winners_wide AS
        SELECT {_columns(ws.CONTRACTS)} FROM {prev("contracts")} ANTI JOIN superseded USING (content_hash)
        UNION ALL
        SELECT {_columns(ws.CONTRACTS, "s.")} FROM {stage("contracts")} s
        -- an anti join: the staged rows are the probe side, so they come out in reading order
        ANTI JOIN dropped d ON s.content_hash = d.content_hash AND s._order = d._order;
        """
    )


def _drop_repeated_raw_texts(con: duckdb.DuckDBPyConnection, work: Path) -> None:
    """Keep one raw text per content: this import's texts are written as records are staged,
    so a content that reading could not recognise (its digest set full) was written again.

    Only then are the parts rewritten: one text per content new to the warehouse.
    """
    con.execute(
        """CREATE TABLE repeated AS
            SELECT content_hash FROM staged WHERE _n > 1
            UNION SELECT content_hash FROM staged_quarantine WHERE _n > 1"""
    )
    parts = sorted((work / "raw_records").glob("*.parquet"))
    if not parts or not con.execute("SELECT count(*) FROM repeated").fetchone()[0]:
        return
    texts = _source(work / "raw_records" / "*.parquet", ws.RAW_RECORDS)
    unique = work / "raw_records.unique"  # (outside the folder the query reads)
    con.execute(
        f"""
        COPY (
            SELECT content_hash, raw FROM {texts}
            WHERE content_hash NOT IN (SELECT content_hash FROM repeated)
            UNION ALL
            -- (a content already in the warehouse has its text there, or in its quarantine)
            SELECT content_hash, first(raw) FROM {texts}
            WHERE content_hash IN (SELECT content_hash FROM repeated EXCEPT SELECT content_hash FROM known
                                   EXCEPT SELECT content_hash FROM staged_quarantine WHERE _known)
            GROUP BY content_hash
        ) TO '{unique}' {SNAPSHOT_PARQUET};
        """
    )
    for part in parts:
        part.unlink()
    unique.rename(work / "raw_records" / "unique.parquet")


def _carry_raw_records(previous: Snapshot | None, target: Path, work: Path, import_id: str) -> None:
    """``raw_records`` is a directory of append-only parts: the previous ones are hard-linked,
    this import's staged parts are moved in. Nothing of an earlier import is rewritten."""
    directory = target / "raw_records"
    directory.mkdir(exist_ok=True)
    if previous is not None:
        carry_parts(previous.path, target, only={"raw_records"})
    for part in sorted((work / "raw_records").glob("*.parquet")):
        part.rename(directory / f"{import_id}-{part.name}")


def _with_reused_ids(issues: str) -> str:
    """The quality issues of the kept records, plus one per contract whose buyer used its id for
    several contracts (distinct lots or objects), computed again over the whole warehouse."""
    return f"""
        SELECT * FROM ({issues}) WHERE rule <> 'duplicate_uid_distinct_lots'
        UNION ALL
        SELECT contract_id, buyer_id, 'id', id, 'duplicate_uid_distinct_lots', content_hash
        FROM winners_wide WHERE uid IN (SELECT uid FROM winners_wide GROUP BY uid HAVING count(*) > 1)
        """
