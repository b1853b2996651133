"""The indicator plug-in contract and the aggregation helpers shared by the families.

An indicator is an instance of a subclass of ``Indicator``: its metadata (French texts for the
documentation page) and ``compute(inputs, group_by)``, an ibis expression returning one row per
group with ``category`` (NULL unless the indicator has categories), ``value``, ``numerator`` and
``denominator``. A group whose denominator is 0 gets ``value`` NULL: the engine reports it as
"not available" with ``unavailable_reason``, never as 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import BooleanValue, Table, Value

from ancrage.indicators.prepare import check_group_by

if TYPE_CHECKING:
    from ancrage.indicators.inputs import IndicatorInputs

RESULT_COLUMNS = ("category", "value", "numerator", "denominator")

THEMES: dict[str, str] = {
    "responsible": "Achat responsable",
    "local": "Achat local",
    "fabric": "Tissu économique",
    "competition": "Concurrence",
    "other": "Autres caractéristiques des contrats",
    "cross": "Analyse croisée",
    "quality": "Qualité des données",
}

Mask = Callable[[Table], BooleanValue]


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """Metadata shared by every indicator; subclasses implement ``_compute``."""

    id: str
    label: str
    theme: str
    definition: str
    numerator: str  # the formula, in words
    denominator: str
    fields: tuple[str, ...]  # DECP / SIRENE fields used, as those formats spell them
    unit: str  # "%", "km", "offres", "indice"
    why: str
    exclusions: tuple[str, ...]
    assumptions: tuple[str, ...]
    caveats: tuple[str, ...] = ()
    example: str
    source: str
    unavailable_reason: str
    min_schema: str | None = None  # "2022": contracts of the 2019 format are excluded
    target: float | None = None  # national target, same unit as the value
    target_source: str | None = None
    higher_is_better: bool | None = None
    categories: tuple[tuple[str, str], ...] = ()  # (id, French label)
    level: str = "contract"  # "contract" | "supplier" (multi-awardee split applies)
    territory_dependent: bool = False

    def compute(self, inputs: IndicatorInputs, group_by: list[str]) -> Table:
        """One row per group: ``group_by`` keys, category, value, numerator, denominator."""
        keys = check_group_by(group_by)
        return _finish(self._compute(inputs, keys), keys)

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        raise NotImplementedError

    @property
    def category_labels(self) -> dict[str, str]:
        return dict(self.categories)


def _finish(table: Table, keys: list[str]) -> Table:
    category = table.category if "category" in table.columns else ibis.null("string")
    return table.select(
        *keys,
        category=category.cast("string"),
        value=table.value.cast("float64"),
        numerator=table.numerator.cast("float64"),
        denominator=table.denominator.cast("float64"),
    )


def aggregate(table: Table, keys: list[str], **metrics: Value) -> Table:
    """``GROUP BY keys`` (or a single total row when ``keys`` is empty)."""
    return table.group_by(keys).aggregate(**metrics) if keys else table.aggregate(**metrics)


def ratio(numerator: Value, denominator: Value, scale: float = 100.0) -> Value:
    """numerator × scale / denominator, NULL (not available) when the denominator is not > 0."""
    return ibis.ifelse(denominator > 0, numerator * scale / denominator, ibis.null("float64"))


def weighted_sum(mask: BooleanValue, weight: Value) -> Value:
    """Σ weight over the rows where ``mask`` is true (a NULL mask counts as false)."""
    return ibis.ifelse(mask.fill_null(False), weight, 0.0).sum()


@dataclass(frozen=True, kw_only=True)
class Share(Indicator):
    """Share of the eligible rows (or of their amount) that satisfy ``flag``.

    ``level="contract"`` reads the contract base (weight 1, amount = contract amount);
    ``level="supplier"`` reads the awardee base, or the locality base when ``territory_dependent``
    (weight 1/n, amount/n).
    """

    flag: Mask
    eligible: Mask
    by_amount: bool = False

    def _base(self, inputs: IndicatorInputs) -> Table:
        if self.level == "contract":
            return inputs.contract_base
        return inputs.locality_base if self.territory_dependent else inputs.awardee_base

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = self._base(inputs)
        eligible = self.eligible(base).fill_null(False)
        if self.by_amount:
            amount = base.amount if self.level == "contract" else base.amount_share
            weight, eligible = amount, eligible & amount.notnull()
        else:
            weight = ibis.literal(1.0) if self.level == "contract" else base.weight
        agg = aggregate(
            base,
            keys,
            numerator=weighted_sum(eligible & self.flag(base).fill_null(False), weight),
            denominator=weighted_sum(eligible, weight),
        )
        return agg.mutate(value=ratio(agg.numerator, agg.denominator))


def unpivot(agg: Table, keys: list[str], parts: list[tuple[str, str, str]], scale: float) -> Table:
    """Rows per category from one wide aggregate: ``parts`` = (category, num column, den column)."""
    rows = [
        agg.select(
            *keys,
            category=ibis.literal(category),
            numerator=agg[num].cast("float64"),
            denominator=agg[den].cast("float64"),
        )
        for category, num, den in parts
    ]
    long = rows[0].union(*rows[1:]) if len(rows) > 1 else rows[0]
    return long.mutate(value=ratio(long.numerator, long.denominator, scale))
