"""``ancrage check``: formats, output file, exit codes, policy options, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ancrage.cli import app

from .builders import consultation

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "exemples" / "consultations"
runner = CliRunner()


def test_text_report_grouped_by_severity() -> None:
    result = runner.invoke(app, ["check", str(EXAMPLES / "espaces-verts-localisme.yaml")])
    assert result.exit_code == 1  # blocking findings
    out = result.stdout
    assert "Bilan : 2 bloquants, 1 à corriger, 2 conseils" in out
    assert (
        out.index("== Bloquant (2) ==")
        < out.index("== À corriger (1) ==")
        < out.index("== Conseil (2) ==")
    )
    assert "considerationsSociales : Pas de considération sociale" in out


def test_json_report_to_file(tmp_path: Path) -> None:
    target = tmp_path / "rapport.json"
    args = [
        "check",
        str(EXAMPLES / "voirie-mapa.yaml"),
        "--format",
        "json",
        "--output",
        str(target),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    data = json.loads(target.read_text("utf-8"))
    assert data["findings"] == []
    assert data["regime"]["eu_threshold_ht"] == 5_404_000


def test_json_file_input(tmp_path: Path) -> None:
    path = tmp_path / "consultation.json"
    path.write_text(json.dumps(consultation()), encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"] == []


def test_sourcing_threshold_options(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        yaml.safe_dump(consultation(estimated_amount_ht=85_000, sourcing={"done": False})), "utf-8"
    )
    default = json.loads(runner.invoke(app, ["check", str(path), "--format", "json"]).stdout)
    assert [f["rule"] for f in default["findings"]] == []
    lowered = runner.invoke(
        app, ["check", str(path), "--format", "json", "--sourcing-threshold-other", "80000"]
    )
    assert [f["rule"] for f in json.loads(lowered.stdout)["findings"]] == ["TH-01"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("object: [", "syntaxe invalide"),
        ("- a\n- b\n", "doit être un objet"),
        (
            yaml.safe_dump({**consultation(), "estimated_amount_ht": "120 000 €"}),
            "estimated_amount_ht",
        ),
        (yaml.safe_dump({**consultation(), "cpv": "5552"}), "« cpv »"),
        (yaml.safe_dump({**consultation(), "buyer_kind": "mairie"}), "buyer_kind"),
        (yaml.safe_dump({**consultation(), "launch_date": "15/09/2026"}), "AAAA-MM-JJ"),
        (yaml.safe_dump({**consultation(), "justifications": {"CR-99": "x"}}), "CR-99"),
        (yaml.safe_dump({**consultation(), "montant": 3}), "champ(s) inconnu(s) : montant"),
    ],
)
def test_bad_file_exit_code_2_with_french_message(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "mauvais.yaml"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "fichier introuvable" in result.stderr
