"""Synthetic DECP 2022 data for demos and benchmarks (``ancrage generate``).

``generate()`` writes a realistic DECP 2022 JSON file (schema 2.0.3 shape, one record per line),
the matching synthetic SIRENE stock files and a list of inclusive structures (SIAE). The figures
it follows are in ``calibration`` and documented in ``docs/generator-calibration.md``.
"""

from __future__ import annotations

from ancrage.generate.core import GenerationSummary, generate, pool_sizes
from ancrage.generate.errors import GenerationError

__all__ = ["GenerationError", "GenerationSummary", "generate", "pool_sizes"]
