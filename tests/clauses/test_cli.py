"""``ancrage clauses`` commands, run on the shipped référentiel."""

from __future__ import annotations

import csv
import json

import typer
from typer.testing import CliRunner

from ancrage.cli.clauses import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Racine de test."""

    register(app)
    return app


def _run(*args: str):
    return runner.invoke(_app(), ["clauses", *args], env={"COLUMNS": "200"})


def test_search_json() -> None:
    result = _run("search", "enrobés tièdes", "--cpv", "45233140", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [entry["id"] for entry in json.loads(result.output)] == ["TP-ENV-005"]


def test_search_table_and_no_result() -> None:
    result = _run("search", "enrobes tiedes")
    assert result.exit_code == 0
    assert "TP-ENV-005" in result.output
    assert "Enrobés à basse température" in result.output
    empty = _run("search", "zzzz")
    assert empty.exit_code == 0
    assert "Aucune entrée ne correspond à cette recherche." in empty.output


def test_search_rejects_bad_cpv() -> None:
    result = _run("search", "bio", "--cpv", "abc")
    assert result.exit_code == 2
    assert "Code CPV invalide : « abc »" in result.output


def test_show() -> None:
    result = _run("show", "transv-soc-002")
    assert result.exit_code == 0
    assert "TRANSV-SOC-002 — Marché ou lot réservé aux structures d'insertion" in result.output
    assert "Base juridique : RES-02" in result.output
    assert "Valeur DECP à déclarer : Marché réservé" in result.output
    # Placeholders in brackets are printed, not taken for rich markup.
    assert "Le marché [ou le lot n° X] est réservé" in result.output
    unknown = _run("show", "XX-ENV-999")
    assert unknown.exit_code == 1
    assert "Entrée inconnue du référentiel : XX-ENV-999" in unknown.output


def test_export_csv(tmp_path) -> None:
    output = tmp_path / "referentiel.csv"
    result = _run("export", "--format", "csv", "--output", str(output))
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert f"{len(rows)} entrées exportées au format csv" in result.output


def test_stats_json_counts_match_the_library() -> None:
    result = _run("stats", "--format", "json")
    assert result.exit_code == 0
    counts = json.loads(result.output)
    assert counts["transversal"]["reserved_contract"] == 5
    assert counts["transversal"]["total"] == 16
    assert counts["_total"]["total"] == sum(v["total"] for k, v in counts.items() if k != "_total")
    table = _run("stats")
    assert "Restauration collective" in table.output
