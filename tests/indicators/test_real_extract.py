"""Local share (same département) on the real works extract, against plain-Python arithmetic.

``decp-processing-extract_2024H2_travaux_cpv4521.csv`` has one row per contract × awardee with
the buyer's and the awardee's département. A contract is a ``uid``; its awardees are its distinct
``titulaire_id``; a row with an empty département is not located (local unknown, left out).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from indicator_fixtures import table_of

from ancrage.indicators import engine
from ancrage.indicators.inputs import IndicatorInputs

EXTRACT = "records/tabular/decp-processing-extract_2024H2_travaux_cpv4521.csv"


def read_extract(real_dir: Path) -> dict[str, dict]:
    contracts: dict[str, dict] = {}
    with (real_dir / EXTRACT).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            contract = contracts.setdefault(
                row["uid"],
                {"buyer": row["acheteur_id"], "date": row["dateNotification"], "awardees": {}},
            )
            # A repeated (uid, titulaire) row is the same awardee: keep its first occurrence.
            contract["awardees"].setdefault(
                row["titulaire_id"],
                (row["acheteur_departement_code"], row["titulaire_departement_code"]),
            )
    return contracts


def by_hand(contracts: dict[str, dict]) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Per buyer and overall: (Σ 1/n of local awardees, Σ 1/n of located awardees)."""
    per_buyer: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for contract in contracts.values():
        share = 1 / len(contract["awardees"])
        for buyer_dep, supplier_dep in contract["awardees"].values():
            if buyer_dep and supplier_dep:
                per_buyer[contract["buyer"]][1] += share
                per_buyer[contract["buyer"]][0] += share if buyer_dep == supplier_dep else 0.0
    local = sum(v[0] for v in per_buyer.values())
    located = sum(v[1] for v in per_buyer.values())
    return {k: (v[0], v[1]) for k, v in per_buyer.items()}, local, located


def test_local_share_by_departement_on_the_real_extract(real_dir: Path) -> None:
    contracts = read_extract(real_dir)
    assert len(contracts) == 5180  # distinct uid in the extract
    contract_rows = [
        {
            "contract_id": uid,
            "buyer_id": c["buyer"],
            "notification_date": date.fromisoformat(c["date"]),
        }
        for uid, c in contracts.items()
    ]
    locality_rows = [
        {
            "contract_id": uid,
            "buyer_id": c["buyer"],
            "supplier_id": supplier,
            "local": (b == s) if b and s else None,
            "located": bool(s),
        }
        for uid, c in contracts.items()
        for supplier, (b, s) in c["awardees"].items()
    ]
    inputs = IndicatorInputs.from_arrow(
        {
            "contracts": table_of("contracts", contract_rows),
            "awardee_locality": table_of("awardee_locality", locality_rows),
        }
    )
    per_buyer, local, located = by_hand(contracts)

    (national,) = engine.run(inputs, [], ["local_share"]).to_pylist()
    assert national["numerator"] == pytest.approx(local)
    assert national["denominator"] == pytest.approx(located)
    assert national["value"] == pytest.approx(100 * local / located)
    assert 0 < national["value"] < 100

    result = engine.run(inputs, ["buyer_id"], ["local_share"]).to_pylist()
    assert len(result) == len({c["buyer"] for c in contracts.values()})
    for row in result:
        num, den = per_buyer.get(row["buyer_id"], (0.0, 0.0))
        assert row["numerator"] == pytest.approx(num), row["buyer_id"]
        assert row["denominator"] == pytest.approx(den), row["buyer_id"]
        assert (row["value"] is None) == (den == 0), row["buyer_id"]
