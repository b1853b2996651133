"""The example consultations shipped in docs/: exact findings, DECP preview, JSON shape."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from ancrage.compliance import check_file, render_json

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "exemples" / "consultations"

EXPECTED = {
    # School catering above the EU threshold (1.2 M€ ≥ 216 000 €), launched 15 September 2026:
    # every climate obligation met; only the reservation hint of Proposition 5 remains.
    "restauration-scolaire.yaml": [("RES-03", "advice")],
    # Road works of 350 000 € (< 5 404 000 € EU works threshold) in MAPA, BOAMP + profil: compliant.
    "voirie-mapa.yaml": [],
    # State office supplies, 180 000 € ≥ 140 000 € (State threshold): social clause derogation
    # recorded (advice), no sourcing although ≥ 90 000 € policy threshold.
    "fournitures-bureau-etat.yaml": [("CR-05", "advice"), ("TH-01", "to_fix")],
    # Localism in two criteria, an undefined carbon criterion, automatic rejection of low offers.
    "espaces-verts-localisme.yaml": [
        ("LOC-01", "blocking"),
        ("LOC-01", "blocking"),
        ("AW-04", "to_fix"),
        ("LOC-03", "advice"),
        ("RES-03", "advice"),
    ],
}
PREVIEWS = {
    "restauration-scolaire.yaml": (
        ["Clause sociale"],
        ["Critère environnemental", "Clause environnementale"],
    ),
    "voirie-mapa.yaml": (
        ["Pas de considération sociale"],
        ["Critère environnemental", "Clause environnementale"],
    ),
    "fournitures-bureau-etat.yaml": (
        ["Pas de considération sociale"],
        ["Critère environnemental", "Clause environnementale"],
    ),
    "espaces-verts-localisme.yaml": (
        ["Pas de considération sociale"],
        ["Critère environnemental", "Clause environnementale"],
    ),
}


def test_every_example_is_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_exact_findings(name: str) -> None:
    report = check_file(EXAMPLES / name)
    assert Counter((f.rule, f.severity) for f in report.findings) == Counter(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(PREVIEWS))
def test_example_decp_preview(name: str) -> None:
    preview = check_file(EXAMPLES / name).decp_preview
    social, env = PREVIEWS[name]
    assert preview["considerationsSociales"]["considerationSociale"] == social
    assert preview["considerationsEnvironnementales"]["considerationEnvironnementale"] == env


@pytest.mark.parametrize("name", sorted(PREVIEWS))
def test_decp_preview_validates_against_the_official_schema(name: str, real_dir: Path) -> None:
    schema = json.loads((real_dir / "schemas/decp-2022/schema_decp_v2.0.3.json").read_text("utf-8"))
    preview = check_file(EXAMPLES / name).decp_preview
    for field in ("considerationsSociales", "considerationsEnvironnementales"):
        validator = Draft7Validator(
            {
                "definitions": schema["definitions"],
                "$ref": f"#/definitions/marche/properties/{field}",
            }
        )
        assert list(validator.iter_errors(preview[field])) == []


def test_reserved_contract_declares_only_marche_reserve() -> None:
    from ancrage.compliance import check_consultation, parse_consultation

    from .builders import consultation

    data = consultation(reserved="ea_esat")
    data["award_criteria"][1]["kind"] = "social"
    data["execution_conditions"].append({"kind": "social", "description": "Insertion."})
    preview = check_consultation(parse_consultation(data)).decp_preview
    assert preview["considerationsSociales"]["considerationSociale"] == ["Marché réservé"]


def test_json_shape() -> None:
    data = json.loads(render_json(check_file(EXAMPLES / "espaces-verts-localisme.yaml")))
    assert set(data) >= {"findings", "decp_preview"}
    finding = data["findings"][0]
    assert set(finding) == {"rule", "severity", "message", "reference", "suggestions"}
    assert finding["rule"] == "LOC-01" and finding["severity"] == "blocking"
    assert finding["reference"].startswith("L. 3 CCP")
