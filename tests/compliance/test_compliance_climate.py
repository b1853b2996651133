"""CR-03 to CR-07: each obligation, positive and negative, and the 20/21/22 August 2026 dates."""

from __future__ import annotations

import pytest

from .builders import consultation, findings, messages

NO_ENV_CRITERION = [
    {"name": "Prix", "weight": 60, "kind": "price", "description": "Prix par page."},
    {"name": "Valeur technique", "weight": 40, "kind": "technical", "description": "Relecture."},
]
PRICE_ONLY = [{"name": "Prix", "weight": 100, "kind": "price", "description": "Prix par page."}]
NO_ENV = {
    "award_criteria": NO_ENV_CRITERION,
    "execution_conditions": [{"kind": "other", "description": "Délai de livraison de 5 jours."}],
    "technical_specifications": ["Traduction par un traducteur de langue maternelle."],
}


def test_baseline_is_compliant() -> None:
    assert findings(consultation()) == set()


# --- dates: L-level rules (CR-03 to CR-06) from 22 August 2026, advice on the 21st ------------


@pytest.mark.parametrize(
    ("launch", "expected"),
    [
        ("2026-08-20", set()),
        (
            "2026-08-21",
            {("CR-03", "advice"), ("CR-04", "advice"), ("CR-06", "advice")},
        ),
        (
            "2026-08-22",
            {("CR-03", "to_fix"), ("CR-04", "blocking"), ("CR-06", "blocking")},
        ),
        (
            "2026-08-23",
            {("CR-03", "to_fix"), ("CR-04", "blocking"), ("CR-06", "blocking")},
        ),
    ],
)
def test_l_level_obligations_by_launch_date(launch: str, expected: set) -> None:
    assert findings(consultation(launch_date=launch, **NO_ENV)) == expected


def test_boundary_days_are_flagged_in_the_message() -> None:
    on_21 = messages(consultation(launch_date="2026-08-21", **NO_ENV), "CR-04")
    on_22 = messages(consultation(launch_date="2026-08-22", **NO_ENV), "CR-04")
    on_23 = messages(consultation(launch_date="2026-08-23", **NO_ENV), "CR-04")
    assert "date charnière" in on_21[0] and "21 août 2026" in on_21[0]
    assert "date charnière" in on_22[0] and "22 août 2026" in on_22[0]
    assert "date charnière" not in on_23[0]


# --- CR-07: R-level, from 21 August 2026 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("launch", "expected"),
    [
        ("2026-08-20", set()),
        ("2026-08-21", {("CR-07", "blocking"), ("CR-06", "advice")}),
        ("2026-08-22", {("CR-07", "blocking"), ("CR-06", "blocking")}),
    ],
)
def test_cr07_price_only_from_21_august(launch: str, expected: set) -> None:
    assert findings(consultation(launch_date=launch, award_criteria=PRICE_ONLY)) == expected


def test_cr07_single_lcc_with_environment_is_allowed() -> None:
    lcc = [
        {
            "name": "Coût du cycle de vie",
            "weight": 100,
            "kind": "life_cycle_cost",
            "description": "Coût d'acquisition, d'énergie et des émissions de CO2 selon la méthode "
            "de calcul annexée.",
        }
    ]
    assert findings(consultation(award_criteria=lcc)) == set()


def test_cr07_single_cost_without_environment_is_blocking() -> None:
    cost = [{"name": "Coût", "weight": 100, "kind": "cost", "description": "Prix et maintenance."}]
    assert findings(consultation(award_criteria=cost)) == {
        ("CR-07", "blocking"),
        ("CR-06", "blocking"),
    }


def test_cr07_other_criteria_weighted_zero_still_mean_price_only() -> None:
    criteria = [
        {"name": "Prix", "weight": 100, "kind": "price", "description": "Prix."},
        {"name": "Environnement", "weight": 0, "kind": "environmental", "description": "Bilan."},
    ]
    found = findings(consultation(award_criteria=criteria))
    assert ("CR-07", "blocking") in found


# --- CR-03, CR-04, CR-06 individually --------------------------------------------------------


def test_cr03_specifications_without_sustainability() -> None:
    data = consultation(technical_specifications=["Traduction par un traducteur certifié."])
    assert findings(data) == {("CR-03", "to_fix")}


def test_cr03_specification_kind_stated_by_buyer() -> None:
    spec = [{"description": "Traduction par un traducteur certifié.", "kind": "social"}]
    assert findings(consultation(technical_specifications=spec)) == set()


