"""Sector rules (SEC-*) selected by the CPV code of the consultation."""

from __future__ import annotations

import calendar
from datetime import date

from ancrage.compliance import params
from ancrage.compliance.context import Context
from ancrage.compliance.findings import Finding
from ancrage.compliance.textnorm import contains_any

# CPV prefixes (8-digit codes, check digit removed).
_FOOD = ("031", "032", "033", "15")
_MEALS = ("553", "555")
_SCHOOL = ("55523", "55524")
_TEXTILES = ("18", "19", "395")
_TEXTILE_PPE = ("18143", "35113")  # EPI are outside the textile category of décret 2024-134
_IT_EQUIPMENT = ("302", "3023", "3225")
_DIGITAL = ("48", "72")
_VEHICLES = ("341",)
_BUILDINGS = ("4521", "45453")
_PLASTIC_EXPOSED = ("553", "555", "7995", "39222")

_EGALIM_WORDS = (
    "bio\\b",
    "biologique",
    "label rouge",
    "aop\\b",
    "aoc\\b",
    "igp\\b",
    "stg\\b",
    "siqo",
    "signe (officiel )?de qualite",
    "hve\\b",
    "haute valeur environnementale",
    "egalim",
    "fermier",
    "peche durable",
    "commerce equitable",
    "externalites",
)
_REUSE_WORDS = ("reemploi", "reutilis", "recycl", "reconditionn", "seconde main")
_AGEC_BUYERS = frozenset({"state", "local_authority"})
_FLEET_KEY = {"state": "state", "local_authority": "local_authority"}


