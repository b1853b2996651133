"""Staging of the SQL fast path: candidate records written as lines, normalised in one pass.

See :mod:`ancrage.ingest.sql_normalise` for what "clean" means and why.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.ingest import values
from ancrage.ingest.json_stream import parse_record
from ancrage.ingest.routing import FILE_ORDER_SHIFT, FileCounts, Router
from ancrage.ingest.sql_normalise import normalise_chunks
from ancrage.warehouse.schema import RAW_RECORDS

DUCKDB_MEMORY = "1GB"
RAW_BATCH = 20_000


def sql_path_enabled() -> bool:
    """``ANCRAGE_SQL_NORMALISE=0`` sends every record to the Python normaliser (for tests)."""
    return os.environ.get("ANCRAGE_SQL_NORMALISE", "1") != "0"


class FastPath:
    def __init__(self, work: Path, import_id: str) -> None:
        self.directory = work / "fast"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "records.ndjson"
        self.handle = open(self.path, "w", encoding="utf-8")
        self.staged = 0
        self.positions = array("q")  # file * FILE_ORDER_SHIFT + position of each staged line
        self.raw_hashes: list[str] = []
        self.raw_texts: list[str] = []
        self.raw_writer: pq.ParquetWriter | None = None
        # Compressing the raw texts releases the GIL: a thread does it while reading goes on.
        self.raw_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="raw-records")
        self.raw_pending: Future | None = None
        (work / "raw_records").mkdir(parents=True, exist_ok=True)
        self.work = work
        self.import_id = import_id

    def stage(self, router: Router, counts: FileCounts, position: int, text: str) -> None:
        """Stage one line for SQL, or count it as a duplicate if its content is already known.

        The identity of a fast-path record is the MD5 of its line; its text is stored in
        ``raw_records`` here, once, so that SQL never has to carry it.
        """
        digest = hashlib.md5(text.encode(), usedforsecurity=False).digest()
        if router.known_duplicate(counts, position, digest):
            return
        router.known.add(digest)
        hex_digest = digest.hex()
        self.handle.write(f'{{"f":{counts.index},"p":{position},"h":"{hex_digest}","r":{text}}}\n')
        self.raw_hashes.append(hex_digest)
        self.raw_texts.append(text)
        if len(self.raw_texts) >= RAW_BATCH:
            self._flush_raw()
        self.staged += 1
        self.positions.append(counts.index * FILE_ORDER_SHIFT + position)

    def stage_batch(self, router: Router, counts: FileCounts, first: int, texts: list[str]) -> None:
        """:meth:`stage` for consecutive records (positions ``first``, ``first + 1``…), with one
        write for the batch: the loop of a national file, kept free of per-record calls."""
        known, quarantined = router.known, router.quarantined
        md5 = hashlib.md5
        file_index, base = counts.index, counts.index * FILE_ORDER_SHIFT
        lines = []
        for position, text in enumerate(texts, first):
            if "null" in text:  # never clean: straight to the Python normaliser
                record, error = parse_record(text)
                router.route(counts, position, "marche", record, text if error else None, error)
                continue
            digest = md5(text.encode(), usedforsecurity=False).digest()
            if digest in known or digest in quarantined:
                router.known_duplicate(counts, position, digest)
                continue
            known.add(digest)
            hex_digest = digest.hex()
            lines.append(f'{{"f":{file_index},"p":{position},"h":"{hex_digest}","r":{text}}}\n')
            self.raw_hashes.append(hex_digest)
            self.raw_texts.append(text)
            self.positions.append(base + position)
        self.handle.write("".join(lines))
        self.staged += len(lines)
        if len(self.raw_texts) >= RAW_BATCH:
            self._flush_raw()

    def _flush_raw(self) -> None:
        if not self.raw_texts:
            return
        batch = pa.record_batch(
            [pa.array(self.raw_hashes, pa.string()), pa.array(self.raw_texts, pa.string())],
            schema=RAW_RECORDS,
        )
        self.raw_hashes, self.raw_texts = [], []
        if self.raw_writer is None:
            self.raw_writer = pq.ParquetWriter(
                self.work / "raw_records" / "fast-part.parquet",
                RAW_RECORDS,
                compression="zstd",
                compression_level=1,
            )
        if self.raw_pending is not None:
            self.raw_pending.result()  # one batch in flight at most: memory stays bounded
        self.raw_pending = self.raw_pool.submit(self.raw_writer.write_batch, batch)

    def _close_raw(self) -> None:
        self._flush_raw()
        if self.raw_pending is not None:
            self.raw_pending.result()
        self.raw_pool.shutdown()
        if self.raw_writer is not None:
            self.raw_writer.close()

    def finish(self, router: Router, files: list[FileCounts]) -> None:
        """Normalise the staged records in SQL; hand the ones that are not clean to Python."""
        self.handle.close()
        self._close_raw()
        if not self.staged:
            return
        # On disk: tables of a national file do not fit in the memory budget.
        con = duckdb.connect(str(self.directory / "fast.duckdb"))
        con.execute(
            f"SET temp_directory='{self.directory / 'tmp'}'; SET memory_limit='{DUCKDB_MEMORY}';"
            "SET preserve_insertion_order=false"  # order is explicit (f, p): less memory
        )
        con.execute("CREATE TABLE files (f BIGINT, path VARCHAR, format VARCHAR)")
        con.executemany(
            "INSERT INTO files VALUES (?, ?, ?)", [(c.index, c.path, c.format) for c in files]
        )
        normalise_chunks(con, str(self.path), values.today(), self.work, self.import_id)
        by_index = {c.index: c for c in files}
        self._route_unreadable(con, router, by_index)
        self._route_not_clean(con, router, by_index)
        con.close()
        self.path.unlink(missing_ok=True)

    def _route_not_clean(self, con, router: Router, by_index: dict[int, FileCounts]) -> None:
        """Records that are not clean go to the Python normaliser, with their stored text."""
        where = {
            h: (f, p)
            # (a line DuckDB could not read comes back as a row of nulls: handled as unreadable)
            for f, p, h in con.execute("SELECT f, p, h FROM not_clean").fetchall()
        }
        if not where:
            return
        raw_part = self.work / "raw_records" / "fast-part.parquet"
        con.register("not_clean_hashes", pa.table({"h": pa.array(list(where), pa.string())}))
        cursor = con.execute(
            f"SELECT content_hash, raw FROM read_parquet('{raw_part}') "
            "WHERE content_hash IN (SELECT h FROM not_clean_hashes)"
        )
        found = {}
        while rows := cursor.fetchmany(10_000):
            found.update(rows)
        for h, (file_index, position) in sorted(where.items(), key=lambda kv: kv[1]):
            text = found[h]
            record, error = parse_record(text)
            router.route(
                by_index[file_index],
                position,
                "marche",
                record,
                text if error else None,
                error,
                digest=bytes.fromhex(h),
            )

    def _route_unreadable(self, con, router: Router, by_index: dict[int, FileCounts]) -> None:
        """Lines DuckDB could not read (invalid JSON): found by position, then quarantined (or
        repaired) by the Python path, from their text in the staging file."""
        staged = pa.table({"o": pa.array(self.positions, type=pa.int64())})
        con.register("staged_positions", staged)
        missing = {
            (o // FILE_ORDER_SHIFT, o % FILE_ORDER_SHIFT)
            for (o,) in con.execute(
                f"SELECT o FROM staged_positions ANTI JOIN src ON o = f * {FILE_ORDER_SHIFT} + p"
            ).fetchall()
        }
        con.unregister("staged_positions")
        if not missing:
            return
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                head, _, rest = line.partition(',"r":')
                fields = [x.split(":")[1] for x in head.lstrip("{").split(",")]
                key = (int(fields[0]), int(fields[1]))
                if key in missing:
                    text = rest.rstrip("\n")[:-1]
                    record, error = parse_record(text)
                    router.route(
                        by_index[key[0]],
                        key[1],
                        "marche",
                        record,
                        text if error else None,
                        error,
                        digest=bytes.fromhex(fields[2].strip('"')),
                    )
