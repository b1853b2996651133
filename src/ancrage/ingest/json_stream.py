"""Streaming reader of DECP JSON files of any size, in bounded memory.

The envelope (``{"marches": [...]}`` for 2019, ``{"marches": {"marche": [...],
"contrat-concession": [...]}}`` for 2022, a bare list, or newline-delimited records) is walked by a
tiny state machine; each record is decoded by the C scanner of the standard library
(``JSONDecoder.raw_decode``) straight from a text buffer, so no record is parsed twice and the
buffer only ever holds a few megabytes.

A record that is not valid JSON is retried once with the repairs other pipelines apply (invalid
backslash escapes, raw control characters); if it still fails it is quarantined verbatim and
reading goes on after it.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import orjson

from ancrage.ingest import lines

CHUNK = 4 * 1024 * 1024
MAX_RECORD = 256 * 1024 * 1024  # a single record larger than this is not a DECP record
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_BAD_ESCAPE = re.compile(r'\\(?![\\/"bfnrtu])')
_CONTROL = re.compile(r"[\x00-\x1f]")

KIND_BY_KEY = {"marche": "marche", "contrat-concession": "concession", "marches": None}
# Keys that start a contract record: a top-level object starting with one of them is a record of
# a newline-delimited file, not an envelope.
RECORD_KEYS_HINT = frozenset(
    {
        "id",
        "uid",
        "uuid",
        "_type",
        "acheteur",
        "autoriteConcedante",
        "nature",
        "objet",
        "codeCPV",
        "procedure",
        "montant",
        "titulaires",
        "dateNotification",
    }
)


@dataclass
class JsonItem:
    position: int
    kind: str | None
    record: Any  # the decoded value, or None when unparseable
    raw: str | None  # verbatim text, only kept for unparseable records
    error: str | None = None  # French explanation when unparseable
    text: str | None = None  # the record's source text (split mode only)


@dataclass
class JsonBatch:
    """Consecutive records laid out one per line (split mode only), not parsed: the UTF-8 text
    of the record at position ``first + i`` is ``block[spans[i, 0]:spans[i, 1]]``."""

    first: int
    kind: str | None
    block: bytes
    spans: np.ndarray  # (n, 2) int64

    def __len__(self) -> int:
        return len(self.spans)

    @property
    def texts(self) -> list[bytes]:
        return [self.block[start:end] for start, end in self.spans.tolist()]


class _Counter:
    """Positions of the records of a file, in reading order."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, n: int = 1) -> int:
        first, self.next = self.next, self.next + n
        return first


class JsonFormatError(ValueError):
    """The file is not DECP JSON at all (explained in French)."""


