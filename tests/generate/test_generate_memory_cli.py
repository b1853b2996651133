"""Memory stays bounded (streaming output) and the ``ancrage generate`` command works."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ancrage.cli import app
from ancrage.generate import generate, pool_sizes


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_contracts(tmp_path: Path) -> None:
    generate(200, 1, tmp_path / "warm" / "decp.json")  # imports and reference caches first
    peaks = {}
    for count in (20_000, 200_000):
        tracemalloc.start()
        summary = generate(count, 1, tmp_path / str(count) / "decp.json")
        peaks[count] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert summary.records_written >= count
    # 200 000 contracts make a file of about 200 MB; the generator holds a few tens of MB:
    # the communes, the pools (which grow slower than N and stop at the national figures)
    # and a window of 64 recent records.
    assert peaks[200_000] < 64 * 2**20
    assert peaks[200_000] < peaks[20_000] + 24 * 2**20
    assert (tmp_path / "200000" / "decp.json").stat().st_size > 150 * 2**20


def test_pools_grow_slower_than_contracts_and_stop_at_national_figures() -> None:
    # 26 773 × (20 000 / 1 539 892) ** 0.5 and 193 799 × (20 000 / 1 539 892) ** 0.75
    assert pool_sizes(20_000) == (3_051, 7_456)
    assert pool_sizes(1_539_892) == (26_773, 193_799)
    assert pool_sizes(5_000_000) == (26_773, 193_799)
    assert pool_sizes(1) == (30, 200)


def test_cli_generate_writes_the_three_files(tmp_path: Path) -> None:
    output = tmp_path / "demo" / "decp.json"
    result = CliRunner().invoke(
        app,
        ["generate", "--contracts", "300", "--seed", "7", "--output", str(output)],
    )
    assert result.exit_code == 0, result.output
    assert "Marchés" in result.output and "294" in result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert len(data["marches"]["marche"]) >= 294
    assert len(data["marches"]["contrat-concession"]) == 6
    for name in (
        "StockEtablissement_synthetique.csv",
        "StockUniteLegale_synthetique.csv",
        "siae_synthetique.csv",
    ):
        assert (tmp_path / "demo" / name).stat().st_size > 100


def test_cli_refuses_zero_contracts_in_french(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["generate", "--contracts", "0", "--output", str(tmp_path / "d.json")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "d.json").exists()
