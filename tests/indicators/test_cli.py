"""``ancrage indicators list|compute`` on a tiny warehouse built from the golden fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from indicator_fixtures import load_inputs
from openpyxl import load_workbook
from typer.testing import CliRunner

from ancrage.cli import app
from ancrage.warehouse import connect
from ancrage.warehouse.schema import TABLES

A, B = "21000000100013", "21000000200011"
runner = CliRunner()


@pytest.fixture
def warehouse(data_dir: Path) -> Path:
    """Snapshot "s1": the contracts and awardees of the "responsible" set, no SIRENE."""
    snapshot = data_dir / "snapshots" / "s1"
    snapshot.mkdir(parents=True)
    tables = load_inputs("responsible")
    for name, schema in TABLES.items():
        pq.write_table(tables.get(name, schema.empty_table()), snapshot / f"{name}.parquet")
    (data_dir / "CURRENT").write_text("s1\n")
    return data_dir


def by_id(card: dict) -> dict[str, dict]:
    return {e["id"]: e for e in card["indicators"] if e["category"] is None}


def test_list_shows_the_catalogue() -> None:
    result = runner.invoke(app, ["indicators", "list"])
    assert result.exit_code == 0, result.output
    assert "social_share" in result.output and "local_share_by_responsible" in result.output
    assert "30,0 %" in result.output


def test_compute_json_scorecard(warehouse: Path) -> None:
    result = runner.invoke(app, ["indicators", "compute", "--buyer", A, "--format", "json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["buyer"]["id"] == A
    assert card["period"] == {"from": None, "to": None}
    assert card["territory"]["kind"] == "departement"
    social = by_id(card)["social_share"]
    assert (social["value"], social["numerator"], social["denominator"]) == (60.0, 3.0, 5.0)
    assert (social["target"], social["gap"], social["unit"]) == (30.0, 30.0, "%")
    # Alone in no peer group (no SIRENE): no peer figures, but the keys are there.
    assert social["peer_median"] is None and social["peer_percentile"] is None
    # No SIRENE data: local indicators are "not available" with a reason, not 0.
    local = by_id(card)["local_share"]
    assert local["available"] is False and local["value"] is None and local["reason"]


def test_compute_year_and_breakdown(warehouse: Path) -> None:
    result = runner.invoke(
        app, ["indicators", "compute", "--buyer", A, "--year", "2023", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["period"] == {"from": "2023-01-01", "to": "2023-12-31"}
    assert by_id(card)["social_share"]["available"] is False  # c6 only, 2019 format
    result = runner.invoke(
        app, ["indicators", "compute", "--buyer", A, "--by", "year", "--format", "json"]
    )
    card = json.loads(result.stdout)
    social = {e["year"]: e["value"] for e in card["indicators"] if e["id"] == "social_share"}
    assert social == {2023: None, 2024: 60.0}


def test_compute_csv_and_xlsx(warehouse: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["indicators", "compute", "--buyer", A, "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.startswith("id,label,category,category_label,value")
    assert any(line.startswith("social_share,") and ",60.0," in line for line in lines)
    path = tmp_path / "tableau.xlsx"
    result = runner.invoke(
        app, ["indicators", "compute", "--buyer", A, "--format", "xlsx", "--output", str(path)]
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    sheet = book["Indicateurs"]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Identifiant", "Indicateur"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["social_share"][headers.index("Valeur")] == 60.0
    params = dict(book["Paramètres"].iter_rows(values_only=True))
    assert params["Acheteur (SIRET)"] == A


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--buyer", "99999999999999"], "Acheteur inconnu"),
        (["--buyer", "123"], "SIRET invalide"),
        (["--buyer", A, "--territory", "canton"], "Territoire inconnu"),
        (["--buyer", A, "--format", "pdf"], "Format inconnu"),
        (["--buyer", A, "--year", "2024", "--from", "2024-01-01"], "pas les deux"),
        (["--buyer", A, "--from", "2024-13-01"], "Date illisible"),
        (["--buyer", A, "--by", "departement"], "Ventilation inconnue"),
        (["--buyer", A, "--format", "xlsx"], "--output"),
        ([], "--buyer SIRET, soit --all"),
    ],
)
def test_errors_are_french_with_exit_code_2(warehouse: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["indicators", "compute", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_compute_all_writes_indicator_values(warehouse: Path) -> None:
    result = runner.invoke(app, ["indicators", "compute", "--all"])
    assert result.exit_code == 0, result.output
    assert "indicator_values" in result.output
    con = connect()
    rows = con.execute(
        "SELECT buyer_id, year, value, numerator, denominator, territory FROM indicator_values "
        "WHERE indicator_id = 'social_share' ORDER BY buyer_id, year"
    ).fetchall()
    assert rows == [
        (A, 2023, None, 0.0, 0.0, "departement"),
        (A, 2024, 60.0, 3.0, 5.0, "departement"),
        (B, 2023, None, 0.0, 0.0, "departement"),
    ]
    # The other tables of the snapshot are still there.
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (7,)
