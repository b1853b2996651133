"""Award rules (AW-01 to AW-05) and division into lots (ORG-03)."""

from __future__ import annotations

from ancrage.compliance.context import Context
from ancrage.compliance.findings import Finding
from ancrage.compliance.textnorm import contains_any

_PRICE_OR_COST = frozenset({"price", "cost", "life_cycle_cost"})
_NO_COMPETITION = frozenset({"dispense", "negocie_sans_publicite"})
# R. 2152-10: the DCE states the data to provide and the calculation method.
_LCC_METHOD = ("methode", "calcul", "formule", "donnees", "modele", "outil")
# L. 2152-6: no automatic rejection; the buyer must ask for justifications first.
_AUTOMATIC_REJECTION = ("automatique", "d office", "sans demande", "ecart\\w* systematique")
_ALLOT_GROUNDS = (
    "coordination",
    "pilotage",
    "organis",
    "concurrence",
    "techni",
    "financ",
    "cout",
    "infructu",
    "indissociable",
    "distinct",
)


def award_rules(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (_aw01, _aw02, _aw03, _aw04, _aw05, _org03):
        findings.extend(rule(ctx))
    return findings


def _aw01(ctx: Context) -> list[Finding]:
    criteria = ctx.c.award_criteria
    findings = []
    if len(criteria) > 1 and not any(c.kind in _PRICE_OR_COST for c in criteria):
        findings.append(
            Finding(
                "AW-01",
                "to_fix",
                "Plusieurs critères sans critère prix ni coût : R. 2152-7 prévoit une pluralité de "
                "critères comprenant le prix ou le coût.",
            )
        )
    for criterion in criteria:
        if criterion.kind == "other" and not criterion.description:
            findings.append(
                Finding(
                    "AW-01",
                    "to_fix",
                    f"Critère « {criterion.name} » de nature « autre » sans description : un tel "
                    "critère doit être justifié par l'objet du marché ou ses conditions "
                    "d'exécution, et non discriminatoire.",
                )
            )
    return findings


def _aw02(ctx: Context) -> list[Finding]:
    c = ctx.c
    criteria = c.award_criteria
    if not criteria:
        if c.procedure in _NO_COMPETITION:
            return []
        return [
            Finding(
                "AW-02",
                "blocking",
                "Aucun critère d'attribution : les critères et leurs modalités de mise en œuvre "
                "doivent figurer dans les documents de la consultation, quelle que soit la "
                "procédure.",
            )
        ]
    unweighted = [x.name for x in criteria if x.weight is None]
    if unweighted:
        if not c.formalised:
            return []  # MAPA: weighting is good practice, not required (R. 2152-12 is formalised)
        if c.justification("AW-02"):
            return []
        return [
            Finding(
                "AW-02",
                "to_fix",
                f"Critère(s) non pondéré(s) en procédure formalisée : {', '.join(unweighted)}. "
                "Pondérez-les, ou, si c'est objectivement impossible, classez-les par ordre "
                "décroissant d'importance et consignez-le (champ « justifications » : AW-02).",
            )
        ]
    total = sum(x.weight or 0 for x in criteria)
    if abs(total - 100) > 1e-6:
        return [
            Finding(
                "AW-02",
                "to_fix",
                f"La somme des pondérations fait {total:g} % au lieu de 100 % : les candidats "
                "doivent connaître le poids exact de chaque critère.",
            )
        ]
    return []


def _aw03(ctx: Context) -> list[Finding]:
    return [
        Finding(
            "AW-03",
            "to_fix",
            f"Critère « {x.name} » en coût du cycle de vie sans méthode de calcul : indiquez dans "
            "les documents de la consultation les données à fournir par les candidats et la "
            "méthode (objective, non discriminatoire, accessible) utilisée.",
        )
        for x in ctx.c.award_criteria
        if x.kind == "life_cycle_cost" and not contains_any(x.description, _LCC_METHOD)
    ]


def _aw04(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.procedure in _NO_COMPETITION:
        return []
    if c.abnormally_low_offers is None:
        return [
            Finding(
                "AW-04",
                "advice",
                "Précisez comment les offres anormalement basses seront détectées (champ "
                "« abnormally_low_offers ») : une offre suspecte donne lieu à une demande de "
                "justifications, notamment sur le respect des obligations environnementales, "
                "sociales et du droit du travail, avant tout rejet.",
            )
        ]
    if contains_any(c.abnormally_low_offers, _AUTOMATIC_REJECTION):
        return [
            Finding(
                "AW-04",
                "to_fix",
                "Rejet automatique des offres anormalement basses : un seuil arithmétique peut "
                "seulement déclencher la vérification ; l'acheteur doit demander des "
                "justifications avant de rejeter une offre.",
            )
        ]
    return []


def _aw05(ctx: Context) -> list[Finding]:
    c = ctx.c
    if not c.formalised:
        return []
    text = c.rejected_bidders_information
    if text is None:
        return [
            Finding(
                "AW-05",
                "advice",
                "Procédure formalisée : la lettre aux candidats évincés devra indiquer les motifs "
                "du rejet, le nom de l'attributaire et les motifs du choix de son offre, et la "
                "date à partir de laquelle le marché peut être signé (délai de suspension de "
                "11 jours, 16 jours hors voie électronique).",
            )
        ]
    missing = [
        label
        for label, words in (
            ("les motifs du rejet", ("motif",)),
            ("le nom de l'attributaire", ("attributaire", "titulaire retenu")),
            ("la date de signature possible", ("date", "delai de suspension", "standstill")),
        )
        if not contains_any(text, words)
    ]
    if not missing:
        return []
    return [
        Finding(
            "AW-05",
            "to_fix",
            f"Information des évincés incomplète en procédure formalisée : manque {', '.join(missing)}.",
        )
    ]


def _org03(ctx: Context) -> list[Finding]:
    c = ctx.c
    if len(c.lots) > 1:
        return []
    reason = c.no_lots_justification
    if not reason:
        return [
            Finding(
                "ORG-03",
                "blocking",
                "Marché non alloti sans justification : l'allotissement est la règle ; ne pas "
                "allotir doit être motivé (prestations non distinctes, coordination impossible, "
                "restriction de la concurrence, exécution techniquement difficile ou plus "
                "coûteuse) — champ « no_lots_justification ».",
            )
        ]
    if contains_any(reason, _ALLOT_GROUNDS):
        return []
    return [
        Finding(
            "ORG-03",
            "advice",
            f"Justification du non-allotissement à étayer (« {reason} ») : rattachez-la à un motif "
            "de L. 2113-11 (coordination impossible, restriction de la concurrence, exécution "
            "techniquement difficile ou financièrement plus coûteuse).",
        )
    ]
