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
