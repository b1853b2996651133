"""``ancrage import``: read every source, route every record, publish a new snapshot.

Each input record ends in exactly one place: loaded (with its quality issues), quarantined (kept
verbatim with a reason) or counted as a duplicate. The routing is decided here for exact
duplicates and unrepresentable records, and in :mod:`ancrage.ingest.finalise` for revisions,
which need every candidate of a contract to be known.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import orjson

from ancrage import config
from ancrage.ingest import detect, finalise
from ancrage.ingest.json_stream import JsonFormatError, read_json
from ancrage.ingest.normalise import Rejected, normalise
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
_SYNTAX = {"json": "json", "xml": "xml", "csv": "tabular", "parquet": "tabular"}
FILE_ORDER_SHIFT = 1 << 40  # _order = file index * shift + position: later files rank later


@dataclass
class FileCounts:
    path: str
    format: str = "inconnu"
    records_read: int = 0
    index: int = 0
    error: str | None = None


@dataclass
class ImportContext:
    import_id: str
    writer: StagingWriter
    known: set[bytes]  # content hashes already loaded or counted as duplicates
    quarantined: set[bytes]  # content hashes already quarantined
    files: list[FileCounts] = field(default_factory=list)
    progress: Callable[[int], None] | None = None


def content_hash(record: Any) -> tuple[bytes, str]:
    try:
        canonical = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits, for instance
        canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.blake2b(canonical, digest_size=16).digest(), canonical.decode()


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
    try:
        writer = StagingWriter(work)
        known, quarantined = _known_hashes(previous)
        ctx = ImportContext(target.name, writer, known, quarantined, progress=on_progress)
        for source in sources:
            for input_file in expand(source):
                counts = FileCounts(input_file.display, index=len(ctx.files))
                ctx.files.append(counts)
                if on_file:
                    on_file(input_file.display, input_file.size)
                _read_file(ctx, input_file, counts, work)
        writer.flush()
        report = finalise.build_snapshot(previous, target, work, ctx, started)
        shutil.rmtree(work, ignore_errors=True)
        snap.write_manifest(target, "import DECP", {"imports": report["_history"]})
        del report["_history"]
        snap.publish(target, root)
        return report
    except BaseException:
        # Ctrl-C, crash, bad source: the current snapshot is untouched; drop the partial one.
        shutil.rmtree(target, ignore_errors=True)
        raise


def _known_hashes(previous: snap.Snapshot | None) -> tuple[set[bytes], set[bytes]]:
    if previous is None:
        return set(), set()
    known: set[bytes] = set()
    quarantined: set[bytes] = set()
    con = duckdb.connect()
    for table, bucket in (("contracts", known), ("duplicates", known), ("quarantine", quarantined)):
        path = previous.table_path(table)
        if not path.exists():
            continue
        cursor = con.execute(f"SELECT content_hash FROM read_parquet('{path}')")
        while rows := cursor.fetchmany(100_000):
            bucket.update(bytes.fromhex(r[0]) for r in rows if r[0])
    con.close()
    return known, quarantined


class _Counting:
    """A binary stream that reports how many bytes were read (for the progress bar)."""

    def __init__(self, stream: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self.stream, self.progress = stream, progress

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        if self.progress and chunk:
            self.progress(len(chunk))
        return chunk


def _read_file(ctx: ImportContext, input_file: InputFile, counts: FileCounts, work: Path) -> None:
    try:
        with input_file.open() as raw_stream:
            head = raw_stream.read(64 * 1024)
        kind = detect.sniff(head)
    except (detect.UnknownFormat, OSError, SourceError) as error:
        _quarantine_file(ctx, input_file, counts, str(error))
        return
    try:
        if kind == "json":
            _route_all(ctx, counts, _json_items(ctx, input_file, counts))
            if counts.records_read == 0 and counts.format == "decp-json":
                _quarantine_file(
                    ctx,
                    input_file,
                    counts,
                    "Aucun marché trouvé : ce JSON n'a pas l'enveloppe DECP « marches ».",
                )
        elif kind == "xml":
            _route_all(ctx, counts, _xml_items(ctx, input_file, counts))
        else:
            counts.format = "tabular-parquet" if kind == "parquet" else "tabular-csv"
            path = _local_copy(input_file, work)
            items = read_tabular(path, kind == "parquet", work, head.decode("utf-8", "replace"))
            _route_all(
                ctx,
                counts,
                ((i.position, None, i.record, i.raw, None, i.weight, i.issues) for i in items),
            )
    except (JsonFormatError, XmlFormatError, duckdb.Error) as error:
        counts.error = str(error)
        _quarantine_file(ctx, input_file, counts, str(error), partial=True)


def _local_copy(input_file: InputFile, work: Path) -> Path:
    if input_file.local_path is not None:
        return input_file.local_path
    target = work / f"input-{abs(hash(input_file.display))}"
    with input_file.open() as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return target


def _json_items(ctx: ImportContext, input_file: InputFile, counts: FileCounts) -> Iterator[tuple]:
    info: dict = {}
    with input_file.open() as stream:
        for item in read_json(_Counting(stream, ctx.progress), info):
            if counts.format == "inconnu":
                counts.format = {"2019": "decp-2019-json", "2022": "decp-2022-json"}.get(
                    info.get("envelope"), "decp-json"
                )
            yield item.position, item.kind, item.record, item.raw, item.error, 1, None
    if counts.format == "inconnu":
        counts.format = {"2019": "decp-2019-json", "2022": "decp-2022-json"}.get(
            info.get("envelope"), "decp-json"
        )


def _xml_items(ctx: ImportContext, input_file: InputFile, counts: FileCounts) -> Iterator[tuple]:
    with input_file.open() as stream:
        for item in read_xml(_Counting(stream, ctx.progress)):
            if counts.format == "inconnu":
                counts.format = detect.xml_format(item.record)
            yield item.position, item.kind, item.record, item.raw, item.error, 1, None
    if counts.format == "inconnu":
        counts.format = "decp-xml"


def _route_all(ctx: ImportContext, counts: FileCounts, items: Iterator[tuple]) -> None:
    for position, kind, record, raw, error, weight, extra_issues in items:
        counts.records_read += weight
        _route(ctx, counts, position, kind, record, raw, error, weight, extra_issues)
        ctx.writer.maybe_flush()


def _route(ctx, counts, position, kind, record, raw, error, weight, extra_issues) -> None:
    writer = ctx.writer
    if error is not None:
        digest = hashlib.blake2b(raw.encode(), digest_size=16).digest()
        _quarantine(ctx, counts, position, digest, "unparseable", error, raw, weight)
        return
    digest, canonical = content_hash(record)
    hex_digest = digest.hex()
    if digest in ctx.quarantined:
        writer.add(
            "duplicates", _dup_row(ctx, counts, position, hex_digest, "already_quarantined", weight)
        )
        return
    if digest in ctx.known:
        writer.add(
            "duplicates", _dup_row(ctx, counts, position, hex_digest, "same_content", weight)
        )
        return
    try:
        result = normalise(record, kind, _SYNTAX[counts.format.split("-")[-1]])
    except Rejected as rejected:
        _quarantine(
            ctx,
            counts,
            position,
            digest,
            rejected.reason,
            rejected.explanation,
            raw or canonical,
            weight,
        )
        return
    ctx.known.add(digest)
    contract = result.contract
    contract_id = hashlib.blake2b(result.revision_key.encode(), digest_size=8).hexdigest()
    last_publication = max(
        (
            d
            for d in [
                contract["publication_date"],
                *(m["publication_date"] for m in result.modifications),
            ]
            if d
        ),
        default=None,
    )
    contract.update(
        contract_id=contract_id,
        source_format=counts.format,
        source_file=counts.path,
        source_position=position,
        content_hash=hex_digest,
        import_id=ctx.import_id,
        _order=counts.index * FILE_ORDER_SHIFT + position,
        _file=counts.index,
        _rows=weight,
        _last_publication=last_publication,
    )
    writer.add("contracts", contract)
    for row in result.awardees:
        row["contract_id"], row["content_hash"] = contract_id, hex_digest
    writer.extend("awardees", result.awardees)
    for row in result.modifications:
        row["contract_id"], row["content_hash"] = contract_id, hex_digest
    writer.extend("modifications", result.modifications)
    issues = list(extra_issues or ()) + result.issues
    buyer_id = contract["buyer_id"]
    writer.extend(
        "quality_issues",
        [
            {
                "contract_id": contract_id,
                "buyer_id": buyer_id,
                "field": f,
                "value": v,
                "rule": r,
                "content_hash": hex_digest,
            }
            for f, v, r in issues
        ],
    )
    writer.add("raw_records", {"content_hash": hex_digest, "raw": raw or canonical})


def _dup_row(ctx, counts, position, hex_digest, rule, weight) -> dict:
    return {
        "import_id": ctx.import_id,
        "source_file": counts.path,
        "source_format": counts.format,
        "source_position": position,
        "content_hash": hex_digest,
        "rule": rule,
        "duplicate_of": None,  # filled by finalise from the kept record
        "raw": None,  # same content as the kept record
        "rows": weight,
        "_file": counts.index,
    }


def _quarantine(ctx, counts, position, digest, reason, explanation, raw, weight) -> None:
    if digest in ctx.quarantined:
        ctx.writer.add(
            "duplicates",
            _dup_row(ctx, counts, position, digest.hex(), "already_quarantined", weight),
        )
        return
    ctx.quarantined.add(digest)
    ctx.writer.add(
        "quarantine",
        {
            "import_id": ctx.import_id,
            "source_file": counts.path,
            "source_format": counts.format,
            "source_position": position,
            "content_hash": digest.hex(),
            "reason": reason,
            "explanation": explanation,
            "raw": raw,
            "rows": weight,
            "_file": counts.index,
        },
    )


def _quarantine_file(
    ctx, input_file: InputFile, counts: FileCounts, message: str, partial: bool = False
) -> None:
    """A whole file (or the unreadable rest of it) that no reader understands: kept verbatim."""
    if partial:
        # Records already read stay routed; the error is reported on the file.
        return
    try:
        with input_file.open() as stream:
            content = stream.read(50 * 1024 * 1024)
        raw = content.decode("utf-8", errors="replace")
    except OSError as error:
        raw = f"<illisible : {error}>"
    counts.records_read += 1
    counts.error = message
    digest = hashlib.blake2b(raw.encode(), digest_size=16).digest()
    _quarantine(
        ctx,
        counts,
        0,
        digest,
        "unreadable_file",
        f"{QUARANTINE_REASONS['unreadable_file']} {message}",
        raw,
        1,
    )
