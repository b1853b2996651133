"""Fixtures of the generator tests: one 20 000-contract file shared by a worker's tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ancrage.generate import GenerationSummary, generate

SEED = 20_000


@dataclass
class Generated:
    summary: GenerationSummary
    marches: list[dict[str, Any]]
    concessions: list[dict[str, Any]]
    establishments: dict[str, dict[str, str]]  # siret -> row
    units: dict[str, dict[str, str]]  # siren -> row
    siae: list[dict[str, str]]


def read_generated(summary: GenerationSummary) -> Generated:
    with summary.output.open(encoding="utf-8") as handle:
        data = json.load(handle)
    with summary.sirene_establishments_file.open(encoding="utf-8", newline="") as handle:
        establishments = {row["siret"]: row for row in csv.DictReader(handle)}
    with summary.sirene_units_file.open(encoding="utf-8", newline="") as handle:
        units = {row["siren"]: row for row in csv.DictReader(handle)}
    with summary.siae_file.open(encoding="utf-8", newline="") as handle:
        siae = list(csv.DictReader(handle))
    return Generated(
        summary=summary,
        marches=data["marches"]["marche"],
        concessions=data["marches"]["contrat-concession"],
        establishments=establishments,
        units=units,
        siae=siae,
    )


@pytest.fixture(scope="session")
def generated_20k(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """A default (defects included) file of 20 000 contracts and its SIRENE/SIAE files."""
    folder = tmp_path_factory.mktemp("generated-20k")
    return read_generated(generate(20_000, SEED, folder / "decp.json"))


@pytest.fixture(scope="session")
def clean_file(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """A file of 3 000 contracts generated without defects."""
    folder = tmp_path_factory.mktemp("generated-clean")
    return read_generated(generate(3_000, 11, folder / "decp.json", defects=False))


@pytest.fixture(scope="session")
def schema(real_dir: Path) -> dict[str, Any]:
    path = real_dir / "schemas" / "decp-2022" / "schema_decp_v2.0.3.json"
    return json.loads(path.read_text(encoding="utf-8"))
