"""Cross-analysis: local share among contracts with and without responsible considerations.

The white paper (part 1, A.3) asks whether responsible clauses help or hurt local firms. This
indicator puts the two local shares side by side; it describes, it does not prove a cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ibis.expr.types import Table

from ancrage.indicators.base import Indicator, aggregate, unpivot, weighted_sum

if TYPE_CHECKING:
    from ancrage.indicators.inputs import IndicatorInputs

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("with_responsible", "Avec considération sociale ou environnementale"),
    ("without_responsible", "Sans considération sociale ni environnementale"),
    ("with_social", "Avec considération sociale"),
    ("without_social", "Sans considération sociale"),
    ("with_environmental", "Avec considération environnementale"),
    ("without_environmental", "Sans considération environnementale"),
)


@dataclass(frozen=True, kw_only=True)
class LocalShareByResponsible(Indicator):
    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = inputs.locality_base
        both = base.social_known & base.env_known
        responsible = base.social | base.environmental
        groups = {
            "with_responsible": both & responsible,
            "without_responsible": both & ~responsible,
            "with_social": base.social_known & base.social,
            "without_social": base.social_known & ~base.social,
            "with_environmental": base.env_known & base.environmental,
            "without_environmental": base.env_known & ~base.environmental,
        }
        located = base.local.notnull()
        metrics = {}
        for name, mask in groups.items():
            metrics[f"n_{name}"] = weighted_sum(mask & base.local.fill_null(False), base.weight)
            metrics[f"d_{name}"] = weighted_sum(mask & located, base.weight)
        agg = aggregate(base, keys, **metrics)
        parts = [(name, f"n_{name}", f"d_{name}") for name, _ in CATEGORIES]
        return unpivot(agg, keys, parts, 100.0)


INDICATORS: list[Indicator] = [
    LocalShareByResponsible(
        id="local_share_by_responsible",
        label="Part locale selon la présence de considérations responsables",
        theme="cross",
        level="supplier",
        territory_dependent=True,
        definition=(
            "Part des contrats (parts 1/n) attribués à des titulaires locaux, calculée séparément "
            "pour les contrats avec et sans considération sociale ou environnementale (et pour "
            "chacune des deux séparément)."
        ),
        numerator="Parts de contrat des titulaires locaux dans la catégorie",
        denominator="Parts de contrat des titulaires localisés dans la catégorie",
        fields=(
            "considerationsSociales",
            "considerationsEnvironnementales",
            "titulaires.id",
            "acheteur.id",
        ),
        unit="%",
        why=(
            "Répond à la question du livre blanc : les clauses responsables favorisent-elles ou "
            "pénalisent-elles les entreprises du territoire ? Comparez les deux catégories, par "
            "famille et par année."
        ),
        exclusions=(
            "Contrats au format 2019 (considérations non publiées) ; pour « avec / sans "
            "considération responsable », contrats dont l'une des deux listes manque.",
            "Titulaires non localisés (voir unlocated_supplier_share).",
        ),
        assumptions=(
            "Contrat à plusieurs titulaires : 1/n contrat par titulaire actuel.",
            "Responsable = au moins une considération sociale ou environnementale (règle DECP-02).",
        ),
        caveats=(
            "Corrélation, pas causalité : la famille d'achat et le montant influencent les deux "
            "à la fois ; ventilez par famille et par tranche de montant avant de conclure.",
        ),
        example=(
            "Jeu « cross », acheteur A : c1 (Clause sociale, titulaire local) ; c2 (Critère "
            "environnemental, deux titulaires : un local, un non local) ; c3 (aucune "
            "considération, non local) ; c4 (aucune considération, local) ; c5 (format 2019, "
            "exclu) ; c6 (Critère social + Clause environnementale, titulaire non localisé, "
            "exclu). Avec considération : (1 + 0,5) / 2 = 75 % ; sans : (0 + 1) / 2 = 50 % ; avec "
            "sociale : 1 / 1 = 100 % ; sans sociale : (0,5 + 0 + 1) / 3 = 50 % ; avec "
            "environnementale : 0,5 / 1 = 50 % ; sans environnementale : (1 + 0 + 1) / 3 = "
            "66,67 %."
        ),
        source="Livre blanc, partie 1 A.3 ; product.md (analyse croisée).",
        unavailable_reason=(
            "Aucun contrat au format 2022 avec un titulaire localisé dans cette catégorie."
        ),
        min_schema="2022",
        categories=CATEGORIES,
    ),
]
