"""Loi Climat et résilience obligations (CR-03 to CR-07) with their dates and boundary days."""

from __future__ import annotations

from ancrage.compliance.context import Context, euros
from ancrage.compliance.findings import Finding, Severity

_BOUNDARY_21 = (
    " Lancement le 21 août 2026, date charnière : Légifrance date cette obligation du 22 août "
    "2026, mais certains commentateurs retiennent le 21 ; par prudence, appliquez-la."
)
_BOUNDARY_22 = (
    " Lancement le 22 août 2026, date charnière : date d'entrée en vigueur retenue par "
    "Légifrance (certains commentateurs citent le 23 août)."
)


def climate_rules(ctx: Context) -> list[Finding]:
    if ctx.c.defence_security:
        # CONV-SCOPE: defence and security contracts keep these considerations optional.
        return [
            Finding(
                "CONV-SCOPE",
                "advice",
                "Marché de défense ou de sécurité : les obligations de la loi Climat et résilience "
                "(CR-03 à CR-07) ne s'appliquent pas ; les clauses environnementales et sociales "
                "y restent possibles.",
            )
        ]
    findings = _cr07(ctx)
    if ctx.l_level_applies or ctx.l_level_boundary_before:
        for rule in (_cr03, _cr04, _cr05, _cr06):
            findings.extend(rule(ctx))
    return findings


def _l_level(ctx: Context, rule: str, severity: Severity, message: str) -> Finding:
    """An L-level finding, downgraded to advice on 21 August 2026 and annotated on boundary days."""
    if ctx.l_level_boundary_before:
        return Finding(rule, "advice", message + _BOUNDARY_21)
    if ctx.boundary:
        return Finding(rule, severity, message + _BOUNDARY_22)
    return Finding(rule, severity, message)


def _cr03(ctx: Context) -> list[Finding]:
    if ctx.spec_has("environmental") or ctx.spec_has("social"):
        return []
    what = (
        "Aucune spécification technique n'est décrite"
        if not ctx.c.technical_specifications
        else "Aucune spécification technique ne semble prendre en compte le développement durable"
    )
    return [
        _l_level(
            ctx,
            "CR-03",
            "to_fix",
            f"{what} : depuis le 22 août 2026, les spécifications techniques doivent prendre en "
            "compte des objectifs de développement durable (environnementaux ou sociaux), "
            "quel que soit le montant.",
        )
    ]


def _cr04(ctx: Context) -> list[Finding]:
    if ctx.has_condition("environmental"):
        return []
    return [
        _l_level(
            ctx,
            "CR-04",
            "blocking",
            "Aucune condition d'exécution environnementale : elle est obligatoire pour tout "
            "marché lancé à partir du 22 août 2026, quel que soit le montant ou la procédure, "
            "et doit être liée à l'objet du marché.",
        )
    ]


def _cr05(ctx: Context) -> list[Finding]:
    if not ctx.above_eu or ctx.has_condition("social"):
        return []
    scope = (
        f"valeur estimée {euros(ctx.c.estimated_amount_ht)} ≥ seuil européen "
        f"{euros(ctx.eu_threshold)}"
    )
    reason = ctx.c.justification("CR-05")
    if reason:
        return [
            Finding(
                "CR-05",
                "advice",
                f"Pas de condition d'exécution sociale ({scope}), dérogation consignée : « {reason} ». "
                "Vérifiez qu'elle relève d'un cas prévu par L. 2112-2-1 (lien insuffisant avec "
                "l'objet, restriction de la concurrence, exécution rendue difficile, solution "
                "immédiatement disponible) : la liste exacte n'est que partiellement confirmée.",
            )
        ]
    if ctx.c.reserved != "none":
        return [
            Finding(
                "CR-05",
                "advice",
                f"Pas de condition d'exécution sociale ({scope}) mais le marché est réservé : "
                "qu'une réservation satisfasse L. 2112-2-1 n'est pas confirmé (règle non "
                "confirmée) ; ajouter une condition sociale lève le doute.",
            )
        ]
    return [
        _l_level(
            ctx,
            "CR-05",
            "blocking",
            f"Aucune condition d'exécution sociale alors que {scope} : elle est obligatoire "
            "au-dessus des seuils européens, sauf dérogation motivée et consignée "
            "(champ « justifications » : CR-05).",
        )
    ]


def _cr06(ctx: Context) -> list[Finding]:
    criteria = ctx.c.award_criteria
    if ctx.env_criteria or (not criteria and ctx.c.procedure == "dispense"):
        return []
    return [
        _l_level(
            ctx,
            "CR-06",
            "blocking",
            "Aucun critère d'attribution ne prend en compte les caractéristiques "
            "environnementales de l'offre : au moins un critère (ou sous-critère) environnemental "
            "est obligatoire depuis le 22 août 2026 ; aucune pondération minimale n'est imposée.",
        )
    ]


def _cr07(ctx: Context) -> list[Finding]:
    criteria = ctx.c.award_criteria
    if not ctx.r_level_applies or not criteria:
        return []
    weighted = [c for c in criteria if c.weight is None or c.weight > 0]
    if len(weighted) == 1:
        only = weighted[0]
        if only.kind in ("cost", "life_cycle_cost") and ctx.env_criteria:
            return []
        what = "le prix" if only.kind == "price" else f"« {only.name} »"
        return [
            Finding(
                "CR-07",
                "blocking",
                f"Critère unique ({what}) : depuis le 21 août 2026, un critère unique ne peut "
                "être que le coût, déterminé selon une approche globale (coût du cycle de vie) "
                "intégrant les caractéristiques environnementales ; sinon, plusieurs critères "
                "dont au moins un environnemental.",
            )
        ]
    return []
