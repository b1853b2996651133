"""Peer benchmarking: the peer median and the buyer's percentile within its peer group.

Peers are the buyers with the same ``buyer_profiles.peer_group`` (same kind of buyer and size
band, e.g. communes of 3 500 to 10 000 inhabitants), compared on the same indicator, category and
breakdown cell (e.g. the same year). Only buyers whose value is available take part.

Percentile (mid-rank, as ``scipy.stats.percentileofscore(kind="mean")``)::

    peer_percentile = 100 × (number of peers with a lower value + ½ × number with an equal value)
                      / number of peers with a value

The buyer counts among its own peers (its equal values include itself), so a buyer alone in its
group is at the 50th percentile, the lowest of 4 distinct values at 12.5 and the highest at 87.5.
The percentile says where the buyer stands, not whether that is good: see ``higher_is_better``.
``peer_median`` is the median of the same values (mean of the two middle ones for an even count).
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table


def with_peers(table: Table, buyer_profiles: Table, keys: list[str]) -> Table:
    """Add ``peer_group``, ``peer_median``, ``peer_percentile`` and ``peer_count`` columns.

    ``table`` has ``indicator_id``, ``keys`` (which must include ``buyer_id``), ``category`` and
    ``value``. Rows of a buyer without a peer group get NULL peer columns.
    """
    if "buyer_id" not in keys:
        return table.mutate(
            peer_group=ibis.null("string"),
            peer_median=ibis.null("float64"),
            peer_percentile=ibis.null("float64"),
            peer_count=ibis.null("int64"),
        )
    profiles = buyer_profiles.select(profile_buyer=buyer_profiles.buyer_id, peer_group="peer_group")
    joined = table.left_join(profiles, table.buyer_id == profiles.profile_buyer).drop(
        "profile_buyer"
    )
    joined = joined.mutate(_has=joined.value.notnull() & joined.peer_group.notnull())
    part = ["peer_group", "indicator_id", "category", *(k for k in keys if k != "buyer_id")]
    # Ranks are taken among rows with a value only, so that where a backend sorts NULLs (first
    # in Spark, last in DuckDB) cannot shift them.
    lower = ibis.rank().over(group_by=[*part, "_has"], order_by=joined.value)
    count = joined.value.count().over(group_by=part)
    equal = joined.value.count().over(group_by=[*part, "value"])
    median = joined.value.median().over(group_by=part)
    grouped = joined.peer_group.notnull()
    result = joined.mutate(
        peer_median=ibis.ifelse(grouped & (count > 0), median, ibis.null("float64")),
        peer_percentile=ibis.ifelse(
            joined._has,
            (lower.cast("float64") + 0.5 * equal.cast("float64")) * 100.0 / count.cast("float64"),
            ibis.null("float64"),
        ),
        peer_count=ibis.ifelse(grouped, count.cast("int64"), ibis.null("int64")),
    )
    return result.drop("_has")
