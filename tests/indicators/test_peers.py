"""Peer benchmarking on a small hand-built population (fixture set "peers").

Group commune:3500-10000: b1 10 %, b2 20 %, b3 20 %, b4 40 %, b5 not available (2019 format only).
Group departement:all: b6 50 %. b7 has no profile. Mid-rank percentile, see ``peers.py``:
b1 = (0 + ½·1)/4 = 12.5 ; b2 = b3 = (1 + ½·2)/4 = 50 ; b4 = (3 + ½·1)/4 = 87.5 ; b6 alone = 50.
Median of 10, 20, 20, 40 = 20.
"""

from __future__ import annotations

import pytest
from indicator_fixtures import make_inputs

from ancrage.indicators import engine

G1 = "commune:3500-10000"
EXPECTED = {
    # buyer: (value, peer_group, peer_median, peer_percentile, peer_count)
    "b1": (10.0, G1, 20.0, 12.5, 4),
    "b2": (20.0, G1, 20.0, 50.0, 4),
    "b3": (20.0, G1, 20.0, 50.0, 4),
    "b4": (40.0, G1, 20.0, 87.5, 4),
    "b5": (None, G1, 20.0, None, 4),
    "b6": (50.0, "departement:all", 50.0, 50.0, 1),
    "b7": (100.0, None, None, None, None),
}


def test_peer_median_and_percentile_by_hand() -> None:
    result = engine.run(make_inputs("peers"), ["buyer_id"], ["social_share"])
    got = {
        r["buyer_id"]: (
            r["value"],
            r["peer_group"],
            r["peer_median"],
            r["peer_percentile"],
            r["peer_count"],
        )
        for r in result.to_pylist()
    }
    assert got.keys() == EXPECTED.keys()
    for buyer, want in EXPECTED.items():
        value, group, median, percentile, count = got[buyer]
        assert (group, count) == (want[1], want[4]), buyer
        for a, b in ((value, want[0]), (median, want[2]), (percentile, want[3])):
            assert a == pytest.approx(b) if b is not None else a is None, buyer


def test_buyer_filter_keeps_peers_of_the_whole_population() -> None:
    result = engine.run(make_inputs("peers"), ["buyer_id"], ["social_share"], buyer="b4")
    rows = result.to_pylist()
    assert [(r["buyer_id"], r["peer_percentile"], r["peer_median"]) for r in rows] == [
        ("b4", 87.5, 20.0)
    ]


def test_no_peers_without_buyer_key() -> None:
    result = engine.run(make_inputs("peers"), [], ["social_share"])
    (row,) = result.to_pylist()
    # National total: 7 social contracts of 28 in the 2022 format = 25 %.
    assert (row["numerator"], row["denominator"], row["value"]) == (7.0, 28.0, 25.0)
    assert row["peer_percentile"] is None and row["peer_group"] is None
