"""AW-01 to AW-05 and ORG-03, positive and negative."""

from __future__ import annotations

import pytest

from .builders import consultation, findings, messages

FORMAL = {"procedure": "appel_offres_ouvert", "estimated_amount_ht": 150_000}
FORMAL_INFO = "Motifs du rejet, nom de l'attributaire, date de signature possible."


def criteria(*rows: tuple[str, float | None, str, str]) -> list[dict]:
    return [{"name": n, "weight": w, "kind": k, "description": d} for n, w, k, d in rows]


def test_aw01_plurality_without_price_or_cost() -> None:
    data = consultation(
        award_criteria=criteria(
            ("Valeur technique", 70, "technical", "Méthode."),
            ("Environnement", 30, "environmental", "Déchets."),
        )
    )
    assert findings(data) == {("AW-01", "to_fix")}


def test_aw01_other_criterion_must_be_described() -> None:
    data = consultation(
        award_criteria=criteria(
            ("Prix", 60, "price", "Prix."),
            ("Environnement", 30, "environmental", "Déchets."),
            ("Divers", 10, "other", ""),
        )
    )
    assert findings(data) == {("AW-01", "to_fix")}
    assert "Divers" in messages(data, "AW-01")[0]


def test_aw02_no_criteria_in_a_competitive_procedure() -> None:
    assert ("AW-02", "blocking") in findings(consultation(award_criteria=[]))


@pytest.mark.parametrize(("total_last", "flagged"), [(10, False), (15, True), (5, True)])
def test_aw02_weights_must_sum_to_100(total_last: int, flagged: bool) -> None:
    data = consultation()
    data["award_criteria"][2]["weight"] = total_last
    assert (("AW-02", "to_fix") in findings(data)) is flagged


def test_aw02_unweighted_criteria_in_formalised_procedure() -> None:
    data = consultation(**FORMAL, rejected_bidders_information=FORMAL_INFO)
    data["award_criteria"][1]["weight"] = None
    assert findings(data) == {("AW-02", "to_fix")}
    data["justifications"] = {"AW-02": "Ordre décroissant d'importance : pondération impossible."}
    assert findings(data) == set()


def test_aw02_unweighted_criteria_allowed_in_mapa() -> None:
    data = consultation()
    for row in data["award_criteria"]:
        row["weight"] = None
    assert findings(data) == set()


def test_aw03_life_cycle_cost_needs_its_method() -> None:
    rows = (
        ("Prix", 50, "price", "Prix."),
        ("Coût du cycle de vie", 50, "life_cycle_cost", "Coût d'énergie sur 10 ans."),
    )
    assert findings(consultation(award_criteria=criteria(*rows))) == {("AW-03", "to_fix")}
    rows = (
        rows[0],
        ("Coût du cycle de vie", 50, "life_cycle_cost", "Énergie : méthode de calcul annexée."),
    )
    assert findings(consultation(award_criteria=criteria(*rows))) == set()


def test_aw04_detection_not_described_gives_advice() -> None:
    assert findings(consultation(abnormally_low_offers=None)) == {("AW-04", "advice")}


def test_aw04_automatic_rejection_is_unlawful() -> None:
    data = consultation(abnormally_low_offers="Offres à -30 % écartées automatiquement.")
    assert findings(data) == {("AW-04", "to_fix")}


def test_aw04_not_applicable_without_competition() -> None:
    data = consultation(
        procedure="dispense", estimated_amount_ht=30_000, abnormally_low_offers=None
    )
    assert findings(data) == {("TH-02", "advice")}


def test_aw05_formalised_procedure_reminder_and_content() -> None:
    assert findings(consultation(**FORMAL)) == {("AW-05", "advice")}
    partial = consultation(
        **FORMAL, rejected_bidders_information="Courrier avec les motifs du rejet."
    )
    assert findings(partial) == {("AW-05", "to_fix")}
    text = messages(partial, "AW-05")[0]
    assert "nom de l'attributaire" in text and "date de signature" in text
    assert findings(consultation(**FORMAL, rejected_bidders_information=FORMAL_INFO)) == set()


def test_aw05_not_for_mapa() -> None:
    assert findings(consultation(rejected_bidders_information=None)) == set()


def test_org03_single_lot_without_justification() -> None:
    assert findings(consultation(lots=None)) == {("ORG-03", "blocking")}
    assert findings(consultation(lots=["Lot unique"])) == {("ORG-03", "blocking")}


def test_org03_justification_with_and_without_a_legal_ground() -> None:
    good = consultation(lots=None, no_lots_justification="Coordination impossible en interne.")
    assert findings(good) == set()
    weak = consultation(lots=None, no_lots_justification="Habitude du service.")
    assert findings(weak) == {("ORG-03", "advice")}