class _Buffer:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        self.info: dict = {}
        self.split = False  # split mode: hand over record texts, parse only when needed
        self.last_text: str | None = None
        # Between two line batches, the bytes not yet taken stay undecoded here (``text`` is
        # then empty): see :meth:`line_batch`.
        self.pending = b""
        self.scanned = 0  # no newline in text[pos:scanned] (see _newline)

    def _read(self) -> bytes:
        chunk = self.stream.read(CHUNK)
        self.bytes_read += len(chunk)
        if not chunk:
            self.eof = True
        elif self.bytes_read == len(chunk) and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
        return chunk

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self._read()
        if self.pending:  # (left by a line batch; the text is then empty)
            chunk, self.pending = self.pending + chunk, b""
        self.text = self.text[self.pos :] + self.decoder.decode(chunk, final=self.eof)
        self.pos = self.scanned = 0
        return True

    def skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at end of file)."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str) -> None:
        if self.skip_ws() != char:
            found = self.text[self.pos : self.pos + 40] or "fin du fichier"
            raise JsonFormatError(f"JSON inattendu : « {char} » attendu, trouvé « {found} ».")
        self.pos += 1

    def record(self) -> tuple[Any, str | None, str | None]:
        """Decode the record starting here, taking the fast path when it fills its own line.

        At a record boundary, if the text up to the end of the line is exactly one JSON object,
        it is that record (an object is never the prefix of a longer value), and orjson reads it
        several times faster than the standard scanner. Pretty-printed files fall back at once.
        """
        self.skip_ws()
        self.last_text = None
        newline = self._newline()
        if newline != -1:
            line = self.text[self.pos : newline].rstrip()
            if line.endswith(","):
                line = line[:-1].rstrip()
            if self.split and _balanced_line(line):
                # Another process parses it; a line that is not valid JSON is quarantined there.
                self.pos += len(line)
                self.last_text = line
                return None, None, None
            if line.endswith("}"):
                try:
                    value = orjson.loads(line)
                except orjson.JSONDecodeError:
                    pass
                else:
                    if isinstance(value, dict):
                        self.pos += len(line)
                        return value, None, None
        return self.value()

    def line_batch(self) -> tuple[bytes, np.ndarray] | None:
        """Records laid out one per line, each followed by a comma, from a record boundary up to
        the last whole line read: the block of UTF-8 text and where each record lies in it
        (:func:`ancrage.ingest.lines.scan`); None when the layout is anything else here.

        The national files are written this way: taking them by the thousand, with no
        per-record call into the general reader, is what keeps reading near disk speed. From
        one batch to the next the file is never decoded into text: a block is checked to be
        valid UTF-8 and handed over as the bytes read (decoding each 4 MB block and encoding it
        back cost 5.7 s on a 1.5 GB file, against 2.0 s for decoding only; the check is now done
        in C without building a str: about 1 s less per national import). The first line that
        does not fit (the last record of a list, a pretty-printed record…) is left, decoded, to
        :meth:`record`.
        """
        if self.pos < len(self.text) and not self._first_line_fits():
            return None
        data = self._untaken_bytes()
        end = data.rfind(b"\n")
        if end == -1 and not self.eof:
            data += self._read()
            end = data.rfind(b"\n")
        if end == -1:
            self._to_text(data)
            return None
        block = _utf8(data[:end])
        spans, complete = lines.scan(block)
        if complete:
            self.pending = data[end + 1 :]
        else:
            # Stopped early (rare: the end of a list): the rest goes back to the general reader.
            taken = 0
            if len(spans):
                newline = data.find(b"\n", int(spans[-1, 1]))
                taken = newline + 1 if newline != -1 else end + 1
            self._to_text(data[taken:])
        return (block, spans) if len(spans) else None

    def _newline(self) -> int:
        """Where the next newline is in the text (-1: none before its end). What was searched
        is remembered until the text changes: in a minified file (a single line), searching the
        rest of the buffer again for every record took most of the reading time."""
        newline = self.text.find("\n", max(self.pos, self.scanned))
        self.scanned = len(self.text) if newline == -1 else newline
        return newline

    def _first_line_fits(self) -> bool:
        """Whether the next line of the decoded text can start a batch: checked before the rest
        of the buffer is encoded, so that a pretty-printed file (no line ever fits) costs one
        line per record here, not the whole buffer (it was encoded once per record: 42 s for a
        33 MB pretty-printed file of 20,000 records)."""
        newline = self._newline()
        if newline == -1:
            # A line cut by the end of the chunk read: the batch reads on. But a line of half a
            # chunk or more is not this layout (a minified file is one line): each record is
            # then read alone, and the buffer does not grow (it took a chunk more per record,
            # so the whole file, searched again each time: 17 s and 457 MiB for 22 MB).
            return not self.eof and len(self.text) - self.pos < CHUNK // 2
        line = self.text[self.pos : newline].strip()
        return line.startswith("{") and line.endswith("},")

    def _untaken_bytes(self) -> bytes:
        """What is left to read in the buffer, as bytes: the pending bytes of the last batch, or
        the decoded text left by the general reader, encoded again (with the bytes the
        incremental decoder holds: a character cut at the end of the last chunk read)."""
        held, _ = self.decoder.getstate()
        left = self.text[self.pos :].encode() if self.pos < len(self.text) else b""
        data = left + held + self.pending if left or held else self.pending
        self.decoder.reset()
        self.text, self.pos, self.scanned, self.pending = "", 0, 0, b""
        return data

    def _to_text(self, data: bytes) -> None:
        """Back to the general reader, which works on decoded text."""
        self.text = self.decoder.decode(data, final=self.eof)
        self.pos = self.scanned = 0

    def value(self) -> tuple[Any, str | None, str | None]:
        """Decode the next value: (value, None, None) or (None, raw_text, error) if invalid."""
        self.skip_ws()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                close = self._scan_end(self.pos)
                if close is None and not self.eof and len(self.text) - self.pos < MAX_RECORD:
                    self.more()  # the record continues in the next chunk
                    continue
                return self._recover(error, close if close is not None else len(self.text))
            self.pos = end
            return value, None, None

    def _recover(self, error: json.JSONDecodeError, end: int) -> tuple[Any, str | None, str | None]:
        raw = self.text[self.pos : end]
        self.pos = end
        value, problem = repair(raw)
        if problem is None:
            return value, None, None
        return None, raw, f"JSON invalide : {error.msg}."

    def _scan_end(self, start: int) -> int | None:
        """End of the value starting at ``start`` (bracket matching outside strings), or None
        when the buffer ends first. Slow, but only used on invalid or cut records."""
        depth, in_string, escape = 0, False, False
        text = self.text
        for i in range(start, len(text)):
            c = text[i]
            if in_string:
                if escape:
                    escape = False
                elif c == "\\":
                    escape = True
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth <= 0:
                    return i + 1
            elif depth == 0 and c in ",\n":
                return i
        return None


