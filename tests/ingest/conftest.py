"""Helpers for ingestion tests: import files into a fresh warehouse and query it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ancrage.ingest.pipeline import run_import
from ancrage.warehouse import connect


@pytest.fixture
def ingest(data_dir: Path):
    """Import sources into the test warehouse; return the report."""

    def _ingest(*sources: Path | str) -> dict[str, Any]:
        return run_import([str(s) for s in sources], data_dir=data_dir)

    return _ingest


@pytest.fixture
def query(data_dir: Path):
    def _query(sql: str, *params: Any) -> list[tuple]:
        return connect(data_dir).execute(sql, list(params)).fetchall()

    return _query
