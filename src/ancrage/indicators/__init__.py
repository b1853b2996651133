"""The indicator catalogue and engine (issue 3): one plug-in per indicator, written in ibis.

Public API:

- :data:`CATALOGUE`, :func:`get`: the indicator plug-ins (``id``, French ``label``, definition,
  formula, fields, unit, caveats, ``min_schema``, ``compute(inputs, group_by)``);
- :class:`IndicatorInputs` (six ibis tables + a :class:`Period`) and :func:`from_warehouse`;
- :func:`evaluate` (ibis expression) / :func:`run` (Arrow table): every indicator for every
  group, with availability, target and gap, and peer benchmarks;
- :data:`BREAKDOWNS`: the breakdown dimensions (year, family, cpv_division, procedure,
  amount_band).

The analytical core never imports Django.
"""

from __future__ import annotations

from ancrage.indicators.base import Indicator
from ancrage.indicators.engine import evaluate, run
from ancrage.indicators.inputs import IndicatorInputs, Period
from ancrage.indicators.prepare import AMOUNT_BANDS, BREAKDOWNS
from ancrage.indicators.registry import CATALOGUE, get, select
from ancrage.indicators.source import from_warehouse

__all__ = [
    "AMOUNT_BANDS",
    "BREAKDOWNS",
    "CATALOGUE",
    "Indicator",
    "IndicatorInputs",
    "Period",
    "evaluate",
    "from_warehouse",
    "get",
    "run",
    "select",
]
