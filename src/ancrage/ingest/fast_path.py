"""Staging of the fast path: candidate records written as lines, normalised by chunks.

See :mod:`ancrage.ingest.sql_normalise` for what "clean" means and why. Chunks are normalised in
a thread while the file is still being read, by the compiled normaliser
(:mod:`ancrage.ingest.compiled`) when it is built, by DuckDB SQL otherwise; the records neither
normalises are handed to the Python normaliser by the main thread, chunk after chunk, in
reading order.
"""

from __future__ import annotations

import os
from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.ingest import compiled, lines, values
from ancrage.ingest.json_stream import parse_record
from ancrage.ingest.routing import FILE_ORDER_SHIFT, FileCounts, Router
from ancrage.ingest.sql_normalise import normalise_chunks
from ancrage.warehouse.schema import RAW_RECORDS

DUCKDB_MEMORY = "1GB"
RAW_BATCH = 20_000
# ...or this many bytes of text, whichever comes first: Arrow string offsets are 32-bit, and a
# record may weigh up to json_stream.MAX_RECORD (256 MB).
RAW_BATCH_BYTES = 256 * 1024 * 1024
# Staged lines per SQL chunk: a chunk's tables fit in DUCKDB_MEMORY, so nothing spills to disk
# (one pass over a national file spilled, and took twice as long per record).
CHUNK_LINES = 250_000
# Chunks for the compiled normaliser (ingest/compiled.py), which has no setup per chunk:
# smaller, they leave less work after the end of the reading (measured in alternation on 1.5 M
# contracts: 20.17, 19.72 and 19.07 s against 20.49 s three times with 250,000).
COMPILED_CHUNK_LINES = 100_000
# The first chunk is smaller: DuckDB starts working after a second of reading instead of four
# (both cores busy sooner).
FIRST_CHUNK_SHARE = 5


def sql_path_enabled() -> bool:
    """``ANCRAGE_SQL_NORMALISE=0`` sends every record to the Python normaliser (for tests)."""
    return os.environ.get("ANCRAGE_SQL_NORMALISE", "1") != "0"


@dataclass
class _Chunk:
    """A staging file: lines of one kind of contract (marchés, or concessions of a 2022
    envelope), CHUNK_LINES of them at most (the import's first chunk fewer)."""

    number: int
    path: Path
    kind: str
    handle: BinaryIO
    written: int = 0  # bytes
    staged: int = 0  # lines
    # Of each line: file * FILE_ORDER_SHIFT + position, and where the line starts in the file.
    # Saved beside the chunk when it is full, so that memory does not grow with the file (16
    # bytes per record otherwise).
    positions: array = field(default_factory=lambda: array("q"))
    offsets: array = field(default_factory=lambda: array("q"))


