"""Competition: single bids, offers received, supplier concentration.

``single_bid_rate`` and ``mean_offers`` leave out contracts awarded without publicity or
competition: one offer is expected there and says nothing about the health of competition
(Cardinal R018 restricts the flag to competitive methods in the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import Table

from ancrage.indicators.base import Indicator, Share, aggregate, ratio

if TYPE_CHECKING:
    from ancrage.indicators.inputs import IndicatorInputs

NO_COMPETITION = "Marché passé sans publicité ni mise en concurrence préalable"
EXAMPLE = (
    "Jeu « competition », acheteur A : c1 (1 offre, procédure adaptée, 100 000 €, S1) ; c2 (3 "
    "offres, appel d'offres ouvert, 300 000 €, S2) ; c3 (1 offre, sans publicité ni mise en "
    "concurrence, 20 000 €, S1) ; c4 (nombre d'offres inconnu, 50 000 €, S1 et S3 à 25 000 € "
    "chacun) ; c5 (2 offres, 30 000 €, S4) ; c6 (4 offres, 200 000 €, S5) ; c7 (1 offre, "
    "10 000 €, S6)."
)
OFFERS_EXCLUSIONS = (
    f"Contrats « {NO_COMPETITION} » (une seule offre y est normale).",
    "Contrats sans nombre d'offres (offresRecues absent, ou format qui ne le publie pas).",
)
CONCENTRATION_ASSUMPTIONS = (
    "Montant d'un contrat à plusieurs titulaires réparti à parts égales entre ses titulaires "
    "actuels ; un titulaire est identifié par son identifiant et son type d'identifiant.",
)
CONCENTRATION_CAVEATS = (
    "Sensible au nombre de contrats : un acheteur qui passe peu de contrats est mécaniquement "
    "concentré. Un accord-cadre est compté pour son montant maximum.",
)


def _eligible_offers(t: Table) -> ibis.BooleanValue:
    return t.offers.notnull() & (t.procedure.fill_null("") != NO_COMPETITION)


@dataclass(frozen=True, kw_only=True)
class MeanOffers(Indicator):
    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = inputs.contract_base
        ok = _eligible_offers(base).fill_null(False)
        agg = aggregate(
            base,
            keys,
            numerator=ibis.ifelse(ok, base.offers.cast("float64"), 0.0).sum(),
            denominator=ibis.ifelse(ok, 1.0, 0.0).sum(),
        )
        return agg.mutate(value=ratio(agg.numerator, agg.denominator, 1.0))


def _supplier_amounts(inputs: IndicatorInputs, keys: list[str]) -> Table:
    base = inputs.awardee_base
    base = base.filter(base.amount_share.notnull())
    return base.group_by([*keys, "supplier_id", "type_key"]).aggregate(
        supplier_amount=base.amount_share.sum()
    )


@dataclass(frozen=True, kw_only=True)
class Concentration(Indicator):
    """Herfindahl-Hirschman index of the buyer's spend across its suppliers."""

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        per = _supplier_amounts(inputs, keys)
        agg = aggregate(
            per,
            keys,
            squares=(per.supplier_amount * per.supplier_amount).sum(),
            denominator=per.supplier_amount.sum(),
        )
        return agg.mutate(
            value=ratio(agg.squares, agg.denominator * agg.denominator, 10_000.0),
            numerator=ibis.null("float64"),
        )


@dataclass(frozen=True, kw_only=True)
class TopSuppliers(Indicator):
    """Share of the spend going to the ``top`` largest suppliers."""

    top: int = 5

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        per = _supplier_amounts(inputs, keys)
        order = ibis.desc(per.supplier_amount)
        window = ibis.window(group_by=keys, order_by=order) if keys else ibis.window(order_by=order)
        # Ties at the cut-off have equal amounts: whichever is picked, the sum is the same.
        ranked = per.mutate(rank=ibis.row_number().over(window))
        agg = aggregate(
            ranked,
            keys,
            numerator=ibis.ifelse(ranked["rank"] < self.top, ranked.supplier_amount, 0.0).sum(),
            denominator=ranked.supplier_amount.sum(),
        )
        return agg.mutate(value=ratio(agg.numerator, agg.denominator))


