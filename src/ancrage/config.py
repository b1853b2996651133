"""Settings of the analytical core, read from the environment once, without side effects.

Every setting is listed in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Directory of the warehouse (``ANCRAGE_DATA_DIR``, default ``./data``).

    Read at call time so that tests and the CLI can point to another directory.
    """
    return Path(os.environ.get("ANCRAGE_DATA_DIR", "data")).resolve()


def cache_dir() -> Path:
    """Directory for downloaded sources (``ANCRAGE_CACHE_DIR``, default ``<data>/cache``)."""
    value = os.environ.get("ANCRAGE_CACHE_DIR")
    return Path(value).resolve() if value else data_dir() / "cache"


def download_timeout() -> float:
    """Seconds before a network download gives up (``ANCRAGE_DOWNLOAD_TIMEOUT``, default 60)."""
    return float(os.environ.get("ANCRAGE_DOWNLOAD_TIMEOUT", "60"))
