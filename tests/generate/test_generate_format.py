"""The generated file: envelope, one record per line, schema 2.0.3 validity, determinism."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ancrage.generate import GenerationError, generate
from ancrage.generate.calibration import SCHEMA_BREAKING_DEFECTS

from .conftest import Generated


def _validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema)


def _is_valid(validator: jsonschema.Draft7Validator, kind: str, record: dict[str, Any]) -> bool:
    return validator.is_valid({"marches": {kind: [record]}})


def test_one_record_per_line_inside_the_official_envelope(clean_file: Generated) -> None:
    lines = clean_file.summary.output.read_text(encoding="utf-8").split("\n")
    assert lines[0] == '{"marches": {"marche": ['
    separator = lines.index('], "contrat-concession": [')
    assert lines[-2:] == ["]}}", ""]
    marches = lines[1:separator]
    concessions = lines[separator + 1 : -2]
    assert len(marches) == clean_file.summary.marches == 2_940
    assert len(concessions) == clean_file.summary.concessions == 60
    # Every line is one complete record, followed by a comma except the last of its array.
    assert all(line.endswith(",") for line in marches[:-1])
    assert json.loads(marches[0].rstrip(","))["id"] == clean_file.marches[0]["id"]
    assert json.loads(concessions[-1])["id"] == clean_file.concessions[-1]["id"]


def test_records_without_defects_validate_against_schema_2_0_3(
    clean_file: Generated, schema: dict[str, Any]
) -> None:
    validator = _validator(schema)
    sample = random.Random(5).sample(clean_file.marches, 300)
    invalid = [record["id"] for record in sample if not _is_valid(validator, "marche", record)]
    assert invalid == []
    assert all(
        _is_valid(validator, "contrat-concession", record) for record in clean_file.concessions
    )
    # The whole clean file validates as one document too.
    document = json.loads(clean_file.summary.output.read_text(encoding="utf-8"))
    assert "marche" in document["marches"] and "contrat-concession" in document["marches"]


def test_only_injected_defects_break_the_schema(
    generated_20k: Generated, schema: dict[str, Any]
) -> None:
    validator = _validator(schema)
    invalid = sum(not _is_valid(validator, "marche", record) for record in generated_20k.marches)
    breaking = sum(
        count
        for kind, count in generated_20k.summary.defects.items()
        if kind in SCHEMA_BREAKING_DEFECTS
    )
    # Each schema-breaking defect makes exactly one invalid record; nothing else is invalid.
    assert invalid == breaking
    assert 100 < breaking < 400


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate(1_500, 99, tmp_path / "a" / "decp.json")
    second = generate(1_500, 99, tmp_path / "b" / "decp.json")
    other = generate(1_500, 100, tmp_path / "c" / "decp.json")
    for name in ("output", "sirene_establishments_file", "sirene_units_file", "siae_file"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes(), name
    assert first.output.read_bytes() != other.output.read_bytes()


def test_default_sirene_folder_is_the_output_folder(tmp_path: Path) -> None:
    summary = generate(100, 1, tmp_path / "out" / "decp.json")
    assert (
        summary.sirene_establishments_file
        == tmp_path / "out" / "StockEtablissement_synthetique.csv"
    )
    assert summary.sirene_units_file == tmp_path / "out" / "StockUniteLegale_synthetique.csv"
    assert summary.siae_file == tmp_path / "out" / "siae_synthetique.csv"
    custom = generate(
        100, 1, tmp_path / "x.json", sirene_dir=tmp_path / "s", siae_file=tmp_path / "i.csv"
    )
    assert custom.sirene_units_file.parent == tmp_path / "s"
    assert custom.siae_file.read_text(encoding="utf-8").startswith("siret,name,brand,kind")


def test_zero_contracts_is_a_clear_french_error(tmp_path: Path) -> None:
    with pytest.raises(GenerationError, match="au moins 1"):
        generate(0, 1, tmp_path / "decp.json")