def parse_record(text: str) -> tuple[Any, str | None]:
    """One record's text: ``(value, None)``, or ``(None, French explanation)`` if invalid even
    after :func:`repair`."""
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError:
        return repair(text)


def repair(raw: str) -> tuple[Any, str | None]:
    """Parse a record after the repairs other pipelines apply (bad escapes, control characters).

    Returns ``(value, None)`` or ``(None, French explanation)``.
    """
    repaired = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", _BAD_ESCAPE.sub(r"\\\\", raw))
    try:
        return json.loads(repaired), None
    except json.JSONDecodeError as error:
        return None, f"JSON invalide : {error.msg}."


def _utf8(block: bytes) -> bytes:
    """``block`` if it is valid UTF-8; otherwise its invalid bytes replaced by U+FFFD, as the
    general reader decodes them (the file itself is never changed)."""
    if lines.valid_utf8(block):  # (checked without building a str of the whole block)
        return block
    return block.decode(errors="replace").encode()


def _balanced_line(line: str) -> bool:
    """A line that starts and ends an object with as many openings as closings.

    Cheap (C-level counting) and enough to recognise a one-record-per-line layout; a line that
    passes but is not a whole record fails to parse and is quarantined, never silently lost.
    """
    return (
        line.startswith("{")
        and line.endswith("}")
        and line.count("{") == line.count("}")
        and line.count("[") == line.count("]")
    )


def read_json(
    stream: IO[bytes], info: dict | None = None, split: bool = False
) -> Iterator[JsonItem | JsonBatch]:
    """Yield every record of a DECP JSON stream with its kind (when the envelope says it).

    In ``split`` mode, records laid out one per line come as :class:`JsonBatch` of texts.

    ``info["envelope"]`` is set to ``"2019"`` (a list under ``marches``), ``"2022"`` (an object
    under ``marches``) or ``"none"`` (bare list or newline-delimited records).
    """
    info = info if info is not None else {}
    info["envelope"] = "none"
    buf = _Buffer(stream)
    buf.info = info
    buf.split = split
    first = buf.skip_ws()
    counter = _Counter()
    if first == "[":
        yield from _array(buf, None, counter)
    elif first == "{":
        yield from _object(buf, counter)
    elif first == "":
        return
    else:
        raise JsonFormatError(
            "Ce fichier ne commence ni par « { » ni par « [ » : ce n'est pas du JSON."
        )


def _array(buf: _Buffer, kind: str | None, counter) -> Iterator[JsonItem | JsonBatch]:
    buf.expect("[")
    if buf.skip_ws() == "]":
        buf.pos += 1
        return
    while True:
        if buf.split:
            batch = buf.line_batch()
            if batch is not None:
                block, spans = batch
                yield JsonBatch(counter.take(len(spans)), kind, block, spans)
                continue  # at the next record boundary, after the last comma
        value, raw, error = buf.record()
        yield JsonItem(counter.take(), kind, value, raw, error, buf.last_text)
        nxt = buf.skip_ws()
        if nxt == ",":
            buf.pos += 1
        elif nxt == "]":
            buf.pos += 1
            return
        elif nxt == "":
            raise JsonFormatError("Fichier JSON tronqué : la liste des marchés n'est pas fermée.")
        else:
            raise JsonFormatError(
                f"JSON inattendu après un marché : « {buf.text[buf.pos : buf.pos + 40]} »."
            )


def _object(buf: _Buffer, counter) -> Iterator[JsonItem | JsonBatch]:
    """An envelope object, or the first of newline-delimited records."""
    start = buf.pos
    buf.expect("{")
    if buf.skip_ws() == "}":
        buf.pos += 1
        return
    key, _, _ = buf.value()
    if key in RECORD_KEYS_HINT:
        # Not an envelope: newline-delimited (or concatenated) records.
        buf.pos = start
        while buf.skip_ws():
            value, raw, error = buf.record()
            yield JsonItem(counter.take(), None, value, raw, error, buf.last_text)
            if buf.skip_ws() == ",":
                buf.pos += 1
        return
    while True:
        buf.expect(":")
        nxt = buf.skip_ws()
        if key in KIND_BY_KEY and nxt == "[":
            if key == "marches":
                buf.info["envelope"] = "2019"
            yield from _array(buf, KIND_BY_KEY[key], counter)
        elif key == "marches" and nxt == "{":
            buf.info["envelope"] = "2022"
            yield from _object(buf, counter)
        else:
            buf.value()  # metadata we do not need (version, source…)
        nxt = buf.skip_ws()
        if nxt == ",":
            buf.pos += 1
            key, _, _ = buf.value()
        elif nxt == "}":
            buf.pos += 1
            return
        else:
            raise JsonFormatError("Fichier JSON tronqué ou mal formé dans l'enveloppe « marches ».")
