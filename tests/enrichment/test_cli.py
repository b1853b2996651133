"""``ancrage sirene import`` and ``import-inclusive`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from ancrage.cli import app

from . import builders as b

runner = CliRunner()


def test_sirene_import_command_writes_the_report(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    establishments, units = b.write_sirene_csv(tmp_path)
    report_path = tmp_path / "rapport" / "sirene.json"
    result = runner.invoke(
        app,
        ["sirene", "import", str(establishments), str(units), "--report-json", str(report_path)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Établissements" in result.output and "Unités légales" in result.output
    assert "1 × code commune illisible (mis à vide)" in result.output
    report = json.loads(report_path.read_text())
    assert report["tables"]["establishments"]["written"] == 8
    assert report["tables"]["legal_units"]["written"] == 6


def test_sirene_import_on_empty_warehouse_explains(data_dir: Path, tmp_path: Path) -> None:
    establishments, _ = b.write_sirene_csv(tmp_path)
    result = runner.invoke(app, ["sirene", "import", str(establishments)])
    assert result.exit_code == 1
    assert "L'entrepôt est vide" in result.output


def test_missing_file_explains(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    result = runner.invoke(app, ["sirene", "import", str(tmp_path / "absent.csv")])
    assert result.exit_code == 1
    assert "Fichier introuvable" in result.output


def test_import_inclusive_command(data_dir: Path, tmp_path: Path) -> None:
    b.scenario_warehouse(data_dir)
    path = tmp_path / "siae.csv"
    path.write_text("siret,name,kind\n11111111100011,ALPHA,EI\n123,X,AI\n", encoding="utf-8")
    result = runner.invoke(app, ["sirene", "import-inclusive", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2 lignes lues, 1 écrites, 1 SIRET illisibles" in result.output
    assert "Par type : EI 1" in result.output
    assert "ligne 3 : SIRET absent ou qui n'a pas 14 chiffres" in result.output
