"""Local purchasing: local share, distances, unlocated suppliers (from ``awardee_locality``).

Supplier-level: each current awardee of a contract carries 1/n contract and amount/n euros. A
supplier whose location is unknown (foreign, no SIRET, not in SIRENE) or whose buyer is not
located has ``local`` NULL: it leaves the local share (it is never counted as non-local) and is
counted by ``unlocated_supplier_share``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ibis
from ibis.expr.types import Table

from ancrage.indicators.base import Indicator, Share, aggregate, unpivot, weighted_sum

if TYPE_CHECKING:
    from ancrage.indicators.inputs import IndicatorInputs

SOURCE = (
    "Livre blanc sur l'achat public local et responsable (mesure de l'ancrage territorial) ; "
    "decp.info / decp-processing (distance acheteur–titulaire, haversine)."
)
WHY = (
    "Mesure la part de la commande publique de l'acheteur qui revient, à l'issue d'une mise en "
    "concurrence loyale, à des entreprises de son territoire. Ce n'est pas un objectif de "
    "préférence locale : la préférence géographique est illégale (localisme)."
)
SPLIT = (
    "Contrat à plusieurs titulaires : chacun des n titulaires actuels compte pour 1/n contrat et "
    "1/n du montant actuel HT ; un contrat n'est jamais compté deux fois."
)
TERRITORY = (
    "Le périmètre « local » est un paramètre : même commune, EPCI, département (par défaut), "
    "région, rayon en km autour de l'acheteur, ou liste de communes propre à l'organisation."
)
LOCATION = (
    "Localisation du titulaire : coordonnées de l'établissement (SIRENE) si connues, sinon centre "
    "de sa commune ; distance à vol d'oiseau (haversine) entre acheteur et titulaire."
)
UNLOCATED = (
    "Titulaires non localisés (étranger, identifiant autre qu'un SIRET, SIRET absent de SIRENE) ou "
    "acheteur non localisé : hors numérateur et dénominateur, comptés par "
    "unlocated_supplier_share."
)
EXAMPLE = (
    "Jeu « local », territoire = département. Acheteur A : c1 (90 000 €, S1 local, 5 km) ; c2 "
    "(60 000 €, deux titulaires : S2 local 12 km et S3 non local 250 km, chacun 0,5 contrat et "
    "30 000 €) ; c3 (30 000 €, S4 étranger, non localisé) ; c4 (montant inconnu, S5 non local, "
    "40 km) ; c5 (120 000 €, trois titulaires à 1/3 : S1 local 5 km, S6 non local 75 km, S7 non "
    "local 150 km). Acheteur B : c6 (10 000 €, titulaire absent de SIRENE)."
)
DISTANCE_BANDS: tuple[tuple[str, str, float, float | None], ...] = (
    ("0_10", "moins de 10 km", 0.0, 10.0),
    ("10_30", "de 10 à moins de 30 km", 10.0, 30.0),
    ("30_50", "de 30 à moins de 50 km", 30.0, 50.0),
    ("50_100", "de 50 à moins de 100 km", 50.0, 100.0),
    ("100_200", "de 100 à moins de 200 km", 100.0, 200.0),
    ("200_plus", "200 km ou plus", 200.0, None),
)


def _local(**overrides: object) -> dict:
    common = dict(
        theme="local",
        why=WHY,
        source=SOURCE,
        level="supplier",
        territory_dependent=True,
        assumptions=(SPLIT, TERRITORY, LOCATION),
        caveats=(
            "Le siège ou l'établissement déclaré dans les DECP n'est pas toujours celui qui "
            "exécute : un établissement local d'un grand groupe compte comme local.",
        ),
        unavailable_reason=(
            "Aucun titulaire localisé sur la période (ou données SIRENE non importées) : "
            "indicateur non disponible."
        ),
    )
    common.update(overrides)
    return common


@dataclass(frozen=True, kw_only=True)
class MedianDistance(Indicator):
    """Median buyer → supplier distance over (contract, current awardee) pairs."""

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = inputs.locality_base
        known = base.distance_km.notnull()
        agg = aggregate(
            base,
            keys,
            value=base.distance_km.median(),
            denominator=weighted_sum(known, ibis.literal(1.0)),
        )
        return agg.mutate(numerator=ibis.null("float64"))


@dataclass(frozen=True, kw_only=True)
class DistanceDistribution(Indicator):
    """Share of the located awardee weight in each distance band."""

    def _compute(self, inputs: IndicatorInputs, keys: list[str]) -> Table:
        base = inputs.locality_base
        d = base.distance_km
        metrics = {"den": weighted_sum(d.notnull(), base.weight)}
        for band, _, low, high in DISTANCE_BANDS:
            in_band = (d >= low) & (d < high) if high is not None else d >= low
            metrics[f"n_{band}"] = weighted_sum(in_band, base.weight)
        agg = aggregate(base, keys, **metrics)
        parts = [(band, f"n_{band}", "den") for band, *_ in DISTANCE_BANDS]
        return unpivot(agg, keys, parts, 100.0)


INDICATORS: list[Indicator] = [
    Share(
        **_local(
            id="local_share",
            label="Part des contrats attribués à des titulaires locaux (en nombre)",
            definition=(
                "Part des contrats de la période attribués à des titulaires situés dans le "
                "territoire de l'acheteur, parmi les titulaires localisés."
            ),
            numerator="Somme des parts de contrat (1/n) des titulaires locaux",
            denominator="Somme des parts de contrat (1/n) des titulaires localisés",
            fields=("titulaires.id", "acheteur.id", "SIRENE codeCommuneEtablissement"),
            unit="%",
            exclusions=(UNLOCATED, "Contrats sans titulaire actuel."),
            example=f"{EXAMPLE} Numérateur : 1 (c1) + 0,5 (c2) + 1/3 (c5) = 1,8333 ; "
            "dénominateur : c1 + c2 + c4 + c5 = 4 (c3 non localisé) ; valeur 45,83 %. "
            "Acheteur B : non disponible.",
            higher_is_better=True,
        ),
        flag=lambda t: t.local,
        eligible=lambda t: t.local.notnull(),
    ),
    Share(
        **_local(
            id="local_share_amount",
            label="Part du montant attribué à des titulaires locaux",
            definition=(
                "Part du montant actuel HT des contrats de la période qui revient à des titulaires "
                "situés dans le territoire de l'acheteur, parmi les titulaires localisés."
            ),
            numerator="Somme des montants actuels HT / n des titulaires locaux",
            denominator="Somme des montants actuels HT / n des titulaires localisés",
            fields=("titulaires.id", "acheteur.id", "montant", "modifications.montant"),
            unit="%",
            exclusions=(
                UNLOCATED,
                "Contrats sans montant actuel connu.",
                "Contrats sans titulaire.",
            ),
            example=f"{EXAMPLE} Numérateur : 90 000 + 30 000 + 40 000 = 160 000 € ; dénominateur : "
            "90 000 + 60 000 + 120 000 = 270 000 € (c3 non localisé, c4 sans montant) ; valeur "
            "59,26 %.",
            higher_is_better=True,
        ),
        flag=lambda t: t.local,
        eligible=lambda t: t.local.notnull(),
        by_amount=True,
    ),
    MedianDistance(
        **_local(
            id="median_distance_km",
            label="Distance médiane entre l'acheteur et ses titulaires",
            definition=(
                "Médiane des distances à vol d'oiseau entre l'acheteur et chacun des titulaires "
                "actuels localisés de ses contrats de la période."
            ),
            numerator="(sans objet)",
            denominator="Nombre de couples (contrat, titulaire) dont la distance est connue",
            fields=("titulaires.id", "acheteur.id", "SIRENE coordonnées de l'établissement"),
            unit="km",
            exclusions=(UNLOCATED,),
            example=f"{EXAMPLE} Distances de A : 5, 5, 12, 40, 75, 150, 250 km ; médiane 40 km "
            "(7 couples).",
            higher_is_better=None,
        ),
    ),
    DistanceDistribution(
        **_local(
            id="distance_distribution",
            label="Répartition des titulaires par distance",
            definition=(
                "Répartition des parts de contrat (1/n) des titulaires localisés par tranche de "
                "distance à l'acheteur : moins de 10 km, 10–30, 30–50, 50–100, 100–200, 200 km ou "
                "plus (borne basse incluse, borne haute exclue)."
            ),
            numerator="Somme des parts de contrat des titulaires de la tranche",
            denominator="Somme des parts de contrat des titulaires dont la distance est connue",
            fields=("titulaires.id", "acheteur.id", "SIRENE coordonnées de l'établissement"),
            unit="%",
            exclusions=(UNLOCATED,),
            example=f"{EXAMPLE} Dénominateur 4 ; < 10 km : 1 + 1/3 = 1,3333 (33,33 %) ; 10–30 : "
            "0,5 (12,5 %) ; 30–50 : 1 (25 %) ; 50–100 : 1/3 (8,33 %) ; 100–200 : 1/3 (8,33 %) ; "
            "200 km ou plus : 0,5 (12,5 %).",
            categories=tuple((band, label) for band, label, *_ in DISTANCE_BANDS),
        ),
    ),
    Share(
        **_local(
            id="unlocated_supplier_share",
            label="Part des titulaires non localisés",
            definition=(
                "Part des contrats (parts 1/n) dont le titulaire n'a pas pu être localisé "
                "(étranger, identifiant autre qu'un SIRET, SIRET absent de SIRENE). Ces titulaires "
                "sont exclus des parts locales : cet indicateur dit combien."
            ),
            numerator="Somme des parts de contrat des titulaires non localisés",
            denominator="Somme des parts de contrat de tous les titulaires actuels",
            fields=("titulaires.id", "titulaires.typeIdentifiant", "SIRENE siret"),
            unit="%",
            exclusions=("Contrats sans titulaire actuel.",),
            example=f"{EXAMPLE} A : c3 = 1 sur 5 contrats, soit 20 %. B : 1 sur 1, soit 100 %.",
            higher_is_better=False,
            unavailable_reason="Aucun titulaire sur la période : indicateur non disponible.",
        ),
        flag=lambda t: ~t.located.fill_null(False),
        eligible=lambda t: t.weight.notnull(),
    ),
]