class FastPath:
    def __init__(self, work: Path, import_id: str, files: list[FileCounts]) -> None:
        self.directory = work / "fast"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.files = files  # the import's files, as they are read
        self.chunks: list[_Chunk] = []  # every chunk, in the order they were opened
        # The chunk being written for each kind: a file's concessions follow its marchés, and
        # each kind fills its own chunks, so that a folder of small files does not cut the
        # chunks short at every change of list.
        self.open: dict[str, _Chunk] = {}
        self.total_staged = 0
        # A full chunk is normalised by DuckDB (which releases the GIL) in this thread while
        # the main thread reads on: the two cores work at once. Its results (the records to
        # hand to Python) are routed by the main thread in :meth:`finish`, in order.
        self.sql_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sql-chunks")
        self.sql_pending: list[tuple[int, Future]] = []  # (chunk number, its normalisation)
        self.duck: duckdb.DuckDBPyConnection | None = None
        # Texts to store, as staged: (hex digests joined, UTF-8 texts joined, their lengths).
        self.raw_parts: list[tuple[bytes, bytes, np.ndarray]] = []
        self.raw_count = 0
        self.raw_bytes = 0
        self.raw_writer: pq.ParquetWriter | None = None
        # Compressing the raw texts releases the GIL: a thread does it while reading goes on.
        self.raw_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="raw-records")
        self.raw_pending: Future | None = None
        (work / "raw_records").mkdir(parents=True, exist_ok=True)
        self.work = work
        self.import_id = import_id

    def _chunk_for(self, kind: str) -> _Chunk:
        chunk = self.open.get(kind)
        if chunk is None:
            number = len(self.chunks)
            path = self.directory / f"records-{number}.ndjson"
            chunk = _Chunk(number, path, kind, open(path, "wb"))
            self.chunks.append(chunk)
            self.open[kind] = chunk
        return chunk

    def _close_chunk(self, chunk: _Chunk) -> None:
        """Close a chunk being written, save its index and hand it to DuckDB."""
        chunk.handle.close()
        del self.open[chunk.kind]
        if chunk.staged:
            index = np.stack(
                [np.frombuffer(chunk.positions, np.int64), np.frombuffer(chunk.offsets, np.int64)]
            )
            np.save(self._index_path(chunk.number), index)
            self._submit_chunk(chunk, index[0])
        chunk.positions, chunk.offsets = array("q"), array("q")

    def _index_path(self, number: int) -> Path:
        return self.chunks[number].path.with_suffix(".index.npy")

    def stage_batch(
        self,
        router: Router,
        counts: FileCounts,
        first: int,
        texts: list[bytes],
        kind: str | None = "marche",
    ) -> None:
        """Stage consecutive records given as separate UTF-8 texts (records read one by one)."""
        lengths = np.array([len(text) for text in texts], np.int64)
        ends = np.cumsum(lengths)
        spans = np.stack([ends - lengths, ends], axis=1)
        self.stage_block(router, counts, first, b"".join(texts), spans, kind)

    def stage_block(
        self,
        router: Router,
        counts: FileCounts,
        first: int,
        block: bytes,
        spans: np.ndarray,
        kind: str | None = "marche",
    ) -> None:
        """Stage consecutive records (positions ``first``, ``first + 1``…), the texts of
        ``block`` at ``spans``, for SQL, or count them as duplicates if their content is already
        known; one write for the batch. The per-record work (digests, chunk lines) is done by
        :mod:`ancrage.ingest.lines`: this runs once per record of a national file.

        ``kind``: what the envelope says the records are (``concession``, ``marche``), or None
        for a file without envelope (staged with the marchés, the SQL path tells them apart).

        The identity of a fast-path record is the MD5 of its line; its text is stored in
        ``raw_records`` here, once, so that SQL never has to carry it.
        """
        known, quarantined = router.known, router.quarantined
        hint = _hint(kind, counts)
        digests, nulls = lines.digest(block, spans)
        listed = [digests[i : i + 16] for i in range(0, len(digests), 16)]
        keep = bytearray(len(listed))
        # Digests already known before this batch are found by vectorised searches; those of
        # this batch (and the newest) are in ``known.recent``, which stays put meanwhile.
        with known.held(), quarantined.held():
            recent = known.recent
            add_recent = recent.add
            seen = known.in_sorted(digests).tolist()
            in_quarantine = quarantined.membership()
            for i, (digest, old, null) in enumerate(zip(listed, seen, nulls, strict=True)):
                if null:  # a ``null`` is never clean: straight to the Python normaliser
                    start, end = spans[i].tolist()
                    decoded = block[start:end].decode()
                    record, error = parse_record(decoded)
                    router.route(
                        counts,
                        first + i,
                        hint,
                        record,
                        decoded if error else None,
                        error,
                    )
                    continue
                if old or digest in recent or in_quarantine(digest):
                    router.known_duplicate(counts, first + i, digest)
                    continue
                add_recent(digest)
                keep[i] = 1
        staged_lines, starts, hexes, texts = lines.stage(
            block, spans, bytes(keep), digests, counts.index, first
        )
        kept = np.flatnonzero(np.frombuffer(keep, np.uint8))
        chunk = self._chunk_for("concession" if kind == "concession" else "marche")
        chunk.offsets.frombytes((starts + chunk.written).astype(np.int64).tobytes())
        orders = kept + (first + counts.index * FILE_ORDER_SHIFT)
        chunk.positions.frombytes(orders.astype(np.int64).tobytes())
        self._add_raw(hexes, texts, spans[kept, 1] - spans[kept, 0])
        chunk.handle.write(staged_lines)
        chunk.written += len(staged_lines)
        chunk.staged += len(kept)
        self.total_staged += len(kept)
        size = COMPILED_CHUNK_LINES if compiled.available() else CHUNK_LINES
        limit = size // FIRST_CHUNK_SHARE if chunk.number == 0 else size
        if chunk.staged >= limit:
            self._close_chunk(chunk)

    @staticmethod
    def _staged_text(handle, index: np.ndarray, order: int) -> tuple[str, str]:
        """(text, hex digest) of a staged line of a chunk, found by its read order in the chunk's
        index (orders grow in reading order) and read at its offset in the chunk file."""
        at = int(np.searchsorted(index[0], order))
        handle.seek(int(index[1][at]))
        line = handle.readline()
        head, _, rest = line.partition(b',"r":')
        return rest[:-2].decode(), head[-33:-1].decode()

    def _add_raw(self, hexes: bytes, texts: bytes, lengths: np.ndarray) -> None:
        if len(lengths):
            self.raw_parts.append((hexes, texts, lengths))
            self.raw_count += len(lengths)
            self.raw_bytes += len(texts)
        if self.raw_count >= RAW_BATCH or self.raw_bytes >= RAW_BATCH_BYTES:
            self._flush_raw()

    def _flush_raw(self) -> None:
        if not self.raw_parts:
            return
        parts, self.raw_parts, self.raw_count, self.raw_bytes = self.raw_parts, [], 0, 0
        lengths = np.concatenate([part[2] for part in parts])
        batch = pa.record_batch(
            [
                _string_array(b"".join(part[0] for part in parts), np.full(len(lengths), 32)),
                _string_array(b"".join(part[1] for part in parts), lengths),
            ],
            schema=RAW_RECORDS,
        )
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

    def _submit_chunk(self, chunk: _Chunk, positions: np.ndarray) -> None:
        # At most one chunk waits behind the one being normalised: memory stays bounded.
        if len(self.sql_pending) >= 2:
            self.sql_pending[-2][1].result()
        files = [(c.index, c.path, c.format) for c in self.files]
        unhinted = [c.index for c in self.files if c.fast_kind is None]
        future = self.sql_pool.submit(
            self._normalise_chunk, chunk.number, chunk.kind, files, positions, unhinted
        )
        self.sql_pending.append((chunk.number, future))

    def finish(self, router: Router, files: list[FileCounts]) -> None:
        """Normalise the last chunk, wait for all; hand the records that are not clean (or that
        DuckDB could not read) to the Python normaliser, in reading order."""
        for chunk in list(self.open.values()):
            self._close_chunk(chunk)
        self._close_raw()
        by_index = {c.index: c for c in files}
        try:
            # Each chunk's records are routed as soon as it is done, while DuckDB works on the
            # next one.
            for number, future in self.sql_pending:
                missing, not_clean = future.result()
                index = np.load(self._index_path(number))
                kind = self.chunks[number].kind
                with open(self.chunks[number].path, "rb") as handle:
                    self._route_staged(router, by_index, handle, index, missing, kind)
                    self._route_staged(router, by_index, handle, index, not_clean, kind)
        finally:
            self.sql_pool.shutdown(cancel_futures=True)
            if self.duck is not None:
                self.duck.close()
        for chunk in self.chunks:
            chunk.path.unlink(missing_ok=True)
            self._index_path(chunk.number).unlink(missing_ok=True)

    def _normalise_chunk(
        self,
        number: int,
        kind: str,
        files: list[tuple],
        positions: np.ndarray,
        unhinted: list[int],
    ) -> tuple:
        """(unreadable lines, records not clean) of one chunk, as read orders (file index *
        FILE_ORDER_SHIFT + position), after its clean records' rows are written to the staging
        Parquet parts."""
        if compiled.available():
            # (the C module reads every line: none is missing, those it does not accept are
            # handed back with the records that are not clean)
            back = compiled.normalise_chunk(
                self.chunks[number].path,
                values.today(),
                self.work,
                self.import_id,
                number,
                files,
                unhinted,
                kind,
            )
            return np.empty(0, np.int64), back
        con = self._chunk_connection()
        try:
            con.execute("CREATE TABLE files (f BIGINT, path VARCHAR, format VARCHAR)")
            con.executemany("INSERT INTO files VALUES (?, ?, ?)", files)
            path = str(self.chunks[number].path)
            normalise_chunks(
                con, path, values.today(), self.work, self.import_id, number, unhinted, kind
            )
            # A line DuckDB could not read (invalid JSON) is missing from src.
            con.register("staged_positions", pa.table({"o": pa.array(positions, pa.int64())}))
            # (as NumPy arrays of read orders, 8 bytes each: they wait until the end of reading)
            missing = con.execute(
                f"""SELECT o FROM staged_positions
                    ANTI JOIN src ON o = f * {FILE_ORDER_SHIFT} + p ORDER BY o"""
            ).fetchnumpy()["o"]
            not_clean = con.execute(
                f"SELECT f * {FILE_ORDER_SHIFT} + p AS o FROM not_clean ORDER BY o"
            ).fetchnumpy()["o"]
            return np.asarray(missing, np.int64), np.asarray(not_clean, np.int64)
        finally:
            con.unregister("staged_positions")
            _drop_all(con)

    def _chunk_connection(self) -> duckdb.DuckDBPyConnection:
        """One DuckDB for every chunk (emptied after each): its memory, once obtained from the
        system, is reused instead of being mapped and zeroed again for every chunk."""
        if self.duck is None:
            self.duck = duckdb.connect()
            self.duck.execute(
                f"SET temp_directory='{self.directory / 'tmp'}';"
                f"SET memory_limit='{DUCKDB_MEMORY}';"
                "SET preserve_insertion_order=false"  # order is explicit (f, p): less memory
            )
        return self.duck

    def _route_staged(self, router, by_index, handle, index, orders: np.ndarray, kind: str) -> None:
        for order in orders.tolist():
            file_index, position = divmod(order, FILE_ORDER_SHIFT)
            text, hex_digest = self._staged_text(handle, index, order)
            record, error = parse_record(text)
            counts = by_index[file_index]
            router.route(
                counts,
                position,
                _hint(kind, counts),
                record,
                text if error else None,
                error,
                digest=bytes.fromhex(hex_digest),
            )


def _hint(kind: str | None, counts: FileCounts) -> str | None:
    """The kind the Python normaliser is told when a staged record goes back to it: what the
    envelope said (None: a file without envelope, the normaliser tells)."""
    return "concession" if kind == "concession" else counts.fast_kind


def _string_array(joined: bytes, lengths: np.ndarray) -> pa.Array:
    """An Arrow string array made of one joined buffer and its offsets: several times faster
    than converting each object. The values are UTF-8 already (encoded from decoded text)."""
    offsets = np.zeros(len(lengths) + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])  # (below 2 GiB: see RAW_BATCH_BYTES)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(joined)]
    return pa.Array.from_buffers(pa.string(), len(lengths), buffers)


def _drop_all(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the views and tables a chunk created (the next chunk creates them again)."""
    objects = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    for name, kind in sorted(objects, key=lambda o: o[1] != "VIEW"):  # views first
        con.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} IF EXISTS "{name}"')
