"""The compact digest set behaves as a set of bytes, across its sorted arrays and newest digests."""

from __future__ import annotations

import hashlib

import pytest

from ancrage.ingest import digests
from ancrage.ingest.digests import DigestSet


def _md5(i: int) -> bytes:
    return hashlib.md5(str(i).encode(), usedforsecurity=False).digest()


def _filled(count: int) -> DigestSet:
    """A set to which the digests of 0 … count - 1 were added one by one."""
    compact = DigestSet()
    for i in range(count):
        compact.add(_md5(i))
    return compact


def test_same_answers_as_a_python_set(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 64)  # many sorted runs and merges
    compact, reference = DigestSet(_md5(i) for i in range(0, 1000, 3)), set()
    reference.update(_md5(i) for i in range(0, 1000, 3))
    for i in range(0, 2000, 7):
        compact.add(_md5(i))
        reference.add(_md5(i))
    assert len(compact) == len(reference) == 333 + 1 + 286 - 48
    assert len(compact.recent) < 64  # the rest went into sorted arrays
    probes = [_md5(i) for i in range(3000)]
    assert [p in compact for p in probes] == [p in reference for p in probes]
    # The batch lookup sees the sorted arrays only; with the newest digests, the whole set.
    in_sorted = compact.in_sorted(probes).tolist()
    assert [a or p in compact.recent for a, p in zip(in_sorted, probes, strict=True)] == [
        p in reference for p in probes
    ]


def test_digests_sharing_their_first_eight_bytes_are_told_apart(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 2)
    head = b"\x07" * 8
    compact = DigestSet([head + b"A" * 8, head + b"B" * 8, b"\x01" * 16, head + b"C" * 8])
    assert head + b"B" * 8 in compact and head + b"C" * 8 in compact
    assert head + b"D" * 8 not in compact
    assert compact.in_sorted([head + b"C" * 8, head + b"D" * 8]).tolist() == [True, False]


def test_held_keeps_the_newest_digests_in_place(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 4)
    compact = DigestSet()
    with compact.held():
        for i in range(10):
            compact.add(_md5(i))
        assert len(compact.recent) == 10  # nothing moved while the batch is checked
    assert len(compact.recent) == 0 and len(compact) == 10
    assert all(_md5(i) in compact for i in range(10))
    compact.clear()
    assert len(compact) == 0 and _md5(1) not in compact


def test_a_digest_is_sixteen_bytes() -> None:
    with pytest.raises(ValueError, match="16 octets"):
        DigestSet([b"trop court"])


def test_add_new_skips_the_lookup_the_caller_already_made(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 4)
    compact = DigestSet(_md5(i) for i in range(8))
    for i in range(8, 20):
        assert _md5(i) not in compact
        compact.add_new(_md5(i))
    assert len(compact) == 20 and all(_md5(i) in compact for i in range(20))
    assert _md5(20) not in compact


def test_capacity_bounds_the_set_and_says_it_is_incomplete(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 10)
    monkeypatch.setattr(digests, "CAPACITY", 100)
    compact = _filled(300)
    # Ten sorted runs of ten fill the capacity; later batches are left out, the newest wait.
    assert compact.complete is False
    assert len(compact) < 100 + 10
    kept = [i for i in range(300) if _md5(i) in compact]
    assert kept[:100] == list(range(100))  # what was kept is still found
    assert len(kept) == len(compact)


def test_membership_is_the_plain_set_while_there_is_no_array(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 4)
    compact = DigestSet()
    compact.add(_md5(1))  # (given to the constructor, it would go straight into an array)
    assert compact.membership() == compact.recent.__contains__
    assert compact.membership()(_md5(1)) and not compact.membership()(_md5(2))
    for i in range(2, 8):
        compact.add(_md5(i))
    assert compact.membership()(_md5(1)) and compact.membership()(_md5(7))
    assert not compact.membership()(_md5(8))


def test_runs_stop_growing_at_their_maximum_size(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 10)
    monkeypatch.setattr(digests, "MAX_RUN", 40)
    compact = _filled(200)
    assert [len(high) for high, _ in compact._runs] == [40, 40, 40, 40, 40]
    assert all(_md5(i) in compact for i in range(200)) and _md5(200) not in compact
    assert (
        compact.in_sorted([_md5(i) for i in range(195, 205)]).tolist() == [True] * 5 + [False] * 5
    )


def test_joined_digests_are_added_like_single_ones(monkeypatch) -> None:
    monkeypatch.setattr(digests, "RECENT_LIMIT", 64)  # several runs from one call
    joined = DigestSet()
    joined.update_joined(b"".join(_md5(i) for i in range(0, 1000, 3)))
    single = DigestSet(_md5(i) for i in range(0, 1000, 3))
    assert len(joined) == len(single) == 334
    probes = [_md5(i) for i in range(1000)]
    assert [p in joined for p in probes] == [p in single for p in probes]
    with pytest.raises(ValueError, match="16 octets"):
        joined.update_joined(b"x" * 17)


def test_a_warehouse_column_of_hex_digests_is_decoded_at_once() -> None:
    import pyarrow as pa

    from ancrage.ingest.pipeline import _hex_digests

    hexes = [_md5(i).hex() for i in range(5)]
    # (a slice: the column's buffer starts before its first value)
    column = pa.array(["0" * 32, *hexes], pa.string()).slice(1)
    assert _hex_digests(column) == b"".join(_md5(i) for i in range(5))
    assert _hex_digests(pa.array([], pa.string())) == b""
    with pytest.raises(ValueError, match="32 chiffres"):
        _hex_digests(pa.array(["abc"], pa.string()))
