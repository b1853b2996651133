"""``ancrage import``: read every source, route every record, publish a new snapshot.

Each input record ends in exactly one place: loaded (with its quality issues), quarantined (kept
verbatim with a reason) or counted as a duplicate (see :mod:`ancrage.ingest.routing` and
:mod:`ancrage.ingest.finalise`). Nothing is visible to readers until the new snapshot is
complete; an interruption leaves the previous one in service.
"""

from __future__ import annotations

import gc
import hashlib
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import orjson
import pyarrow as pa

from ancrage import config
from ancrage.ingest import detect, finalise
from ancrage.ingest.digests import DigestSet
from ancrage.ingest.fast_path import FastPath, sql_path_enabled
from ancrage.ingest.json_stream import JsonBatch, JsonFormatError, parse_record, read_json
from ancrage.ingest.routing import FileCounts, Router
from ancrage.ingest.sources import InputFile, SourceError, expand
from ancrage.ingest.staging import StagingWriter
from ancrage.ingest.tabular import read_tabular
from ancrage.ingest.xml_stream import XmlFormatError, read_xml
from ancrage.warehouse import snapshot as snap

QUARANTINE_REASONS = {
    "unparseable": "Enregistrement illisible (JSON ou XML invalide), conservé tel quel.",
    "not_an_object": "L'élément lu n'est pas un objet marché ou concession.",
    "no_buyer": "Aucun identifiant d'acheteur : impossible de savoir qui a passé ce contrat.",
    "no_contract_id": "Identifiant du contrat absent ou nul : impossible de l'identifier.",
    "unreadable_file": "Fichier illisible ou dans un format inconnu, conservé tel quel.",
}
JSON_FORMATS = {"2019": "decp-2019-json", "2022": "decp-2022-json"}


