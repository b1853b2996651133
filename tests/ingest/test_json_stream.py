"""The streaming JSON reader in split mode (what every import of a JSON file uses): records laid
out one per line come as batches of the exact bytes of the file, whatever the chunk size, and
every other layout is read record by record, in order, with nothing lost."""

from __future__ import annotations

import io
import json

import pytest
from ingest_builders import marche

from ancrage.ingest import json_stream
from ancrage.ingest.json_stream import JsonBatch, read_json

# Multi-byte characters (2, 3 and 4 bytes in UTF-8) in every record, so that small chunks cut
# them in the middle.
RECORDS = [
    {"id": f"M{i:03d}", "objet": f"Entretien des espaces verts n°{i} – « lot é » 🌳", "montant": i}
    for i in range(40)
]


def _envelope(lines: list[bytes]) -> bytes:
    return b'{"marches": {"marche": [\n' + b"\n".join(lines) + b"\n]}}\n"


def _line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def _read(data: bytes) -> list[tuple[int, bytes]]:
    """(position, text) of every record, in the order read: texts of batches and single
    records alike (a record read alone is given back as its source text)."""
    out = []
    for item in read_json(io.BytesIO(data), split=True):
        if isinstance(item, JsonBatch):
            out += list(enumerate(item.texts, item.first))
        else:
            assert item.error is None
            text = item.text if item.text is not None else json.dumps(item.record)
            out.append((item.position, text.encode() if isinstance(text, str) else text))
    return out


@pytest.mark.parametrize("chunk", [300, 1000, 1 << 22])
def test_one_record_per_line_gives_the_file_bytes_whatever_the_chunk(monkeypatch, chunk) -> None:
    # (lines of about 130 bytes: any chunk from twice that size holds whole lines)
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    lines = [_line(r) + b"," for r in RECORDS[:-1]] + [_line(RECORDS[-1])]
    got = _read(_envelope(lines))
    assert [p for p, _ in got] == list(range(40))
    assert [t for _, t in got] == [_line(r) for r in RECORDS]


def test_lines_longer_than_the_chunks_are_read_record_by_record(monkeypatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 7)
    lines = [_line(r) + b"," for r in RECORDS[:-1]] + [_line(RECORDS[-1])]
    got = _read(_envelope(lines))
    assert [p for p, _ in got] == list(range(40))
    assert [json.loads(t) for _, t in got] == RECORDS


