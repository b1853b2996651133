"""Where one record goes: loaded, quarantined, or counted as a duplicate.

A :class:`Router` is used by the importing process and by each worker process of a parallel
import; it decides what it can alone (exact duplicates it has seen, unrepresentable records) and
stages rows for :mod:`ancrage.ingest.finalise`, which settles revisions and the duplicates that
only appear when the stagings of several workers are put together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import orjson

from ancrage.ingest.digests import DigestSet
from ancrage.ingest.normalise import Rejected, normalise
from ancrage.ingest.staging import StagingWriter

FILE_ORDER_SHIFT = 1 << 40  # _order = file index * shift + position: later files rank later
_SYNTAX = {"json": "json", "xml": "xml", "csv": "tabular", "parquet": "tabular"}


@dataclass
class FileCounts:
    path: str
    format: str = "inconnu"
    records_read: int = 0
    index: int = 0
    error: str | None = None
    # What the fast path's records of this file are said to be: marchés (a 2022 envelope), or
    # None when the file has no envelope and the normaliser tells each record's kind.
    fast_kind: str | None = "marche"

    @property
    def syntax(self) -> str:
        return _SYNTAX.get(self.format.rsplit("-", 1)[-1], "json")


def content_hash(record: Any) -> tuple[bytes, str]:
    """blake2b-128 of the record with sorted keys, and that canonical text."""
    try:
        canonical = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits, for instance
        canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.blake2b(canonical, digest_size=16).digest(), canonical.decode()


def revision_id(revision_key: str) -> str:
    """The contract id: 16 hex digits of the MD5 of the revision key (SQL has md5 too)."""
    return hashlib.md5(revision_key.encode(), usedforsecurity=False).hexdigest()[:16]


class Router:
    def __init__(
        self, import_id: str, writer: StagingWriter, known: DigestSet, quarantined: DigestSet
    ) -> None:
        self.import_id = import_id
        self.writer = writer
        # Content hashes already loaded or counted as duplicates, and already quarantined. Both
        # sets are bounded: past their capacity, finalise finds the duplicates they let through.
        self.known = known
        self.quarantined = quarantined

    def route(
        self,
        counts: FileCounts,
        position: int,
        kind: str | None,
        record: Any,
        raw: str | None,
        error: str | None,
        weight: int = 1,
        extra_issues: list | None = None,
        digest: bytes | None = None,
    ) -> None:
        """Route one record. ``digest`` is given for records of the SQL fast path: their identity
        is the MD5 of their line, already checked for duplicates, their text already stored."""
        if error is not None:
            digest = digest or hashlib.blake2b(raw.encode(), digest_size=16).digest()
            self.quarantine(counts, position, digest, "unparseable", error, raw, weight)
            return
        stored = digest is not None
        if stored:
            canonical = None
        else:
            digest, canonical = content_hash(record)
        if digest in self.quarantined:
            self._duplicate(counts, position, digest.hex(), "already_quarantined", weight)
            return
        if not stored and digest in self.known:
            self._duplicate(counts, position, digest.hex(), "same_content", weight)
            return
        try:
            result = normalise(record, kind, counts.syntax)
        except Rejected as rejected:
            self.quarantine(
                counts,
                position,
                digest,
                rejected.reason,
                rejected.explanation,
                raw or canonical or orjson.dumps(record).decode(),
                weight,
            )
            return
        if not stored:  # (a fast-path record's digest was added when it was staged)
            self.known.add_new(digest)  # (found absent above, before normalising)
        raw = None if stored else (raw or canonical)
        self._stage(counts, position, digest.hex(), result, raw, weight, extra_issues)

    def _stage(self, counts, position, hex_digest, result, raw, weight, extra_issues) -> None:
        writer, contract = self.writer, result.contract
        contract_id = revision_id(result.revision_key)
        order = counts.index * FILE_ORDER_SHIFT + position
        dates = [
            contract["publication_date"],
            *(m["publication_date"] for m in result.modifications),
        ]
        contract.update(
            contract_id=contract_id,
            source_format=counts.format,
            source_file=counts.path,
            source_position=position,
            content_hash=hex_digest,
            import_id=self.import_id,
            _order=order,
            _file=counts.index,
            _rows=weight,
            _last_publication=max((d for d in dates if d), default=None),
        )
        writer.add("contracts", contract)
        for table, rows in (("awardees", result.awardees), ("modifications", result.modifications)):
            for row in rows:
                row["contract_id"], row["content_hash"], row["_order"] = (
                    contract_id,
                    hex_digest,
                    order,
                )
            writer.extend(table, rows)
        buyer_id = contract["buyer_id"]
        writer.extend(
            "quality_issues",
            [
                {
                    "contract_id": contract_id,
                    "buyer_id": buyer_id,
                    "field": field,
                    "value": value,
                    "rule": rule,
                    "content_hash": hex_digest,
                    "_order": order,
                }
                for field, value, rule in [*(extra_issues or ()), *result.issues]
            ],
        )
        if raw is not None:  # None: already stored by the fast path
            writer.add("raw_records", {"content_hash": hex_digest, "raw": raw})

    def known_duplicate(self, counts: FileCounts, position: int, digest: bytes) -> bool:
        """Count the record as a duplicate if its content was already seen; True if it was."""
        if digest in self.quarantined:
            self._duplicate(counts, position, digest.hex(), "already_quarantined", 1)
        elif digest in self.known:
            self._duplicate(counts, position, digest.hex(), "same_content", 1)
        else:
            return False
        return True

    def _duplicate(self, counts, position, hex_digest, rule, weight) -> None:
        self.writer.add(
            "duplicates",
            {
                "import_id": self.import_id,
                "source_file": counts.path,
                "source_format": counts.format,
                "source_position": position,
                "content_hash": hex_digest,
                "rule": rule,
                "duplicate_of": None,  # filled by finalise from the kept record
                "raw": None,  # same content as the kept record
                "rows": weight,
                "_file": counts.index,
            },
        )

    def quarantine(self, counts, position, digest, reason, explanation, raw, weight) -> None:
        if digest in self.quarantined:
            self._duplicate(counts, position, digest.hex(), "already_quarantined", weight)
            return
        self.quarantined.add_new(digest)
        self.writer.add(
            "quarantine",
            {
                "import_id": self.import_id,
                "source_file": counts.path,
                "source_format": counts.format,
                "source_position": position,
                "content_hash": digest.hex(),
                "reason": reason,
                "explanation": explanation,
                "raw": raw,
                "rows": weight,
                "_file": counts.index,
                "_order": counts.index * FILE_ORDER_SHIFT + position,
            },
        )
