"""Builders of DECP records for ingestion tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_decp_2022(path: Path, marches: list[dict], concessions: list[dict] | None = None) -> Path:
    body = {"marches": {"marche": marches}}
    if concessions:
        body["marches"]["contrat-concession"] = concessions
    path.write_text(json.dumps(body, ensure_ascii=False))
    return path


def marche(**overrides: Any) -> dict[str, Any]:
    """A valid 2022-format marché; tests override what they examine."""
    record = {
        "id": "2024-001",
        "acheteur": {"id": "21350238800019"},
        "nature": "Marché",
        "objet": "Entretien des espaces verts",
        "codeCPV": "77310000",
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "marcheInnovant": False,
        "ccag": "Fournitures courantes et services",
        "offresRecues": 3,
        "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement",
        "sousTraitanceDeclaree": False,
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "35238", "typeCode": "Code commune"},
        "dureeMois": 12,
        "dateNotification": "2024-03-01",
        "datePublicationDonnees": "2024-03-15",
        "montant": 85000,
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "formePrix": "Forfaitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "81223113200026"}}],
        "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
    }
    record.update(overrides)
    return record


def concession(**overrides: Any) -> dict[str, Any]:
    """A valid 2022-format contrat de concession; tests override what they examine."""
    record = {
        "id": "2024-DSP-01",
        "autoriteConcedante": {"id": "21350238800019"},
        "nature": "Délégation de service public",
        "objet": "Exploitation du camping municipal",
        "procedure": "Procédure négociée restreinte",
        "dureeMois": 60,
        "dateSignature": "2024-04-02",
        "datePublicationDonnees": "2024-04-20",
        "dateDebutExecution": "2024-05-01",
        "valeurGlobale": 1250000.5,
        "montantSubventionPublique": 40000,
        "concessionnaires": [
            {"concessionnaire": {"typeIdentifiant": "SIRET", "id": "81223113200026"}}
        ],
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Clause environnementale"]
        },
    }
    record.update(overrides)
    return record
