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
