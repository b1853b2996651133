"""The table of docs/donnees-reelles.md is rebuilt from the real files and must still be true."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "real_files_table.py"


@pytest.mark.slow
def test_real_files_table_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("real_files_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.build_table()
    assert (
        "| `records/decp-2019/decp-rama_2019-04-04_data.gouv.fr_aife.json` | decp-2019-json | 4530 | 4299 | 6 | 225 |"
        in table
    )
    assert table == module.current_table(), (
        "Relancez : .venv/bin/python scripts/real_files_table.py"
    )
