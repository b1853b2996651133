"""Responsible purchasing: social and environmental considerations (DECP 2022 format only).

DECP-02 rule: a contract has a social consideration when its ``considerationsSociales`` list holds
"Clause sociale", "Critère social", "Marché réservé" or "Concession réservée"; an environmental one
when ``considerationsEnvironnementales`` holds "Clause environnementale" or "Critère
environnemental". "Pas de considération …" means none. The 2019 format has no such fields: its
contracts leave the denominator, and a group left with none is "not available", never 0 %.
"""

from __future__ import annotations

from ibis.expr.types import BooleanValue, Table

from ancrage.indicators.base import Indicator, Share

AMOUNT_FIELDS = ("montant", "modifications.montant")
AMOUNT_ASSUMPTION = (
    "Montant : le montant actuel HT (celui de la dernière modification qui en publie un, car les "
    "modifications donnent un nouveau total), compté une seule fois par contrat."
)
PNAD = "PNAD 2022-2025 (CGDD), objectifs pour 2025 ; voir legal-rules PNAD-01 et PNAD-02."
SOURCE = (
    "PNAD 2022-2025 ; fiche DAJ sur les données essentielles (schéma DECP 2.0) ; OCP, "
    "« How to measure SPP uptake » (part en nombre et en valeur, écart à l'objectif)."
)
UNAVAILABLE = (
    "Aucun contrat au format 2022 sur la période : les considérations sociales et "
    "environnementales ne sont publiées que depuis le format 2022 (contrats notifiés à partir de "
    "2024). Indicateur non disponible, et non pas 0 %."
)
WHY = (
    "Le PNAD fixe des objectifs nationaux (30 % des contrats avec une considération sociale, 100 % "
    "avec une considération environnementale) et le SPASER exige un suivi annuel : cet indicateur "
    "mesure la trajectoire de l'acheteur à partir de ses propres déclarations."
)
EXCLUSIONS_COUNT = (
    "Contrats au format 2019 (champ absent) ou dont la liste de considérations est vide : hors "
    "dénominateur.",
    "Contrats sans date de notification : comptés dans l'année « inconnue », et exclus dès qu'une "
    "période est demandée.",
)
EXCLUSIONS_AMOUNT = (
    *EXCLUSIONS_COUNT,
    "Contrats sans montant actuel connu : hors numérateur et dénominateur.",
)
ASSUMPTIONS = (
    "Les considérations déclarées par l'acheteur sont prises telles quelles (déclaratif).",
    "Une valeur « Pas de considération … » combinée à une autre est une anomalie (voir l'indicateur "
    "data_quality) ; le contrat compte alors selon les autres valeurs présentes.",
)
CAVEATS = (
    "Le champ est déclaratif et récent : la qualité du remplissage varie selon les acheteurs.",
    "À partir d'août 2026 la loi Climat et résilience impose des considérations "
    "environnementales dans tous les contrats : attendez-vous à un saut de la part en 2026.",
)
AMOUNT_CAVEAT = (
    "En montant, quelques gros contrats (ou un accord-cadre dont le montant est un maximum) pèsent "
    "fortement : lisez toujours la part en nombre à côté.",
)
EXAMPLE = (
    "Jeu « responsible » : l'acheteur A a 6 contrats, dont c6 au format 2019 (exclu). Parmi c1 à "
    "c5 : c1 = Clause sociale / Clause + Critère environnemental, 100 000 € ; c2 = Critère social + "
    "Clause sociale / Pas de considération environnementale, 50 000 € ; c3 = Marché réservé / "
    "Critère environnemental, 30 000 € ; c4 = Pas de considération sociale / Pas de considération "
    "environnementale, 200 000 € ; c5 = Pas de considération sociale / Clause environnementale, "
    "montant inconnu. L'acheteur B n'a qu'un contrat au format 2019."
)


def _known_social(t: Table) -> BooleanValue:
    return t.social_known


def _known_env(t: Table) -> BooleanValue:
    return t.env_known


def _responsible(
    id: str,
    label: str,
    flag: str,
    social: bool,
    definition: str,
    example: str,
    by_amount: bool = False,
    target: float | None = None,
) -> Share:
    return Share(
        id=id,
        label=label,
        theme="responsible",
        definition=definition,
        numerator=(
            f"{'Montant actuel HT des' if by_amount else 'Nombre de'} contrats notifiés sur la "
            f"période dont la liste {'considerationsSociales' if social else 'considerationsEnvironnementales'} "
            f"contient {_flag_words(flag)}"
        ),
        denominator=(
            f"{'Montant actuel HT des' if by_amount else 'Nombre de'} contrats notifiés sur la "
            "période au format 2022 (liste de considérations renseignée)"
            + (", montant connu" if by_amount else "")
        ),
        fields=(
            ("considerationsSociales" if social else "considerationsEnvironnementales"),
            "dateNotification",
            *(AMOUNT_FIELDS if by_amount else ()),
        ),
        unit="%",
        why=WHY,
        exclusions=EXCLUSIONS_AMOUNT if by_amount else EXCLUSIONS_COUNT,
        assumptions=ASSUMPTIONS + ((AMOUNT_ASSUMPTION,) if by_amount else ()),
        caveats=CAVEATS + (AMOUNT_CAVEAT if by_amount else ()),
        example=f"{EXAMPLE} {example}",
        source=SOURCE,
        unavailable_reason=UNAVAILABLE,
        min_schema="2022",
        target=target,
        target_source=PNAD if target is not None else None,
        higher_is_better=True,
        flag=lambda t: t[flag],
        eligible=_known_social if social else _known_env,
        by_amount=by_amount,
    )


