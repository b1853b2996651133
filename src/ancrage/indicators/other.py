"""Other contract characteristics: innovation, subcontracting, origin of products."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import BooleanValue, Table

from ancrage.indicators.base import Indicator, Share, aggregate, ratio, weighted_sum

if TYPE_CHECKING:
    from ancrage.indicators.inputs import IndicatorInputs

# CPV ranges where DECP 2022 asks for origineUE / origineFrance (decp-format §2.2): food,
# vehicles, health products, clothing and shoes. Bounds included; CPV are 8-digit strings, so
# string order is numeric order.
ORIGIN_CPV_RANGES: tuple[tuple[str, str], ...] = (
    ("15100000", "15982200"),
    ("34100000", "34144910"),
    ("34510000", "34522700"),
    ("34600000", "34622500"),
    ("34710000", "34722200"),
    ("33100000", "33198200"),
    ("33600000", "33698300"),
    ("18100000", "18453000"),
    ("18800000", "18843000"),
)

EXAMPLE = (
    "Jeu « other » : c1 (innovant, sous-traitance déclarée, CPV 15110000 alimentation, origine UE "
    "0,8, France 0,5, 100 000 €) ; c2 (non innovant, sans sous-traitance, CPV 34110000 "
    "véhicules, UE 0,2, France 0,1, 300 000 €) ; c3 (champs non publiés, CPV 15200000, "
    "50 000 €) ; c4 (non innovant, sous-traitance, CPV 45000000 travaux hors champ, UE 0,9, "
    "10 000 €) ; c5 (non innovant, sans sous-traitance, CPV 33100000 santé, UE 0,5, France 0,5, "
    "montant inconnu)."
)


def origin_scope(cpv: ibis.StringValue) -> BooleanValue:
    """True when the CPV falls in a range where DECP requires the origin shares."""
    result = ibis.literal(False)
    for low, high in ORIGIN_CPV_RANGES:
        result = result | cpv.between(low, high)
    return result


@dataclass(frozen=True, kw_only=True)
class OriginShare(Indicator):
    """Amount-weighted share of products of the given origin, over contracts in CPV scope."""

    column: str

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = inputs.contract_base
        share = base[self.column]
        ok = origin_scope(base.cpv).fill_null(False) & share.notnull() & base.amount.notnull()
        agg = aggregate(
            base,
            keys,
            numerator=weighted_sum(ok, share * base.amount),
            denominator=weighted_sum(ok, base.amount),
        )
        return agg.mutate(value=ratio(agg.numerator, agg.denominator))


def _flag_share(id: str, label: str, column: str, field: str, **texts: object) -> Share:
    return Share(
        id=id,
        label=label,
        theme="other",
        unit="%",
        fields=(field,),
        numerator=f"Nombre de contrats dont {field} est vrai",
        denominator=f"Nombre de contrats dont {field} est renseigné",
        exclusions=(f"Contrats où {field} n'est pas renseigné (hors dénominateur).",),
        assumptions=("Valeur déclarée par l'acheteur, prise telle quelle.",),
        unavailable_reason=f"Aucun contrat de la période ne renseigne {field}.",
        flag=lambda t: t[column],
        eligible=lambda t: t[column].notnull(),
        **texts,
    )


def _origin(id: str, label: str, column: str, field: str, example: str) -> OriginShare:
    return OriginShare(
        id=id,
        label=label,
        theme="other",
        column=column,
        definition=(
            f"Part moyenne, pondérée par le montant, des produits {label.removeprefix('Part des produits ')} dans les "
            "contrats dont le CPV impose de la publier (alimentation, véhicules, produits de "
            "santé, habillement et chaussures)."
        ),
        numerator=f"Σ ({field} × montant actuel HT) des contrats du champ",
        denominator=f"Σ montant actuel HT des contrats du champ qui publient {field}",
        fields=(field, "codeCPV", "montant"),
        unit="%",
        why=(
            "Suivi de l'origine des produits achetés dans les familles où le format l'exige "
            "(circuits courts, souveraineté) ; c'est une information, pas un critère de choix : "
            "la préférence nationale est interdite hors cas prévus par les textes."
        ),
        exclusions=(
            "Contrats dont le CPV n'est pas dans le champ (même s'ils publient la donnée).",
            f"Contrats du champ qui ne publient pas {field}, ou sans montant connu.",
        ),
        assumptions=(
            "Champs CPV : 15100000–15982200, 34100000–34144910, 34510000–34522700, "
            "34600000–34622500, 34710000–34722200, 33100000–33198200, 33600000–33698300, "
            "18100000–18453000, 18800000–18843000 (bornes incluses).",
        ),
        caveats=("Donnée du format 2022 seulement, rarement renseignée.",),
        example=f"{EXAMPLE} {example}",
        source="Schéma DECP 2.0 (origineUE, origineFrance) ; indicator-references §3.5.",
        unavailable_reason=(
            f"Aucun contrat de la période dans le champ CPV concerné ne publie {field}."
        ),
        min_schema="2022",
        higher_is_better=None,
    )


INDICATORS: list[Indicator] = [
    _flag_share(
        "innovative_share",
        "Part des marchés innovants",
        "innovative",
        "marcheInnovant",
        definition="Part des contrats de la période déclarés innovants (marcheInnovant).",
        why="Suivi de l'achat innovant, que les acheteurs peuvent passer sans publicité jusqu'à "
        "100 000 € HT (R. 2122-9-1).",
        example=f"{EXAMPLE} Renseignés : c1, c2, c4, c5 = 4 ; innovant : c1 ; valeur 25 %.",
        source="Schéma DECP 2.0 (marcheInnovant).",
        caveats=("Le format 2019 ne publie pas ce champ.",),
        higher_is_better=True,
    ),
    _flag_share(
        "subcontracting_share",
        "Part des contrats avec sous-traitance déclarée",
        "subcontracting",
        "sousTraitanceDeclaree",
        definition="Part des contrats de la période pour lesquels une sous-traitance a été "
        "déclarée avant la notification (sousTraitanceDeclaree).",
        why="La sous-traitance est une voie d'accès des PME et des structures locales à la "
        "commande publique.",
        example=f"{EXAMPLE} Renseignés : c1, c2, c4, c5 = 4 ; sous-traitance : c1, c4 ; valeur "
        "50 %.",
        source="Schéma DECP 2.0 (sousTraitanceDeclaree, actesSousTraitance).",
        caveats=("Seule la sous-traitance de premier rang déclarée avant notification figure.",),
        higher_is_better=None,
    ),
    _origin(
        "origin_eu_share",
        "Part des produits d'origine UE",
        "origin_eu",
        "origineUE",
        "Champ : c1, c2 (c3 ne publie pas, c4 hors champ, c5 sans montant) ; "
        "(0,8 × 100 000 + 0,2 × 300 000) / 400 000 = 140 000 / 400 000 = 35 %.",
    ),
    _origin(
        "origin_france_share",
        "Part des produits d'origine France",
        "origin_france",
        "origineFrance",
        "(0,5 × 100 000 + 0,1 × 300 000) / 400 000 = 80 000 / 400 000 = 20 %.",
    ),
]
