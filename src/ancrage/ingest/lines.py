"""Per-line work of the fast path: split a block into record lines, digest them, stage them.

A national file lays one marché per line; this work runs once per record. It is done by the C
module ``ancrage.ingest._lines`` (built at install, GIL released) when it is there, and by the
pure Python functions below otherwise: they are the reference, and a test
(``tests/ingest/test_lines.py``) checks that both give the same bytes. ``ANCRAGE_PURE_PYTHON=1``
forces the Python version.

Spans are little-endian ``int64`` pairs ``(start, end)``: where each record's text lies in the
block (a NumPy array of shape ``(n, 2)`` on the Python side).
"""

from __future__ import annotations

import hashlib
import os
from binascii import hexlify
from itertools import accumulate

import numpy as np

try:
    from ancrage.ingest import _lines
except ImportError:  # (not built: no C compiler or OpenSSL headers at install)
    _lines = None


def accelerated() -> bool:
    """Whether the C version is used."""
    return _lines is not None and os.environ.get("ANCRAGE_PURE_PYTHON", "0") != "1"


def scan(block: bytes) -> tuple[np.ndarray, bool]:
    """The spans of the lines of ``block`` (split on ``\\n``) that are exactly one ``{…},``
    object, each without its comma and surrounding whitespace, from the first line up to the
    first that is anything else; and whether every line was taken."""
    if accelerated():
        spans, complete = _lines.scan(block)
        return _spans(spans), complete
    return scan_py(block)


def digest(block: bytes, spans: np.ndarray) -> tuple[bytes, bytes]:
    """The MD5 of each span (16 bytes each, joined), and for each a byte: 1 if its text
    contains ``null`` (such a record is never clean)."""
    if accelerated():
        return _lines.digest(block, _raw(spans))
    return digest_py(block, spans)


def stage(
    block: bytes, spans: np.ndarray, keep: bytes, digests: bytes, file_index: int, first: int
) -> tuple[bytes, np.ndarray, bytes, bytes]:
    """For the spans whose ``keep`` byte is set (span ``i`` being record ``first + i``): the
    chunk lines ``{"f":…,"p":…,"h":"<hex MD5>","r":<text>}`` joined, where each starts in
    them, the hex digests joined (32 bytes each) and the texts joined."""
    if accelerated():
        chunk, starts, hexes, raw = _lines.stage(
            block, _raw(spans), keep, digests, file_index, first
        )
        return chunk, np.frombuffer(starts, "<i8"), hexes, raw
    return stage_py(block, spans, keep, digests, file_index, first)


def valid_utf8(block: bytes) -> bool:
    """Whether ``block`` is valid UTF-8, as ``bytes.decode`` (strict) defines it."""
    if accelerated():
        return _lines.valid_utf8(block)
    return valid_utf8_py(block)


def _spans(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, "<i8").reshape(-1, 2)


def _raw(spans: np.ndarray) -> bytes:
    return np.ascontiguousarray(spans, "<i8").tobytes()


# --- the reference, in Python -------------------------------------------------------------------


def scan_py(block: bytes) -> tuple[np.ndarray, bool]:
    spans: list[int] = []
    start = 0
    for raw in block.split(b"\n"):
        line = raw.strip()
        # Exactly ``{…},`` with as many closing braces and brackets as opening ones: any other
        # layout (the last record of a list, a pretty-printed record…) stops the batch.
        ok = (
            line.endswith(b"},")
            and line.startswith(b"{")
            and line.count(b"{") == line.count(b"}")
            and line.count(b"[") == line.count(b"]")
        )
        if not ok:
            return _spans(np.array(spans, "<i8").tobytes()), False
        left = start + len(raw) - len(raw.lstrip())
        spans += (left, left + len(line) - 1)
        start += len(raw) + 1
    return _spans(np.array(spans, "<i8").tobytes()), True


def valid_utf8_py(block: bytes) -> bool:
    try:
        block.decode()
    except UnicodeDecodeError:
        return False
    return True


def digest_py(block: bytes, spans: np.ndarray) -> tuple[bytes, bytes]:
    texts = [block[s:e] for s, e in spans.tolist()]
    digests = b"".join(hashlib.md5(t, usedforsecurity=False).digest() for t in texts)
    return digests, bytes(b"null" in t for t in texts)


def stage_py(
    block: bytes, spans: np.ndarray, keep: bytes, digests: bytes, file_index: int, first: int
) -> tuple[bytes, np.ndarray, bytes, bytes]:
    lines, hexes, texts = [], [], []
    for i, (s, e) in enumerate(spans.tolist()):
        if not keep[i]:
            continue
        hex_digest = hexlify(digests[16 * i : 16 * i + 16])
        text = block[s:e]
        lines.append(
            b'{"f":%d,"p":%d,"h":"%s","r":%s}\n' % (file_index, first + i, hex_digest, text)
        )
        hexes.append(hex_digest)
        texts.append(text)
    starts = np.array(list(accumulate(map(len, lines), initial=0))[:-1], "<i8")
    return b"".join(lines), starts, b"".join(hexes), b"".join(texts)