_FLAG_WORDS = {
    "social": "« Clause sociale », « Critère social », « Marché réservé » ou « Concession réservée »",
    "social_clause": "« Clause sociale »",
    "social_criterion": "« Critère social »",
    "reserved": "« Marché réservé » ou « Concession réservée »",
    "environmental": "« Clause environnementale » ou « Critère environnemental »",
    "env_clause": "« Clause environnementale »",
    "env_criterion": "« Critère environnemental »",
}


def _flag_words(flag: str) -> str:
    return _FLAG_WORDS[flag]


INDICATORS: list[Indicator] = [
    _responsible(
        "social_share",
        "Part des contrats avec une considération sociale (en nombre)",
        "social",
        True,
        "Part des contrats notifiés sur la période qui comportent au moins une considération "
        "sociale : clause (condition d'exécution ou spécification technique), critère "
        "d'attribution, ou marché réservé. C'est l'indicateur de l'objectif 2 du PNAD.",
        "Numérateur : c1, c2, c3 = 3 ; dénominateur : c1 à c5 = 5 ; valeur 3/5 = 60 %, "
        "objectif 30 %, écart +30 points. Acheteur B : non disponible.",
        target=30.0,
    ),
    _responsible(
        "social_share_amount",
        "Part du montant des contrats avec une considération sociale",
        "social",
        True,
        "Part, en montant actuel HT, des contrats notifiés sur la période qui comportent au moins "
        "une considération sociale.",
        "Numérateur : 100 000 + 50 000 + 30 000 = 180 000 € ; dénominateur : c1 à c4 (c5 sans "
        "montant) = 380 000 € ; valeur 180 000 / 380 000 = 47,37 %.",
        by_amount=True,
    ),
    _responsible(
        "social_clause_share",
        "Part des contrats avec une clause sociale",
        "social_clause",
        True,
        "Part des contrats notifiés sur la période dont les considérations sociales comprennent "
        "une clause sociale (condition d'exécution ou spécification technique).",
        "Numérateur : c1, c2 = 2 ; dénominateur 5 ; valeur 40 %.",
    ),
    _responsible(
        "social_criterion_share",
        "Part des contrats avec un critère social",
        "social_criterion",
        True,
        "Part des contrats notifiés sur la période dont les considérations sociales comprennent "
        "un critère d'attribution social.",
        "Numérateur : c2 = 1 ; dénominateur 5 ; valeur 20 %.",
    ),
    _responsible(
        "reserved_share",
        "Part des marchés réservés",
        "reserved",
        True,
        "Part des contrats notifiés sur la période réservés (EA/ESAT, SIAE, ESS, travail "
        "pénitentiaire : L. 2113-12 à L. 2113-15), déclarés « Marché réservé » ou « Concession "
        "réservée ».",
        "Numérateur : c3 = 1 ; dénominateur 5 ; valeur 20 %.",
    ),
    _responsible(
        "environmental_share",
        "Part des contrats avec une considération environnementale (en nombre)",
        "environmental",
        False,
        "Part des contrats notifiés sur la période qui comportent au moins une considération "
        "environnementale : clause (condition d'exécution, y compris rappel de la réglementation) "
        "ou critère d'attribution (un critère de coût global compte). Objectif 1 du PNAD.",
        "Numérateur : c1, c3, c5 = 3 ; dénominateur 5 ; valeur 60 %, objectif 100 %, écart "
        "-40 points. Acheteur B : non disponible.",
        target=100.0,
    ),
    _responsible(
        "environmental_share_amount",
        "Part du montant des contrats avec une considération environnementale",
        "environmental",
        False,
        "Part, en montant actuel HT, des contrats notifiés sur la période qui comportent au moins "
        "une considération environnementale.",
        "Numérateur : c1 + c3 = 130 000 € (c5 n'a pas de montant) ; dénominateur c1 à c4 = "
        "380 000 € ; valeur 34,21 %.",
        by_amount=True,
    ),
    _responsible(
        "environmental_clause_share",
        "Part des contrats avec une clause environnementale",
        "env_clause",
        False,
        "Part des contrats notifiés sur la période dont les considérations environnementales "
        "comprennent une clause (condition d'exécution).",
        "Numérateur : c1, c5 = 2 ; dénominateur 5 ; valeur 40 %.",
    ),
    _responsible(
        "environmental_criterion_share",
        "Part des contrats avec un critère environnemental",
        "env_criterion",
        False,
        "Part des contrats notifiés sur la période dont les considérations environnementales "
        "comprennent un critère d'attribution environnemental.",
        "Numérateur : c1, c3 = 2 ; dénominateur 5 ; valeur 40 %.",
    ),
]
