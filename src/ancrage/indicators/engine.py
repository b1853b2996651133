"""The engine: every selected indicator for every group, in one long table, with peers.

``compute`` unions the per-indicator expressions into one ibis expression; ``evaluate`` adds the
metadata (unit, target, gap, availability and its reason) and the peer benchmarks, and returns
an ordered ibis expression. Nothing here is specific to DuckDB: the same expression runs on any
ibis backend that holds the inputs (DuckDB by default, PySpark in the tests).
"""

from __future__ import annotations

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from ancrage.indicators.base import Indicator
from ancrage.indicators.inputs import IndicatorInputs
from ancrage.indicators.peers import with_peers
from ancrage.indicators.prepare import check_group_by
from ancrage.indicators.registry import select

DEFAULT_GROUP_BY = ("buyer_id", "year")

# Columns of the evaluated table (and of the warehouse table ``indicator_values``), after the keys.
VALUE_COLUMNS = (
    "category",
    "value",
    "numerator",
    "denominator",
    "unit",
    "target",
    "gap",
    "available",
    "reason",
    "peer_group",
    "peer_median",
    "peer_percentile",
    "peer_count",
)


def compute(
    inputs: IndicatorInputs, group_by: list[str], indicators: list[Indicator] | None = None
) -> Table:
    """``indicator_id``, the keys, category, value, numerator, denominator for every indicator."""
    keys = check_group_by(group_by)
    parts = [
        ind.compute(inputs, keys)
        .mutate(indicator_id=ibis.literal(ind.id))
        .select("indicator_id", *keys, "category", "value", "numerator", "denominator")
        for ind in indicators or select()
    ]
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def metadata_table(indicators: list[Indicator]) -> Table:
    """A small table of per-indicator constants, joined to the results."""
    return ibis.memtable(
        pa.table(
            {
                "meta_id": [ind.id for ind in indicators],
                "position": pa.array(range(len(indicators)), pa.int64()),
                "unit": [ind.unit for ind in indicators],
                "target": pa.array([ind.target for ind in indicators], pa.float64()),
                "unavailable_reason": [ind.unavailable_reason for ind in indicators],
            }
        )
    )


def evaluate(
    inputs: IndicatorInputs,
    group_by: list[str] | tuple[str, ...] = DEFAULT_GROUP_BY,
    ids: list[str] | None = None,
    buyer: str | None = None,
) -> Table:
    """The full result: values, availability, target and gap, peer benchmarks; ordered.

    ``buyer`` keeps that buyer's rows only, after the peers were computed over all buyers.
    """
    keys = check_group_by(list(group_by))
    indicators = select(ids)
    long = compute(inputs, keys, indicators)
    meta = metadata_table(indicators)
    t = long.join(meta, long.indicator_id == meta.meta_id).drop("meta_id")
    available = t.value.notnull()
    t = t.mutate(
        available=available,
        reason=ibis.ifelse(available, ibis.null("string"), t.unavailable_reason),
        gap=t.value - t.target,
    ).drop("unavailable_reason")
    t = with_peers(t, inputs.buyer_profiles, keys)
    if buyer is not None:
        t = t.filter(t.buyer_id == buyer)
    t = t.order_by(["position", *keys, "category"]).drop("position")
    return t.select("indicator_id", *keys, *VALUE_COLUMNS)


def run(
    inputs: IndicatorInputs,
    group_by: list[str] | tuple[str, ...] = DEFAULT_GROUP_BY,
    ids: list[str] | None = None,
    buyer: str | None = None,
) -> pa.Table:
    """``evaluate`` executed on the backend of the inputs, as an Arrow table."""
    return evaluate(inputs, group_by, ids, buyer).to_pyarrow()
