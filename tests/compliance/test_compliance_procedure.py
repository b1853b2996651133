"""TH-01 to TH-08 and the sourcing policy: each threshold at, just below and just above its value."""

from __future__ import annotations

import pytest

from ancrage.compliance import CheckPolicy, check_consultation, parse_consultation

from .builders import consultation, findings, messages

FORMAL_INFO = "Motifs du rejet, nom de l'attributaire, date de signature possible."


# --- TH-02: dispense threshold (strict <), 60 000 € F/S since 1 April 2026, 100 000 € works ----


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (59_999, {("TH-02", "advice"), ("TH-07", "advice")}),
        (60_000, {("TH-02", "blocking")}),
        (60_001, {("TH-02", "blocking")}),
    ],
)
def test_th02_dispense_supplies_services(amount: int, expected: set) -> None:
    assert findings(consultation(procedure="dispense", estimated_amount_ht=amount)) == expected


@pytest.mark.parametrize(
    ("launch", "amount", "blocking"),
    [("2026-03-31", 40_000, True), ("2026-03-31", 39_999, False), ("2026-04-01", 40_000, False)],
)
def test_th02_threshold_changed_on_1_april_2026(launch: str, amount: int, blocking: bool) -> None:
    data = consultation(procedure="dispense", estimated_amount_ht=amount, launch_date=launch)
    assert (("TH-02", "blocking") in findings(data)) is blocking


@pytest.mark.parametrize(
    ("amount", "blocking"), [(99_999, False), (100_000, True), (100_001, True)]
)
def test_th02_dispense_works(amount: int, blocking: bool) -> None:
    data = consultation(cpv="45233140", procedure="dispense", estimated_amount_ht=amount)
    assert (("TH-02", "blocking") in findings(data)) is blocking


def test_th02_negotiated_without_publicity_needs_its_case() -> None:
    data = consultation(procedure="negocie_sans_publicite")
    assert findings(data) == {("TH-02", "to_fix")}
    data["justifications"] = {"TH-02": "Urgence impérieuse : inondation du 3 octobre."}
    assert findings(data) == set()


# --- TH-06 / TH-03: MAPA only below the EU threshold -------------------------------------------


@pytest.mark.parametrize(
    ("amount", "blocking"), [(215_999, False), (216_000, True), (216_001, True)]
)
def test_th06_mapa_at_the_eu_threshold(amount: int, blocking: bool) -> None:
    data = consultation(estimated_amount_ht=amount)
    data["execution_conditions"].append({"kind": "social", "description": "Insertion : 5 %."})
    assert (("TH-06", "blocking") in findings(data)) is blocking


@pytest.mark.parametrize(("amount", "blocking"), [(139_999, False), (140_000, True)])
def test_th06_state_threshold(amount: int, blocking: bool) -> None:
    data = consultation(estimated_amount_ht=amount, buyer_kind="state")
    assert (("TH-06", "blocking") in findings(data)) is blocking


def test_th06_uses_the_2024_2025_thresholds_for_a_2025_launch() -> None:
    # 2024-2025: 221 000 € HT for local authorities, so 218 000 € is still a MAPA.
    data = consultation(estimated_amount_ht=218_000, launch_date="2025-06-01")
    assert findings(data) == set()
    data["launch_date"] = "2026-06-01"
    assert ("TH-06", "blocking") in findings(data)


def test_th06_unknown_period_uses_last_thresholds_as_advice() -> None:
    data = consultation(launch_date="2028-02-01")
    assert findings(data) == {("TH-06", "advice")}


def test_th03_small_lot_justification_turns_blocking_into_advice() -> None:
    data = consultation(
        estimated_amount_ht=250_000,
        justifications={"TH-03": "Petit lot de 70 000 € HT d'une opération alloti (R. 2123-1 2°)."},
    )
    data["execution_conditions"].append({"kind": "social", "description": "Insertion : 5 %."})
    assert findings(data) == {("TH-03", "advice")}


# --- TH-04: BOAMP or JAL + profil d'acheteur from 90 000 € (MAPA, State and local authorities) --


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(89_999, set()), (90_000, {("TH-04", "blocking")}), (90_001, {("TH-04", "blocking")})],
)
def test_th04_publicity_at_90000(amount: int, expected: set) -> None:
    data = consultation(estimated_amount_ht=amount, publicity=["profil_acheteur"])
    data["sourcing"] = {"done": True, "actions": "Appel à informations."}
    assert findings(data) == expected