def test_cr04_missing_environmental_condition() -> None:
    conditions = [{"kind": "social", "description": "Heures d'insertion : 5 %."}]
    assert findings(consultation(execution_conditions=conditions)) == {("CR-04", "blocking")}


def test_cr06_environmental_sub_criterion_in_technical_value_counts() -> None:
    criteria = [
        {"name": "Prix", "weight": 60, "kind": "price", "description": "Prix."},
        {
            "name": "Valeur technique",
            "weight": 40,
            "kind": "technical",
            "description": "Sous-critère 2 : réduction des déchets d'impression (10 %).",
        },
    ]
    assert findings(consultation(award_criteria=criteria)) == set()


def test_cr06_missing_environmental_criterion() -> None:
    assert findings(consultation(award_criteria=NO_ENV_CRITERION)) == {("CR-06", "blocking")}


def test_dispensed_contract_without_criteria_has_no_criterion_finding() -> None:
    data = consultation(procedure="dispense", estimated_amount_ht=20000, award_criteria=[])
    assert findings(data) == {("TH-02", "advice")}


# --- CR-05: social condition at or above the EU threshold --------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (215_999, set()),
        (216_000, {("CR-05", "blocking")}),
        (216_001, {("CR-05", "blocking")}),
    ],
)
def test_cr05_at_the_local_authority_threshold(amount: int, expected: set) -> None:
    data = consultation(estimated_amount_ht=amount, procedure="appel_offres_ouvert")
    data["rejected_bidders_information"] = "Motifs, nom de l'attributaire, date de signature."
    assert findings(data) == expected


@pytest.mark.parametrize(
    ("buyer", "amount", "applies"),
    [
        ("state", 139_999, False),
        ("state", 140_000, True),
        ("hospital", 216_000, True),
        ("utility", 431_999, False),
        ("utility", 432_000, True),
    ],
)
def test_cr05_threshold_depends_on_buyer_kind(buyer: str, amount: int, applies: bool) -> None:
    data = consultation(
        buyer_kind=buyer, estimated_amount_ht=amount, procedure="appel_offres_ouvert"
    )
    data["rejected_bidders_information"] = "Motifs, nom de l'attributaire, date de signature."
    assert (("CR-05", "blocking") in findings(data)) is applies


@pytest.mark.parametrize(("amount", "applies"), [(5_403_999, False), (5_404_000, True)])
def test_cr05_works_threshold(amount: int, applies: bool) -> None:
    data = consultation(
        cpv="45233140",
        estimated_amount_ht=amount,
        procedure="appel_offres_ouvert",
        rejected_bidders_information="Motifs, nom de l'attributaire, date de signature.",
    )
    assert (("CR-05", "blocking") in findings(data)) is applies


def test_cr05_satisfied_by_a_social_condition() -> None:
    conditions = [
        {"kind": "environmental", "description": "Livraison dématérialisée."},
        {"kind": "social", "description": "Heures d'insertion : 5 %."},
    ]
    data = consultation(
        estimated_amount_ht=300_000,
        procedure="appel_offres_ouvert",
        execution_conditions=conditions,
        rejected_bidders_information="Motifs, nom de l'attributaire, date de signature.",
    )
    assert findings(data) == set()


def test_cr05_recorded_derogation_becomes_advice() -> None:
    data = consultation(
        estimated_amount_ht=300_000,
        procedure="appel_offres_ouvert",
        justifications={
            "CR-05": "Lien insuffisant avec l'objet : prestation entièrement à distance."
        },
        rejected_bidders_information="Motifs, nom de l'attributaire, date de signature.",
    )
    assert findings(data) == {("CR-05", "advice")}
    assert "partiellement confirmée" in messages(data, "CR-05")[0]


def test_cr05_reserved_contract_is_accepted_with_a_note() -> None:
    data = consultation(
        estimated_amount_ht=300_000,
        procedure="appel_offres_ouvert",
        reserved="siae",
        rejected_bidders_information="Motifs, nom de l'attributaire, date de signature.",
    )
    assert findings(data) == {("CR-05", "advice"), ("RES-02", "advice")}
    assert "non confirmée" in messages(data, "CR-05")[0]


def test_defence_contracts_are_out_of_scope() -> None:
    data = consultation(
        defence_security=True,
        award_criteria=PRICE_ONLY,
        **{k: v for k, v in NO_ENV.items() if k != "award_criteria"},
    )
    assert findings(data) == {("CONV-SCOPE", "advice")}
