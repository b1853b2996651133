"""Shared fixtures: where the real files live, and an isolated warehouse per test."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = (REPO.parent / "shared" / "data" / "real").resolve()


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """``../shared/data/real``: official examples, real records and reference tables (read-only)."""
    assert REAL.is_dir(), f"données réelles introuvables : {REAL}"
    return REAL


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty warehouse directory, set as ``ANCRAGE_DATA_DIR`` for the test."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(path))
    return path