def test_th04_not_stated_gives_advice_and_other_buyers_are_free() -> None:
    assert findings(consultation(estimated_amount_ht=95_000, publicity=None)) == {
        ("TH-04", "advice")
    }
    other = consultation(estimated_amount_ht=95_000, publicity=["libre"], buyer_kind="utility")
    assert findings(other) == set()


def test_th04_message_names_the_missing_media() -> None:
    data = consultation(estimated_amount_ht=95_000, publicity=["jal"])
    assert "profil d'acheteur" in messages(data, "TH-04")[0]


# --- TH-05: free DCE from 60 000 € (40 000 € before 1 April 2026) -------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(59_999, set()), (60_000, {("TH-05", "blocking")}), (60_001, {("TH-05", "blocking")})],
)
def test_th05_free_documents(amount: int, expected: set) -> None:
    assert findings(consultation(estimated_amount_ht=amount, dce_free_access=False)) == expected


def test_th05_old_threshold_before_april_2026() -> None:
    data = consultation(estimated_amount_ht=45_000, dce_free_access=False, launch_date="2026-03-31")
    assert findings(data) == {("TH-05", "blocking")}


# --- TH-07: DECP publication from 40 000 € even when dispensed --------------------------------


@pytest.mark.parametrize(("amount", "advice"), [(39_999, False), (40_000, True), (40_001, True)])
def test_th07_decp_for_dispensed_contracts(amount: int, advice: bool) -> None:
    data = consultation(procedure="dispense", estimated_amount_ht=amount)
    assert (("TH-07", "advice") in findings(data)) is advice


@pytest.mark.parametrize(("amount", "required"), [(39_999, False), (40_000, True)])
def test_th07_regime_says_whether_decp_are_required(amount: int, required: bool) -> None:
    report = check_consultation(parse_consultation(consultation(estimated_amount_ht=amount)))
    assert report.regime["decp_publication_required"] is required


# --- TH-08: turnover at most 1.5 × the estimated value since 2026 (2 × before) --------------


@pytest.mark.parametrize(
    ("turnover", "flagged"), [(119_999, False), (120_000, False), (120_001, True)]
)
def test_th08_turnover_cap(turnover: int, flagged: bool) -> None:
    data = consultation(min_turnover_required=turnover)  # 1.5 × 80 000 = 120 000
    assert (("TH-08", "to_fix") in findings(data)) is flagged


def test_th08_cap_was_twice_the_value_in_2025() -> None:
    data = consultation(min_turnover_required=150_000, launch_date="2025-10-01")
    assert findings(data) == set()


def test_th08_per_lot_and_justified() -> None:
    lots = [
        {"title": "Anglais", "estimated_amount_ht": 30_000, "min_turnover_required": 50_000},
        {"title": "Espagnol", "estimated_amount_ht": 50_000},
    ]
    data = consultation(lots=lots)
    assert findings(data) == {("TH-08", "to_fix")}
    assert "Anglais" in messages(data, "TH-08")[0]
    data["justifications"] = {"TH-08": "Traductions juridiques engageant la responsabilité."}
    assert findings(data) == set()


# --- TH-01 and the sourcing policy (Proposition 3) ---------------------------------------------


@pytest.mark.parametrize(("amount", "flagged"), [(89_999, False), (90_000, True), (90_001, True)])
def test_sourcing_policy_supplies_services(amount: int, flagged: bool) -> None:
    data = consultation(estimated_amount_ht=amount, sourcing={"done": False})
    assert (("TH-01", "to_fix") in findings(data)) is flagged


@pytest.mark.parametrize(
    ("amount", "flagged"), [(149_999, False), (150_000, True), (150_001, True)]
)
def test_sourcing_policy_works(amount: int, flagged: bool) -> None:
    data = consultation(cpv="45233140", estimated_amount_ht=amount, sourcing=None)
    assert (("TH-01", "to_fix") in findings(data)) is flagged


def test_sourcing_policy_is_configurable() -> None:
    data = consultation(estimated_amount_ht=95_000, sourcing={"done": False})
    assert ("TH-01", "to_fix") not in findings(data, CheckPolicy(sourcing_threshold_other=100_000))
    assert ("TH-01", "to_fix") in findings(data, CheckPolicy(sourcing_threshold_other=95_000))
    assert findings(data, CheckPolicy(sourcing_enabled=False)) == set()


def test_sourcing_policy_says_it_is_not_the_law() -> None:
    data = consultation(estimated_amount_ht=95_000, sourcing=None)
    text = messages(data, "TH-01")[0]
    assert "non renseigné" in text and "non une obligation légale" in text


def test_th01_sourcing_without_trace() -> None:
    assert findings(consultation(sourcing={"done": True})) == {("TH-01", "to_fix")}