def test_a_bom_and_crlf_line_ends_are_not_part_of_the_records(monkeypatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", 300)
    lines = [_line(r) + b",\r" for r in RECORDS[:3]] + [_line(RECORDS[3]) + b"\r"]
    data = b"\xef\xbb\xbf" + _envelope(lines).replace(b"[\n", b"[\r\n")
    assert [t for _, t in _read(data)] == [_line(r) for r in RECORDS[:4]]


def test_an_invalid_byte_is_replaced_as_the_general_reader_does(monkeypatch) -> None:
    # The same replacement character (U+FFFD, EF BF BD in UTF-8) whether the record is taken in
    # a batch or alone, and the neighbours keep their exact bytes.
    monkeypatch.setattr(json_stream, "CHUNK", 1 << 22)
    bad = b'{"id": "M\xff1", "montant": 5}'
    lines = [_line(RECORDS[0]) + b",", bad + b",", _line(RECORDS[1]) + b",", bad]
    got = _read(_envelope(lines))
    replaced = b'{"id": "M\xef\xbf\xbd1", "montant": 5}'
    assert [t for _, t in got[:3]] == [_line(RECORDS[0]), replaced, _line(RECORDS[1])]
    assert json.loads(got[3][1]) == {"id": "M\ufffd1", "montant": 5}


@pytest.mark.parametrize("chunk", [64, 1 << 22])
def test_mixed_layouts_keep_every_record_in_order(monkeypatch, chunk) -> None:
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    pretty = json.dumps(RECORDS[5], ensure_ascii=False, indent=2).encode() + b","
    lines = (
        [_line(r) + b"," for r in RECORDS[:5]]
        + [pretty]
        + [_line(r) + b"," for r in RECORDS[6:10]]
        + [_line(RECORDS[10])]  # the last record of the list: no comma
    )
    got = _read(_envelope(lines))
    assert [p for p, _ in got] == list(range(11))
    assert [json.loads(t) for _, t in got] == RECORDS[:11]


@pytest.fixture
def handed_back(monkeypatch) -> list[int]:
    """One item per time the reader hands its buffer back to the line batches."""
    calls: list[int] = []
    original = json_stream._Buffer._untaken_bytes

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(json_stream._Buffer, "_untaken_bytes", counting)
    return calls


def test_a_pretty_printed_file_is_not_encoded_again_for_each_record(handed_back) -> None:
    # The buffer left by the general reader is handed to a batch only when its first line fits
    # the one-record-per-line layout: never, in a pretty-printed file (encoding the buffer once
    # per record made such a file of 20,000 records take 42 s instead of 2 s).
    data = json.dumps({"marches": {"marche": RECORDS}}, ensure_ascii=False, indent=2).encode()
    got = _read(data)
    assert [json.loads(t) for _, t in got] == RECORDS
    assert handed_back == []


@pytest.mark.parametrize("indent", [None, 2])
def test_minified_and_pretty_files_are_read_in_one_pass(monkeypatch, handed_back, indent) -> None:
    # A minified file is a single line: the buffer is handed back to batches about once per
    # half chunk read, not once per record (it then grew by a chunk per record: 17 s for 22 MB).
    monkeypatch.setattr(json_stream, "CHUNK", 1000)
    records = RECORDS * 5
    data = json.dumps({"marches": {"marche": records}}, ensure_ascii=False, indent=indent).encode()
    got = _read(data)
    assert [json.loads(t) for _, t in got] == records
    assert len(handed_back) <= len(data) // 500 + 2 < len(records)


def _indented_2022(path, records: list[dict]) -> bytes:
    body = {"marches": {"marche": records}}
    data = json.dumps(body, ensure_ascii=False, indent=2).encode()
    path.write_bytes(data)
    return data


def test_indented_records_are_staged_together_with_the_same_result(ingest, query, tmp_path):
    # 5,000 indented marchés (more than one staging group of 4,096), one of them twice: all
    # reach the fast path, in order, and the copy is a duplicate.
    records = [marche(id=f"I{i:05d}", montant=1000 + i) for i in range(5000)]
    records.insert(2500, records[10])
    _indented_2022(tmp_path / "indente.json", records)
    report = ingest(tmp_path / "indente.json")
    totals = report["total"]
    assert (totals["records_read"], totals["loaded"], totals["duplicates"]) == (5001, 5000, 1)
    assert query("SELECT sum(amount_ht), min(id), max(id) FROM contracts") == [
        (5000 * 1000 + 4999 * 5000 / 2, "I00000", "I04999")
    ]
    assert query("SELECT source_position FROM contracts WHERE id = 'I02500'") == [(2501,)]


@pytest.mark.parametrize("inside", [True, False])
def test_a_truncated_indented_file_keeps_the_records_read_before_the_cut(
    ingest, query, tmp_path, inside
) -> None:
    # Cut inside the 21st record (an unreadable record is quarantined), or just after the 20th
    # (the reader then stops on an error, with 20 records waiting to be staged).
    data = _indented_2022(tmp_path / "x.json", [marche(id=f"T{i}") for i in range(30)])
    start = data.index(b'"T20"')
    cut = start if inside else data.rindex(b"}", 0, start) + 1
    (tmp_path / "tronque.json").write_bytes(data[:cut])
    report = ingest(tmp_path / "tronque.json")
    file = report["files"][0]
    assert file["records_read"] == file["loaded"] + file["quarantined"] + file["duplicates"]
    assert file["loaded"] == 20
    assert query("SELECT count(*) FROM contracts WHERE id LIKE 'T%'") == [(20,)]