def sector_rules(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (_egalim, _agec, _plastic, _it, _fleet, _building):
        findings.extend(rule(ctx))
    return findings


def _pct(value: float) -> str:
    return f"{value * 100:.1f}".removesuffix(".0").replace(".", ",") + " %"


def _end_of_execution(ctx: Context) -> date | None:
    months = ctx.c.duration_months
    if months is None:
        return None
    start = ctx.c.launch_date
    total = start.month - 1 + int(months)
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _egalim(ctx: Context) -> list[Finding]:
    c, text = ctx.c, ctx.all_text
    if not c.cpv.startswith(_FOOD + _MEALS):
        return []
    shares = params.EGALIM_SHARES.value
    findings = []
    if not contains_any(text, _EGALIM_WORDS):
        findings.append(
            Finding(
                "SEC-EGA-01",
                "to_fix",
                f"Restauration collective : le marché doit permettre d'atteindre au moins "
                f"{_pct(shares['sustainable_quality'])} de produits durables et de qualité dont "
                f"{_pct(shares['organic'])} de produits biologiques (en valeur HT, par restaurant "
                "et par an) ; aucune exigence en ce sens n'est décrite.",
            )
        )
    if contains_any(text, ("certification environnementale", "ce2\\b")):
        end, limit = _end_of_execution(ctx), params.EGALIM_CE2_COUNTED_UNTIL.value
        if end is None or end > limit:
            findings.append(
                Finding(
                    "SEC-EGA-02",
                    "to_fix",
                    f"Les produits sous certification environnementale de niveau 2 ne comptent "
                    f"dans les objectifs EGAlim que jusqu'au {limit:%d/%m/%Y} ; au-delà, seule la "
                    "mention HVE est éligible.",
                )
            )
    if c.cpv.startswith(_MEALS) and not contains_any(text, ("viande", "poisson", "peche")):
        findings.append(
            Finding(
                "SEC-EGA-03",
                "advice",
                f"Repas servis : au moins {_pct(shares['meat_fish_quality'])} des viandes et "
                "produits de la pêche doivent être durables et de qualité ; précisez-le.",
            )
        )
    school = c.cpv.startswith(_SCHOOL) or contains_any(
        c.object, ("scolaire", "ecole", "cantine", "college", "lycee")
    )
    if c.cpv.startswith(_MEALS) and school and not contains_any(text, ("vegetarien",)):
        findings.append(
            Finding(
                "SEC-EGA-04",
                "advice",
                "Restauration scolaire : un menu végétarien hebdomadaire est obligatoire ; "
                "prévoyez-le dans le cahier des charges.",
            )
        )
    return findings


def _agec(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.family != "supplies" or c.buyer_kind not in _AGEC_BUYERS:
        return []
    if contains_any(ctx.all_text, _REUSE_WORDS):
        return []
    if c.cpv.startswith(_TEXTILES) and not c.cpv.startswith(_TEXTILE_PPE):
        try:
            shares = params.AGEC_TEXTILES.at(c.launch_date)
        except LookupError:
            return []
        return [
            Finding(
                "SEC-AGEC-01",
                "to_fix",
                f"Textiles (hors EPI) : une part de la dépense annuelle doit porter sur des biens "
                f"issus du réemploi ou de la réutilisation ({_pct(shares['reuse'])}) et intégrant "
                f"des matières recyclées ({_pct(shares['recycled'])}) ; aucune exigence en ce sens.",
            )
        ]
    return [
        Finding(
            "SEC-AGEC-01",
            "advice",
            "Fournitures : l'État et les collectivités doivent acquérir une part de biens issus du "
            "réemploi, de la réutilisation ou intégrant des matières recyclées (décret "
            "2024-134) ; les taux de cette catégorie sont à vérifier (règle non confirmée).",
        )
    ]


def _plastic(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.buyer_kind != "state" or not c.cpv.startswith(_PLASTIC_EXPOSED):
        return []
    if contains_any(ctx.all_text, ("reutilisable", "sans plastique", "lavable")):
        return []
    return [
        Finding(
            "SEC-AGEC-02",
            "advice",
            "Services de l'État : l'achat de produits en plastique à usage unique (gobelets, "
            "couverts, bouteilles…) est interdit, sauf exceptions ; exigez de la vaisselle "
            "réutilisable.",
        )
    ]


def _it(ctx: Context) -> list[Finding]:
    c, findings = ctx.c, []
    if (
        c.cpv.startswith(_IT_EQUIPMENT)
        and c.buyer_kind in _AGEC_BUYERS
        and not contains_any(ctx.all_text, _REUSE_WORDS)
    ):
        findings.append(
            Finding(
                "SEC-IT-01",
                "advice",
                f"Matériel informatique : {_pct(params.IT_REFORM_REUSE_TARGET.value)} des "
                "matériels réformés doivent être orientés vers le réemploi ; prévoyez la "
                "reprise ou le reconditionnement du parc remplacé.",
            )
        )
    if c.cpv.startswith(_DIGITAL) and not contains_any(
        ctx.all_text, ("ecoconception", "eco conception", "rgesn", "sobriete")
    ):
        findings.append(
            Finding(
                "SEC-IT-02",
                "advice",
                "Services numériques : l'écoconception (RGESN) est une bonne pratique sans "
                "obligation chiffrée confirmée (règle non confirmée).",
            )
        )
    return findings


def _fleet(ctx: Context) -> list[Finding]:
    c = ctx.c
    if not c.cpv.startswith(_VEHICLES):
        return []
    minimum = params.FLEET_MIN_SIZE_EXCLUSIVE.value
    if c.fleet_size is None:
        return [
            Finding(
                "SEC-FLEET-01",
                "advice",
                f"Véhicules : si votre flotte compte plus de {minimum} véhicules de 3,5 t au plus, "
                "des parts minimales de véhicules à faibles et très faibles émissions s'imposent "
                "à vos renouvellements (champ « fleet_size » non renseigné).",
            )
        ]
    if c.fleet_size <= minimum or contains_any(
        ctx.all_text, ("faibles emissions", "vfe", "vtfe", "electrique", "hydrogene")
    ):
        return []
    key = _FLEET_KEY.get(c.buyer_kind, "other")
    try:
        shares = params.FLEET_SHARES[key].at(c.launch_date)
        detail = f" ({_pct(shares['vfe'])} à faibles émissions, {_pct(shares['vtfe'])} à très faibles émissions)"
    except LookupError:
        detail = ""
    return [
        Finding(
            "SEC-FLEET-01",
            "to_fix",
            f"Flotte de {c.fleet_size} véhicules : les renouvellements de l'année doivent "
            f"respecter les parts minimales de véhicules à faibles émissions{detail} ; aucune "
            "exigence en ce sens (taux de la version 2021 de L. 224-8 ; version d'avril 2024 "
            "à vérifier).",
        )
    ]


def _building(ctx: Context) -> list[Finding]:
    c, findings = ctx.c, []
    if not c.cpv.startswith(_BUILDINGS):
        return []
    if not contains_any(ctx.all_text, ("biosourc", "bas carbone", "reemploi", "carbone")):
        share = params.BIOSOURCED_SHARE.value
        findings.append(
            Finding(
                "SEC-BUILD-01",
                "advice",
                "Construction ou rénovation lourde : la commande publique doit prendre en compte "
                "la réduction des émissions et le stockage du carbone ; à partir du "
                f"{share['from']:%d/%m/%Y}, {_pct(share['share'])} de matériaux biosourcés ou bas "
                "carbone (décret d'application non confirmé).",
            )
        )
    if contains_any(c.object, ("construction", "neuf", "neuve")) and not contains_any(
        ctx.all_text, ("re2020", "re 2020")
    ):
        findings.append(
            Finding(
                "SEC-BUILD-02",
                "advice",
                "Bâtiment neuf : les exigences énergétiques et carbone de la RE2020 s'appliquent ; "
                "rappelez-les dans le cahier des charges (échéancier partiellement confirmé).",
            )
        )
    return findings
