"""Data quality of the buyer's own publications: the issues recorded at import, as a checklist.

One row per (group, rule) for every rule seen anywhere in ``quality_issues``, including rules
with no issue in the group (0 %), so that a buyer's checklist and the peer comparison see the
clean buyers too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ibis.expr.types import Table

from ancrage.indicators.base import Indicator, aggregate, ratio

if TYPE_CHECKING:
    from ancrage.indicators.inputs import IndicatorInputs


@dataclass(frozen=True, kw_only=True)
class DataQuality(Indicator):
    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = inputs.contract_base
        issues = inputs.quality_issues
        issues = issues.filter(issues.contract_id.notnull() & issues.rule.notnull())
        # Several issues of one rule on one contract (e.g. two fields) count the contract once.
        issues = issues.select("contract_id", "rule").distinct()
        affected = base.join(issues, "contract_id")
        per_rule = affected.group_by([*keys, "rule"]).aggregate(numerator=affected.count())
        totals = aggregate(base, keys, denominator=base.count())
        rules = issues.select(category=issues.rule).distinct()
        grid = totals.cross_join(rules)
        # Breakdown keys may be NULL (unknown year, family…): match them null-safely.
        on = [grid[k].identical_to(per_rule[k]) for k in keys] + [grid.category == per_rule.rule]
        joined = grid.left_join(per_rule, on)
        numerator = joined.numerator.fill_null(0).cast("float64")
        return joined.select(
            *keys,
            category=joined.category,
            numerator=numerator,
            denominator=joined.denominator.cast("float64"),
            value=ratio(numerator, joined.denominator.cast("float64")),
        )


INDICATORS: list[Indicator] = [
    DataQuality(
        id="data_quality",
        label="Qualité des données publiées (liste de contrôle)",
        theme="quality",
        definition=(
            "Pour chaque règle de contrôle appliquée à l'import (montant aberrant, CPV invalide, "
            "« Pas de considération » combinée à une autre valeur…), part des contrats de "
            "l'acheteur sur la période qui présentent au moins une anomalie de cette règle."
        ),
        numerator="Nombre de contrats de l'acheteur avec au moins une anomalie de la règle",
        denominator="Nombre de contrats de l'acheteur sur la période",
        fields=("tous les champs contrôlés à l'import (voir quality_issues.field)",),
        unit="%",
        why=(
            "Des données fiables sont la condition de tous les autres indicateurs ; la liste "
            "montre à l'acheteur quoi corriger dans ses publications, règle par règle."
        ),
        exclusions=(
            "Enregistrements mis en quarantaine (illisibles) : ils ne sont pas des contrats de "
            "l'entrepôt, voir le rapport d'import.",
            "Anomalies non rattachées à un contrat.",
        ),
        assumptions=(
            "Une règle déclenchée plusieurs fois sur un même contrat compte une fois.",
            "Les règles listées sont celles rencontrées dans l'entrepôt ; une règle absente de "
            "l'entrepôt n'apparaît pas.",
        ),
        caveats=("Plus la valeur est basse, meilleure est la qualité.",),
        example=(
            "Jeu « quality » : l'acheteur A a 4 contrats ; c1 a les anomalies amount_outlier et "
            "cpv_invalid, c2 a deux anomalies amount_outlier (deux champs). L'acheteur B a 1 "
            "contrat, c5, avec cpv_invalid. A : amount_outlier 2/4 = 50 %, cpv_invalid 1/4 = 25 % ; "
            "B : amount_outlier 0/1 = 0 %, cpv_invalid 1/1 = 100 %."
        ),
        source="Éclaireur Public (score de transparence) ; opentender TRANSPARENCY_* ; "
        "decp-format §6.",
        unavailable_reason="Aucun contrat sur la période.",
        higher_is_better=False,
        categories=(),
    ),
]
