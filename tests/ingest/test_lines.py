"""The per-line work of the fast path: the C module gives exactly the bytes of the Python
reference (``ancrage.ingest.lines``), on real records, synthetic ones with defects, and edge
cases; and the reference itself gives the values worked out by hand."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import orjson
import pytest

from ancrage.generate import generate

# The C module is built by ``make install`` (gcc and OpenSSL's headers are on the machine): its
# absence would silently slow every import down, so it fails here.
from ancrage.ingest import (
    _lines,
    lines,
)


def _real_lines(real_dir: Path) -> bytes:
    """Every JSON record of the real files, one per line as national files lay them out."""
    out = []
    for path in sorted((real_dir / "records").rglob("*.json")) + sorted(
        (real_dir / "examples").rglob("*.json")
    ):
        data = json.loads(path.read_text(encoding="utf-8"))
        marches = data.get("marches", data) if isinstance(data, dict) else data
        if isinstance(marches, dict):
            marches = marches.get("marche", []) + marches.get("contrat-concession", [])
        out += [orjson.dumps(record) + b"," for record in marches if isinstance(record, dict)]
    return b"\n".join(out)


@pytest.fixture(scope="module")
def synthetic_block(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("gen") / "decp.json"
    generate(3_000, 5, path)
    text = path.read_bytes()
    # (from the first record line to the last whole line, as the reader hands them over)
    return text[text.index(b"\n") + 1 : text.rindex(b"\n")]


def _both(block: bytes, keep_every: int = 3) -> None:
    spans_c, complete_c = lines.scan(block)
    spans_py, complete_py = lines.scan_py(block)
    assert complete_c == complete_py
    assert spans_c.tolist() == spans_py.tolist()
    digests_c, nulls_c = _lines.digest(block, spans_c.tobytes())
    assert (digests_c, nulls_c) == lines.digest_py(block, spans_py)
    keep = bytes(i % keep_every != 0 for i in range(len(spans_c)))
    chunk, starts, hexes, texts = lines.stage(block, spans_c, keep, digests_c, 7, 1_000)
    expected = lines.stage_py(block, spans_py, keep, digests_c, 7, 1_000)
    assert (chunk, hexes, texts) == (expected[0], expected[2], expected[3])
    assert starts.tolist() == expected[1].tolist()


def test_c_and_python_agree_on_real_records(real_dir) -> None:
    block = _real_lines(real_dir)
    spans, complete = lines.scan(block)
    assert len(spans) > 6_000 and complete
    _both(block)


def test_c_and_python_agree_on_synthetic_records(synthetic_block) -> None:
    spans, _ = lines.scan(synthetic_block)
    assert len(spans) > 2_500
    _both(synthetic_block)
    _both(synthetic_block, keep_every=1)  # nothing kept


@pytest.mark.parametrize(
    "block",
    [
        b"",
        b"\n",
        b'{"a":1},',
        b'  {"a":1}, \r\n\t{"b":[2]},\x0b\x0c',
        b'{"a":1},\n{"b":2}',  # the last record of a list: no comma
        b'{"a":1},\n{"b":"}"},\n{"c":3},',  # a brace inside a string: unbalanced, stops there
        b'{"a":[1},\n',
        b'{"a":1},\n\n{"b":2},',  # a blank line stops the batch
        b'[{"a":1}],',
        '{"objet":"Réfection de l’école","n":null},\n{"x":"é"},'.encode(),
    ],
)
def test_c_and_python_agree_on_edge_cases(block: bytes) -> None:
    _both(block, keep_every=2)


def test_scan_takes_whole_lines_up_to_the_first_other_layout() -> None:
    block = b' {"a":1},\n{"b":{"c":2}},\r\n{"d":3}\n{"e":4},'
    spans, complete = lines.scan(block)
    assert [block[s:e] for s, e in spans.tolist()] == [b'{"a":1}', b'{"b":{"c":2}}']
    assert not complete
    spans, complete = lines.scan(b'{"a":1},\n{"b":2},')
    assert spans.tolist() == [[0, 7], [9, 16]] and complete


def test_digest_is_md5_and_flags_null() -> None:
    block = b'{"a":null}{"b":"nullite"}{"c":1}'
    spans = np.array([[0, 10], [10, 25], [25, 32]], "<i8")
    digests, nulls = lines.digest(block, spans)
    assert digests == b"".join(hashlib.md5(block[s:e]).digest() for s, e in spans.tolist())
    # (printf '{"c":1}' | md5sum, from coreutils)
    assert digests[32:].hex() == "00191365abe901ab416793dd0f3bb570"
    assert nulls == b"\x01\x01\x00"  # ("nullite" contains it too: such records go to Python)


def test_stage_writes_the_chunk_lines_by_hand() -> None:
    block = b'{"a":1}{"b":2}'
    spans = np.array([[0, 7], [7, 14]], "<i8")
    digests, _ = lines.digest(block, spans)
    chunk, starts, hexes, texts = lines.stage(block, spans, b"\x00\x01", digests, 3, 41)
    hex_b = b"1cabf324ea0a5d083f50f4dbb392fe2e"  # (printf '{"b":2}' | md5sum)
    assert chunk == b'{"f":3,"p":42,"h":"%s","r":{"b":2}}\n' % hex_b
    assert starts.tolist() == [0]
    assert hexes == hex_b
    assert texts == b'{"b":2}'


def test_spans_outside_the_block_are_refused() -> None:
    with pytest.raises(ValueError, match="hors du bloc"):
        _lines.digest(b"{}", np.array([[0, 5]], "<i8").tobytes())
    with pytest.raises(ValueError, match="suivre les spans"):
        _lines.stage(b"{}", np.array([[0, 2]], "<i8").tobytes(), b"", b"", 0, 0)


def _utf8_cases() -> list[bytes]:
    """Every lead byte followed by continuations at the edges of each range, cut at each
    length, behind ASCII prefixes of 0 to 9 bytes (the C check takes ASCII 8 bytes at a time)."""
    tails = [b"", b"\x80", b"\x8f", b"\x90", b"\x9f", b"\xa0", b"\xbf", b"\xc0", b"A"]
    cases = []
    for lead in range(0x80, 0x100):
        for second in tails:
            for rest in (b"", b"\x80", b"\x80\xbf", b"\xbf\x80", b"A\x80", b"\x80A"):
                cases.append(bytes([lead]) + second + rest)
    return [b"x" * k + case for k in range(10) for case in cases]


def test_utf8_check_agrees_with_python_decoder() -> None:
    cases = _utf8_cases()
    # (a few hand-picked ones: overlong, surrogate, past U+10FFFF, and valid 2-4 byte forms)
    known = {
        b"\xc0\x80": False,
        b"\xe0\x80\x80": False,
        b"\xed\xa0\x80": False,
        b"\xf4\x90\x80\x80": False,
        "é".encode(): True,
        "’".encode(): True,
        "😀".encode(): True,
        b"": True,
        b"plain ascii text, longer than a word": True,
    }
    for block, valid in known.items():
        assert _lines.valid_utf8(block) is valid
        assert lines.valid_utf8_py(block) is valid
    disagree = [c for c in cases if _lines.valid_utf8(c) != lines.valid_utf8_py(c)]
    assert disagree == []
    assert sum(lines.valid_utf8_py(c) for c in cases) > 1_000  # (both kinds are well covered)


def test_utf8_check_on_real_text(real_dir, synthetic_block) -> None:
    block = _real_lines(real_dir)
    assert _lines.valid_utf8(block) and _lines.valid_utf8(synthetic_block)
    # One byte cut out of a two-byte letter, deep in the block: found.
    at = block.index("é".encode(), len(block) // 2)
    assert not _lines.valid_utf8(block[:at] + block[at + 1 :])
