"""Builders of the compliance tests: a compliant baseline consultation and a small référentiel."""

from __future__ import annotations

import copy
from typing import Any

from ancrage.compliance import CheckPolicy, check_consultation, parse_consultation

# A translation-services consultation of a commune that breaks no rule: each test changes one
# thing and looks at what appears. CPV 79530000 (services de traduction) triggers no sector rule.
BASELINE: dict[str, Any] = {
    "object": "Traduction des documents d'information municipaux",
    "cpv": "79530000-8",
    "estimated_amount_ht": 80000,
    "launch_date": "2026-10-01",
    "procedure": "mapa",
    "buyer_kind": "local_authority",
    "lots": ["Lot 1 - anglais", "Lot 2 - espagnol"],
    "award_criteria": [
        {"name": "Prix", "weight": 60, "kind": "price", "description": "Prix par page."},
        {
            "name": "Valeur technique",
            "weight": 30,
            "kind": "technical",
            "description": "Relecture.",
        },
        {
            "name": "Performance environnementale",
            "weight": 10,
            "kind": "environmental",
            "description": "Livraison dématérialisée.",
        },
    ],
    "execution_conditions": [
        {"kind": "environmental", "description": "Documents livrés sous forme dématérialisée."}
    ],
    "technical_specifications": ["Fichiers accessibles (RGAA) et légers pour limiter l'énergie."],
    "sourcing": {"done": True, "actions": "Appel à informations publié sur le profil d'acheteur."},
    "publicity": ["boamp", "profil_acheteur"],
    "abnormally_low_offers": "Demande de justifications écrites si l'offre est 30 % sous l'estimation.",
}


def consultation(**changes: Any) -> dict[str, Any]:
    """The baseline with ``changes`` applied (a value of ``None`` removes the field)."""
    data = copy.deepcopy(BASELINE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def findings(data: dict[str, Any], policy: CheckPolicy | None = None) -> set[tuple[str, str]]:
    """(rule, severity) pairs reported for ``data``."""
    report = check_consultation(parse_consultation(data), policy)
    return {(f.rule, f.severity) for f in report.findings}


def messages(data: dict[str, Any], rule: str) -> list[str]:
    report = check_consultation(parse_consultation(data))
    return [f.message for f in report.findings if f.rule == rule]


def rules(data: dict[str, Any]) -> set[str]:
    return {rule for rule, _ in findings(data)}


MINI_LIBRARY = {
    "family": "nettoyage",
    "label": "Nettoyage",
    "version": 1,
    "entries": [
        {
            "id": "NETT-ENV-001",
            "title": "Produits d'entretien écolabellisés ou équivalents",
            "kind": "technical_specification",
            "pillar": "environmental",
            "cpv": ["909"],
            "wording": "Les produits utilisés portent un écolabel [X] ou équivalent.",
            "verification": {"means": ["label", "evidence"], "description": "Fiches produits."},
            "weight_range": None,
            "legal_basis": ["CR-03"],
            "decp_value": ["Clause environnementale"],
            "eforms": None,
            "pitfalls": ["Exiger un label sans « ou équivalent »."],
            "sources": [
                {"title": "Code de la commande publique, art. R. 2111-12", "reference": "R2111-12"}
            ],
            "keywords": ["écolabel"],
        },
        {
            "id": "NETT-ENV-002",
            "title": "Dosage et formation des agents aux écogestes",
            "kind": "execution_condition",
            "pillar": "environmental",
            "cpv": ["909"],
            "wording": "Le titulaire forme ses agents au dosage des produits.",
            "verification": {"means": ["report"], "description": "Attestations de formation."},
            "weight_range": None,
            "legal_basis": ["CR-04"],
            "decp_value": ["Clause environnementale"],
            "eforms": None,
            "pitfalls": ["Condition invérifiable si aucun justificatif n'est demandé."],
            "sources": [
                {"title": "Code de la commande publique, art. L. 2112-2", "reference": "L2112-2"}
            ],
            "keywords": ["formation"],
        },
        {
            "id": "NETT-SOC-001",
            "title": "Heures d'insertion dans l'exécution du marché",
            "kind": "execution_condition",
            "pillar": "social",
            "cpv": ["909"],
            "wording": "Le titulaire réserve [X] heures à des personnes éloignées de l'emploi.",
            "verification": {"means": ["report"], "description": "Bilan des heures."},
            "weight_range": None,
            "legal_basis": ["CR-05"],
            "decp_value": ["Clause sociale"],
            "eforms": None,
            "pitfalls": ["Condition de résidence des bénéficiaires : préférence locale."],
            "sources": [
                {
                    "title": "Code de la commande publique, art. L. 2112-2-1",
                    "reference": "L2112-2-1",
                }
            ],
            "keywords": ["insertion"],
        },
        {
            "id": "NETT-ENV-003",
            "title": "Émissions du transport des équipes",
            "kind": "award_criterion",
            "pillar": "environmental",
            "cpv": ["909"],
            "wording": "Émissions de gaz à effet de serre des déplacements, en kg CO2e par mois.",
            "verification": {
                "means": ["indicator"],
                "description": "Calcul selon la méthode annexée.",
            },
            "weight_range": [5, 15],
            "legal_basis": ["CR-06", "LOC-03"],
            "decp_value": ["Critère environnemental"],
            "eforms": "BT-06: env-imp",
            "pitfalls": ["Ne pas noter la distance au siège."],
            "sources": [
                {"title": "Code de la commande publique, art. R. 2152-7", "reference": "R2152-7"}
            ],
            "keywords": ["transport", "carbone"],
        },
    ],
}