def run_import(
    sources: list[str],
    data_dir: Path | None = None,
    on_file: Callable[[str, int | None], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Import ``sources`` into a new snapshot and return the import report."""
    root = data_dir or config.data_dir()
    root.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    previous = snap.current(root)
    target = snap.staging_dir(root)
    work = target / "_staging"
    thresholds = gc.get_threshold()
    # Records are acyclic: reference counting frees them, frequent cycle scans only cost time.
    gc.set_threshold(100_000, 50, 100)
    try:
        writer = StagingWriter(work)
        router = Router(target.name, writer, *_known_hashes(previous))
        files: list[FileCounts] = []
        fast = FastPath(work, target.name, files) if sql_path_enabled() else None
        for source in sources:
            for input_file in expand(source):
                counts = FileCounts(input_file.display, index=len(files))
                files.append(counts)
                if on_file:
                    on_file(input_file.display, input_file.size)
                _read_file(router, input_file, counts, work, fast, on_progress)
        if fast is not None:
            fast.finish(router, files)
        writer.flush()
        router.known.clear()  # no longer needed: give the memory to the final step
        report = finalise.build_snapshot(
            previous, target, work, writer, files, target.name, started
        )
        shutil.rmtree(work, ignore_errors=True)
        snap.write_manifest(target, "import DECP", {"imports": report.pop("_history")})
        snap.publish(target, root)
        return report
    except BaseException:
        # Ctrl-C, crash, bad source: the current snapshot is untouched; drop the partial one.
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        gc.set_threshold(*thresholds)


def _known_hashes(previous: snap.Snapshot | None) -> tuple[DigestSet, DigestSet]:
    # (a set of bytes would cost 110 bytes per record; both are bounded: see digests.py)
    known, quarantined = DigestSet(), DigestSet()
    if previous is None:
        return known, quarantined
    con = duckdb.connect()
    for table, bucket in (("contracts", known), ("duplicates", known), ("quarantine", quarantined)):
        path = previous.source(table)
        if path is None:
            continue
        hashes = con.sql(
            f"SELECT content_hash FROM read_parquet('{path}') WHERE content_hash <> ''"
        ).to_arrow_reader(1 << 17)
        for batch in hashes:
            bucket.update_joined(_hex_digests(batch.column(0)))
    con.close()
    return known, quarantined


def _hex_digests(column: pa.Array) -> bytes:
    """The digests of a column of hex digests (32 characters each), joined: decoded at once
    from the column's buffer (one Python object per digest took 3 s for a national warehouse)."""
    if not len(column):
        return b""
    column = column.cast(pa.large_string())
    offsets = np.frombuffer(column.buffers()[1], np.int64, len(column) + 1, column.offset * 8)
    if not (np.diff(offsets) == 32).all():
        raise ValueError("une empreinte de contenu s'écrit en 32 chiffres hexadécimaux")
    text = column.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    return bytes.fromhex(text.to_pybytes().decode("ascii"))


class _Counting:
    """A binary stream that reports how many bytes were read (for the progress bar)."""

    def __init__(self, stream: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self.stream, self.progress = stream, progress

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        if self.progress and chunk:
            self.progress(len(chunk))
        return chunk


def _read_file(
    router: Router,
    input_file: InputFile,
    counts: FileCounts,
    work: Path,
    fast: FastPath | None,
    progress,
) -> None:
    try:
        with input_file.open() as raw_stream:
            head = raw_stream.read(64 * 1024)
        kind = detect.sniff(head)
    except (detect.UnknownFormat, OSError, SourceError) as error:
        _quarantine_file(router, input_file, counts, str(error))
        return
    try:
        if kind == "json":
            _read_json(router, input_file, counts, fast, progress)
            if counts.records_read == 0 and counts.format == "decp-json":
                message = "Aucun marché trouvé : ce JSON n'a pas l'enveloppe DECP « marches »."
                _quarantine_file(router, input_file, counts, message)
        elif kind == "xml":
            _route_all(router, counts, _xml_items(input_file, counts, progress))
        else:
            counts.format = "tabular-parquet" if kind == "parquet" else "tabular-csv"
            path = _local_copy(input_file, work)
            items = read_tabular(path, kind == "parquet", work, head.decode("utf-8", "replace"))
            _route_all(
                router,
                counts,
                ((i.position, None, i.record, i.raw, None, i.weight, i.issues) for i in items),
            )
    except (JsonFormatError, XmlFormatError, duckdb.Error) as error:
        # Records read so far stay routed; the rest of the file is not readable record by record.
        counts.error = str(error)


def _read_json(
    router: Router, input_file: InputFile, counts: FileCounts, fast: FastPath | None, progress
) -> None:
    """Route every record of a JSON file: candidates for the SQL fast path are staged as lines,
    the others (2019 format, concessions, ``null`` values…) go to the Python normaliser now, or,
    from a file without envelope, once the SQL path has declined them."""
    info: dict = {}
    # Records read one by one (an indented file: most buyers' files) but bound for the fast path
    # are staged by the thousand, as lines are: staged one at a time, they cost 27 µs each.
    # They are consecutive, and any other record is routed only after them: same order as ever.
    staged = _Staged(router, counts, fast)
    with input_file.open() as stream, staged:
        for item in read_json(_Counting(stream, progress), info, split=fast is not None):
            if counts.format == "inconnu" and "envelope" in info:
                counts.format = JSON_FORMATS.get(info["envelope"], "decp-json")
                counts.fast_kind = "marche" if info["envelope"] == "2022" else None
            if isinstance(item, JsonBatch):
                staged.flush()
                counts.records_read += len(item)
                _route_batch(router, counts, fast, item, info)
                continue
            counts.records_read += 1
            text, record = item.text, item.record
            if fast is not None and item.error is None and _fast_candidate(item.kind, info):
                # (a record with a ``null`` goes on to the Python normaliser from there)
                if text is not None:
                    staged.add(item.position, text.encode(), item.kind)
                    continue
                if isinstance(record, dict):  # parsed by the slow path: staged compact
                    staged.add(item.position, orjson.dumps(record), item.kind)
                    continue
            staged.flush()
            raw, error = item.raw, item.error
            if record is None and error is None:
                record, error = parse_record(text)
                raw = text if error else None
            router.route(counts, item.position, item.kind, record, raw, error)
    if counts.format == "inconnu":
        counts.format = JSON_FORMATS.get(info.get("envelope"), "decp-json")


class _Staged:
    """Consecutive records waiting to be staged for the fast path together."""

    LIMIT = 4096

    def __init__(self, router: Router, counts: FileCounts, fast: FastPath | None) -> None:
        self.router, self.counts, self.fast = router, counts, fast
        self.first = 0
        self.kind: str | None = None
        self.texts: list[bytes] = []

    def add(self, position: int, text: bytes, kind: str | None) -> None:
        if self.texts and kind != self.kind:
            self.flush()
        if not self.texts:
            self.first, self.kind = position, kind
        self.texts.append(text)
        if len(self.texts) >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.texts:
            texts, self.texts = self.texts, []
            self.fast.stage_batch(self.router, self.counts, self.first, texts, self.kind)

    def __enter__(self) -> _Staged:
        return self

    def __exit__(self, *exc) -> None:
        # Also when the file turns out truncated or malformed further on: the records read
        # before are counted, so they must be staged (nothing read is lost).
        self.flush()


def _fast_candidate(kind: str | None, info: dict) -> bool:
    """Marchés and concessions of a 2022 envelope, and the records of a file without envelope
    (a list, or one record per line): the only records the SQL path may normalise. The SQL
    path takes of the latter only plain 2022 marchés (see ``sql_normalise``); the others go
    back to Python."""
    envelope = info.get("envelope")
    return (kind in ("marche", "concession") and envelope == "2022") or (
        kind is None and envelope == "none"
    )


def _route_batch(
    router: Router, counts: FileCounts, fast: FastPath, batch: JsonBatch, info: dict
) -> None:
    if _fast_candidate(batch.kind, info):
        fast.stage_block(router, counts, batch.first, batch.block, batch.spans, batch.kind)
        return
    for position, encoded in enumerate(batch.texts, batch.first):
        text = encoded.decode()
        record, error = parse_record(text)
        router.route(counts, position, batch.kind, record, text if error else None, error)


def _local_copy(input_file: InputFile, work: Path) -> Path:
    if input_file.local_path is not None:
        return input_file.local_path
    target = work / f"input-{hashlib.sha256(input_file.display.encode()).hexdigest()[:16]}"
    with input_file.open() as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def _xml_items(input_file: InputFile, counts: FileCounts, progress) -> Iterator[tuple]:
    with input_file.open() as stream:
        for item in read_xml(_Counting(stream, progress)):
            if counts.format == "inconnu":
                counts.format = detect.xml_format(item.record)
            yield item.position, item.kind, item.record, item.raw, item.error, 1, None
    if counts.format == "inconnu":
        counts.format = "decp-xml"


def _route_all(router: Router, counts: FileCounts, items: Iterator[tuple]) -> None:
    for position, kind, record, raw, error, weight, extra_issues in items:
        counts.records_read += weight
        router.route(counts, position, kind, record, raw, error, weight, extra_issues)


def _quarantine_file(
    router: Router, input_file: InputFile, counts: FileCounts, message: str
) -> None:
    """A whole file that no reader understands: kept verbatim (up to 50 MB) with the reason."""
    try:
        with input_file.open() as stream:
            raw = stream.read(50 * 1024 * 1024).decode("utf-8", errors="replace")
    except OSError as error:
        raw = f"<illisible : {error}>"
    counts.records_read += 1
    counts.error = message
    digest = hashlib.blake2b(raw.encode(), digest_size=16).digest()
    explanation = f"{QUARANTINE_REASONS['unreadable_file']} {message}"
    router.quarantine(counts, 0, digest, "unreadable_file", explanation, raw, 1)
