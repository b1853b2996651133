"""Builders of small référentiel files for the validation tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

VALID_ENTRY: dict[str, Any] = {
    "id": "NETT-ENV-001",
    "title": "Produits d'entretien écolabellisés",
    "kind": "technical_specification",
    "pillar": "environmental",
    "cpv": ["909"],
    "wording": "Les produits utilisés portent l'Écolabel européen ou un label équivalent.",
    "verification": {"means": ["label"], "description": "Fiches techniques et preuve du label."},
    "weight_range": None,
    "legal_basis": ["CR-03"],
    "decp_value": ["Clause environnementale"],
    "eforms": "BT-06: env-imp",
    "pitfalls": ["Toujours écrire « ou équivalent »."],
    "sources": [{"title": "Code de la commande publique, art. L. 2111-2", "reference": "L2111-2"}],
    "keywords": ["écolabel"],
}

VALID_CRITERION: dict[str, Any] = {
    **copy.deepcopy(VALID_ENTRY),
    "id": "NETT-ENV-002",
    "title": "Performance environnementale des protocoles de nettoyage",
    "kind": "award_criterion",
    "weight_range": [10, 20],
    "legal_basis": ["CR-06", "AW-01"],
    "decp_value": ["Critère environnemental"],
}


@pytest.fixture
def entry() -> dict[str, Any]:
    """A valid technical specification of the nettoyage family (a fresh copy per test)."""
    return copy.deepcopy(VALID_ENTRY)


@pytest.fixture
def criterion() -> dict[str, Any]:
    """A valid environmental award criterion of the nettoyage family."""
    return copy.deepcopy(VALID_CRITERION)


@pytest.fixture
def write_family(tmp_path: Path):
    """Write ``entries`` as ``<family>.yaml`` in a fresh directory and return the directory."""

    def write(
        *entries: dict[str, Any], family: str = "nettoyage", filename: str | None = None
    ) -> Path:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        document = {"family": family, "label": "Nettoyage", "version": 1, "entries": list(entries)}
        (folder / (filename or f"{family}.yaml")).write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        return folder

    return write
