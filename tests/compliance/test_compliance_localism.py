"""The localism detector: corpus precision and recall, normalisation, rewordings, LOC findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ancrage.compliance import analyse, is_unlawful
from ancrage.compliance.localism_report import load_corpus, score, table
from ancrage.compliance.textnorm import normalize

from .builders import consultation, findings, messages

CORPUS = Path(__file__).with_name("localism_corpus.yaml")


def test_corpus_size_and_balance() -> None:
    phrases = load_corpus(CORPUS)
    labels = [p["label"] for p in phrases]
    assert len(phrases) >= 60
    assert labels.count("unlawful") >= 30 and labels.count("lawful") >= 30
    assert len({p["text"] for p in phrases}) == len(phrases)  # no duplicate phrasing


def test_corpus_precision_and_recall_floors() -> None:
    scores = score(load_corpus(CORPUS))
    assert scores.precision >= 0.9
    assert scores.recall >= 0.9


def test_report_table_counts_the_whole_corpus() -> None:
    phrases = load_corpus(CORPUS)
    first_row = table(phrases).splitlines()[2]
    unlawful = sum(p["label"] == "unlawful" for p in phrases)
    assert first_row.startswith(f"| Corpus complet | {len(phrases)} | {unlawful} | ")


def test_normalisation_of_case_accents_and_elisions() -> None:
    assert normalize("L’Entreprise IMPLANTÉE à l'Est") == "entreprise implantee a est"
    assert normalize("main-d'œuvre") == "main oeuvre"


@pytest.mark.parametrize(
    "text",
    ["ENTREPRISES LOCALES", "entreprises locales", "Entreprises locales", "entreprises   locales"],
)
def test_detection_ignores_case_and_spacing(text: str) -> None:
    assert is_unlawful(text)


def test_each_unlawful_hit_proposes_a_rewording() -> None:
    for phrase in load_corpus(CORPUS):
        for hit in analyse(phrase["text"]):
            assert hit.rewording and hit.explanation


@pytest.mark.parametrize(
    ("text", "rule", "pattern"),
    [
        ("Critère : proximité géographique (10 %)", "LOC-01", "proximity_criterion"),
        (
            "Agence à moins de 30 km pour garantir une intervention en 2 heures",
            "LOC-02",
            "implantation_partial",
        ),
        (
            "Agence à moins de 30 km, ou engagement à s'implanter dans ce rayon",
            "LOC-02",
            "implantation_partial",
        ),
        ("Part de produits en circuit court", "LOC-03", "short_chain_undefined"),
        ("Bilan carbone de la prestation", "LOC-03", "carbon_undefined"),
    ],
)
def test_hit_rule_and_pattern(text: str, rule: str, pattern: str) -> None:
    hits = analyse(text)
    assert [(h.rule, h.pattern) for h in hits] == [(rule, pattern)]


def test_loc02_justified_with_commitment_is_lawful() -> None:
    text = (
        "Agence à moins de 30 km ou engagement à s'implanter, pour une intervention sous 2 heures"
    )
    assert analyse(text) == []


def test_loc_findings_in_a_consultation() -> None:
    criteria = [
        {"name": "Prix", "weight": 60, "kind": "price", "description": "Prix."},
        {
            "name": "Proximité géographique",
            "weight": 10,
            "kind": "other",
            "description": "Distance au siège.",
        },
        {
            "name": "Environnement",
            "weight": 30,
            "kind": "environmental",
            "description": "Produits en circuit court.",
        },
    ]
    data = consultation(award_criteria=criteria)
    assert findings(data) == {("LOC-01", "blocking"), ("LOC-03", "to_fix")}
    text = messages(data, "LOC-01")[0]
    assert "Proximité géographique" in text and "Reformulation licite" in text


def test_loc02_condition_in_a_consultation() -> None:
    conditions = [
        {"kind": "environmental", "description": "Livraison dématérialisée."},
        {
            "kind": "other",
            "description": "Dépôt situé à moins de 20 km afin d'assurer le dépannage en 2 heures.",
        },
    ]
    assert findings(consultation(execution_conditions=conditions)) == {("LOC-02", "to_fix")}


def test_carbon_criterion_without_method_is_advice() -> None:
    data = consultation()
    data["award_criteria"][2]["description"] = "Empreinte carbone de la prestation."
    assert findings(data) == {("LOC-03", "advice")}


def test_report_script_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    from ancrage.compliance.localism_report import main

    assert main([str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("| Ensemble |")
    assert main([str(CORPUS.with_name("absent.yaml"))]) == 2
