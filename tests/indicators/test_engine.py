"""Breakdowns, period filter, amount bands and the multi-awardee rule, checked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from indicator_fixtures import make_inputs, table_of

from ancrage.indicators import engine
from ancrage.indicators.inputs import IndicatorInputs, Period

A, B = "21000000100013", "21000000200011"


def values(result, *keys: str) -> dict:
    return {tuple(r[k] for k in keys): r["value"] for r in result.to_pylist()}


def test_breakdown_by_family() -> None:
    # A: services c1, c3 (both social) ; works c2 (social) + c6 (2019, excluded) ;
    # supplies c4, c5 (none). B: services c7 (2019 only).
    result = engine.run(make_inputs("responsible"), ["buyer_id", "family"], ["social_share"])
    assert values(result, "buyer_id", "family") == {
        (A, "services"): 100.0,
        (A, "works"): 100.0,
        (A, "supplies"): 0.0,
        (B, "services"): None,
    }


def test_breakdown_by_amount_band_uses_the_initial_amount() -> None:
    # Initial amounts: c1 100 000, c2 40 000 (current 50 000), c3 30 000, c4 200 000, c5 none,
    # c6 500 000 (2019), c7 80 000 (B, 2019).
    result = engine.run(make_inputs("responsible"), ["buyer_id", "amount_band"], ["social_share"])
    assert values(result, "buyer_id", "amount_band") == {
        (A, "90k_221k"): 50.0,  # c1 yes, c4 no
        (A, "40k_90k"): 100.0,  # c2: 40 000 is the lower bound of 40–90 k
        (A, "lt_40k"): 100.0,  # c3
        (A, None): 0.0,  # c5: no amount, no band (not put in a band by default)
        (A, "221k_1m"): None,  # c6: 2019 format only
        (B, "40k_90k"): None,
    }


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (39_999.99, "lt_40k"),
        (40_000.0, "40k_90k"),
        (90_000.0, "90k_221k"),
        (220_999.0, "90k_221k"),
        (221_000.0, "221k_1m"),
        (1_000_000.0, "1m_5538k"),
        (5_537_999.0, "1m_5538k"),
        (5_538_000.0, "ge_5538k"),
    ],
)
def test_amount_band_bounds(amount: float, band: str) -> None:
    contracts = table_of(
        "contracts",
        [{"contract_id": "c", "buyer_id": A, "amount_ht": amount, "current_amount_ht": amount}],
    )
    inputs = IndicatorInputs.from_arrow({"contracts": contracts})
    assert inputs.contract_base.amount_band.to_pyarrow().to_pylist() == [band]


def test_period_filter() -> None:
    # 1 April – 30 June 2024: c2 (social), c3 (social), c4 (none) -> 2/3.
    period = Period(date(2024, 4, 1), date(2024, 6, 30))
    result = engine.run(make_inputs("responsible", period), ["buyer_id"], ["social_share"])
    rows = {r["buyer_id"]: r for r in result.to_pylist()}
    assert rows.keys() == {A}
    assert (rows[A]["numerator"], rows[A]["denominator"]) == (2.0, 3.0)
    # 2023: only 2019-format contracts -> not available, never 0.
    result = engine.run(
        make_inputs("responsible", Period.year(2023)), ["buyer_id"], ["social_share"]
    )
    assert {(r["buyer_id"], r["value"], r["available"]) for r in result.to_pylist()} == {
        (A, None, False),
        (B, None, False),
    }


def test_invalid_period_and_breakdown_are_explained_in_french() -> None:
    with pytest.raises(ValueError, match="Période invalide"):
        Period(date(2024, 2, 1), date(2024, 1, 1))
    with pytest.raises(ValueError, match="Ventilation inconnue : departement"):
        engine.run(make_inputs("responsible"), ["buyer_id", "departement"], ["social_share"])
    with pytest.raises(KeyError, match="Indicateur inconnu"):
        engine.run(make_inputs("responsible"), ["buyer_id"], ["part_sociale"])


def test_multi_awardee_contract_is_counted_once() -> None:
    # One 90 000 € contract with three current awardees (SME, SME, large) and one former one.
    contracts = table_of(
        "contracts",
        [{"contract_id": "m", "buyer_id": A, "amount_ht": 90_000.0, "current_amount_ht": 90_000.0}],
    )
    awardees = table_of(
        "awardees",
        [
            {"contract_id": "m", "supplier_id": s, "supplier_id_type": "SIRET", "is_current": cur}
            for s, cur in (("S1", True), ("S2", True), ("S3", True), ("S0", False))
        ],
    )
    profiles = table_of(
        "supplier_profiles",
        [
            {"supplier_id": s, "supplier_id_type": "SIRET", "size": size}
            for s, size in (("S1", "sme"), ("S2", "sme"), ("S3", "large"), ("S0", "sme"))
        ],
    )
    locality = table_of(
        "awardee_locality",
        [
            {"contract_id": "m", "buyer_id": A, "supplier_id": s, "local": loc, "located": True}
            for s, loc in (("S1", True), ("S2", False), ("S3", False))
        ],
    )
    inputs = IndicatorInputs.from_arrow(
        {
            "contracts": contracts,
            "awardees": awardees,
            "supplier_profiles": profiles,
            "awardee_locality": locality,
        }
    )
    ids = ["sme_share", "sme_share_amount", "local_share_amount", "supplier_concentration_hhi"]
    rows = {r["indicator_id"]: r for r in engine.run(inputs, ["buyer_id"], ids).to_pylist()}
    # The denominators add up to one contract and to its amount, not three times them.
    assert (rows["sme_share"]["numerator"], rows["sme_share"]["denominator"]) == pytest.approx(
        (2 / 3, 1.0)
    )
    assert rows["sme_share_amount"]["denominator"] == pytest.approx(90_000.0)
    assert rows["sme_share_amount"]["numerator"] == pytest.approx(60_000.0)
    assert rows["local_share_amount"]["value"] == pytest.approx(100 / 3)
    # Three suppliers with 30 000 € each: 3 × (100/3)² = 3 333.33.
    assert rows["supplier_concentration_hhi"]["value"] == pytest.approx(10_000 / 3)