INDICATORS: list[Indicator] = [
    Share(
        id="single_bid_rate",
        label="Part des contrats n'ayant reçu qu'une seule offre",
        theme="competition",
        definition=(
            "Part des contrats attribués après mise en concurrence pour lesquels une seule offre "
            "a été reçue."
        ),
        numerator="Nombre de contrats avec offresRecues = 1",
        denominator="Nombre de contrats dont offresRecues est connu, hors procédure sans "
        "publicité ni mise en concurrence",
        fields=("offresRecues", "procedure"),
        unit="%",
        why=(
            "Une offre unique signale une concurrence faible (cahier des charges trop fermé, "
            "délais courts, marché peu visible) ; le tableau de bord du marché unique de l'UE vise "
            "10 % au plus."
        ),
        exclusions=OFFERS_EXCLUSIONS,
        assumptions=("offresRecues compte toutes les offres, y compris irrégulières.",),
        caveats=("Sur peu de contrats, une offre unique fait varier fortement la part.",),
        example=f"{EXAMPLE} Éligibles : c1, c2, c5, c6, c7 = 5 ; une seule offre : c1, c7 = 2 ; "
        "valeur 40 %.",
        source="Cardinal R018 ; opentender INTEGRITY_SINGLE_BID ; Single Market Scoreboard.",
        unavailable_reason="Aucun contrat mis en concurrence avec un nombre d'offres connu.",
        higher_is_better=False,
        flag=lambda t: t.offers == 1,
        eligible=_eligible_offers,
    ),
    MeanOffers(
        id="mean_offers",
        label="Nombre moyen d'offres reçues",
        theme="competition",
        definition="Nombre moyen d'offres reçues par contrat attribué après mise en concurrence.",
        numerator="Somme de offresRecues",
        denominator="Nombre de contrats dont offresRecues est connu, hors procédure sans "
        "publicité ni mise en concurrence",
        fields=("offresRecues", "procedure"),
        unit="offres",
        why="Mesure l'intensité de la concurrence obtenue par l'acheteur.",
        exclusions=OFFERS_EXCLUSIONS,
        assumptions=("offresRecues compte toutes les offres, y compris irrégulières.",),
        caveats=("Une moyenne est sensible aux valeurs extrêmes (un contrat à 40 offres).",),
        example=f"{EXAMPLE} (1 + 3 + 2 + 4 + 1) / 5 = 11 / 5 = 2,2 offres.",
        source="decp.info ; OCP red flags (number of tenderers).",
        unavailable_reason="Aucun contrat mis en concurrence avec un nombre d'offres connu.",
        higher_is_better=True,
    ),
    Concentration(
        id="supplier_concentration_hhi",
        label="Concentration des titulaires (indice de Herfindahl-Hirschman)",
        theme="competition",
        level="supplier",
        definition=(
            "Indice de Herfindahl-Hirschman de la dépense de l'acheteur entre ses titulaires : "
            "somme des carrés des parts (en %) de chaque titulaire dans le montant total, de 0 "
            "(dépense très dispersée) à 10 000 (un seul titulaire)."
        ),
        numerator="(sans objet) : Σ (montant du titulaire / montant total × 100)²",
        denominator="Montant actuel HT total de la période (montant connu)",
        fields=("titulaires.id", "titulaires.typeIdentifiant", "montant", "modifications.montant"),
        unit="indice",
        why=(
            "Une dépendance à quelques fournisseurs fragilise l'acheteur et peut révéler une "
            "concurrence insuffisante ; au-delà de 2 500 la concentration est dite forte."
        ),
        exclusions=("Contrats sans montant actuel connu.", "Contrats sans titulaire actuel."),
        assumptions=CONCENTRATION_ASSUMPTIONS,
        caveats=CONCENTRATION_CAVEATS,
        example=f"{EXAMPLE} Montants par titulaire : S1 145 000, S2 300 000, S3 25 000, S4 "
        "30 000, S5 200 000, S6 10 000 ; total 710 000 €. Σ carrés = 152 650 (en k€²) ; "
        "indice = 152 650 / 710² × 10 000 = 152 650 / 504 100 × 10 000 = 3 028,17.",
        source="open-tender-watch #25, midt-bg/sigma (HHI par acheteur) ; indicator-references §3.10.",
        unavailable_reason="Aucun montant attribué connu sur la période.",
        higher_is_better=False,
    ),
    TopSuppliers(
        id="top5_supplier_share",
        label="Part du montant captée par les 5 premiers titulaires",
        theme="competition",
        level="supplier",
        definition=(
            "Part du montant actuel HT de la période qui revient aux cinq titulaires les mieux "
            "servis par l'acheteur."
        ),
        numerator="Montant des 5 titulaires au plus gros montant",
        denominator="Montant actuel HT total de la période (montant connu)",
        fields=("titulaires.id", "titulaires.typeIdentifiant", "montant", "modifications.montant"),
        unit="%",
        why="Lecture simple de la concentration de la dépense, complémentaire de l'indice HHI.",
        exclusions=("Contrats sans montant actuel connu.", "Contrats sans titulaire actuel."),
        assumptions=CONCENTRATION_ASSUMPTIONS,
        caveats=CONCENTRATION_CAVEATS,
        example=f"{EXAMPLE} Les 5 premiers : 300 000 + 200 000 + 145 000 + 30 000 + 25 000 = "
        "700 000 € sur 710 000 €, soit 98,59 %.",
        source="decp.info (top titulaires par montant) ; OECP.",
        unavailable_reason="Aucun montant attribué connu sur la période.",
        higher_is_better=False,
    ),
]
