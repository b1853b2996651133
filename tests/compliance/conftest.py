"""Fixtures of the compliance tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .builders import MINI_LIBRARY


@pytest.fixture
def mini_library(tmp_path: Path):
    """A four-entry référentiel in the documented format, loaded through ``ancrage.clauses``."""
    from ancrage.clauses import load_library

    path = tmp_path / "nettoyage.yaml"
    path.write_text(yaml.safe_dump(MINI_LIBRARY, allow_unicode=True), encoding="utf-8")
    return load_library(path)
