"""Quality rules that are implemented for speed must still agree with the references."""

from __future__ import annotations

import random

from stdnum.fr import siret

from ancrage.ingest.quality import amount_duration_incoherent, amount_rules, check_siret


def test_siret_check_agrees_with_python_stdnum() -> None:
    rng = random.Random(7)
    numbers = ["35600000000048", "35600000000055", "59920013600241", "21350238800019"]
    for _ in range(50_000):
        digits = "".join(rng.choice("0123456789") for _ in range(14))
        numbers.append("356000000" + digits[9:] if rng.random() < 0.1 else digits)
    for number in numbers:
        assert (check_siret(number) is None) == siret.is_valid(number), number
    assert check_siret("2135023880001") == "malformed"
    assert check_siret("2135023880001A") == "malformed"


def test_amount_rules_thresholds() -> None:
    assert amount_rules(199.99) == ["amount_implausible_low"]
    assert amount_rules(200) == []
    assert amount_rules(1e9) == []
    assert amount_rules(1e9 + 1) == ["amount_implausible_high"]
    assert amount_rules(999_999_999) == ["amount_sentinel"]
    assert amount_rules(123_456_789_000) == ["amount_sentinel", "amount_implausible_high"]
    assert amount_rules(12_311_111_111) == ["amount_sentinel", "amount_implausible_high"]


def test_amount_duration_coherence() -> None:
    assert amount_duration_incoherent(50_000, 365)  # days typed as months
    assert not amount_duration_incoherent(50_000_000, 365)
    assert amount_duration_incoherent(1_000, 12)  # 83 € a month
    assert not amount_duration_incoherent(85_000, 12)
    assert amount_duration_incoherent(1_500_000, 121)
