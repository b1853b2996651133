"""What the consultation will have to declare in the DECP (DECP-02 semantics) and its regime."""

from __future__ import annotations

from typing import Any

from ancrage.compliance import params
from ancrage.compliance.context import Context
from ancrage.compliance.rules_procedure import required_procedure, required_publicity


def decp_preview(ctx: Context) -> dict[str, Any]:
    """``considerationsSociales`` / ``considerationsEnvironnementales`` as in the DECP 2022 format.

    A reserved contract declares only "Marché réservé" on the social side; a consideration comes
    from award criteria ("Critère …") or from execution conditions and specifications ("Clause …").
    """
    social: list[str] = []
    if ctx.c.reserved != "none":
        social = ["Marché réservé"]
    else:
        if ctx.social_criteria:
            social.append("Critère social")
        if ctx.has_condition("social") or ctx.spec_has("social"):
            social.append("Clause sociale")
    env: list[str] = []
    if ctx.env_criteria:
        env.append("Critère environnemental")
    if ctx.has_condition("environmental") or ctx.spec_has("environmental"):
        env.append("Clause environnementale")
    return {
        "considerationsSociales": {
            "considerationSociale": social or ["Pas de considération sociale"]
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": env or ["Pas de considération environnementale"]
        },
    }


def regime(ctx: Context) -> dict[str, Any]:
    """Which procedure, publicity and obligations the amount and the date require (French text)."""
    c = ctx.c
    if c.defence_security:
        climate = "hors champ (marché de défense ou de sécurité)"
    elif ctx.l_level_applies:
        climate = "applicables (lancement à partir du 22/08/2026)"
    elif ctx.r_level_applies:
        climate = "date charnière : fin du critère prix seul applicable (21/08/2026)"
    else:
        climate = "non encore applicables (lancement avant le 21/08/2026)"
    return {
        "family": c.family,
        "family_derived_from_cpv": c.family_derived,
        "eu_threshold_ht": ctx.eu_threshold,
        "dispense_threshold_ht": ctx.dispense_threshold,
        "required_procedure": required_procedure(ctx),
        "required_publicity": required_publicity(ctx),
        "decp_publication_required": c.estimated_amount_ht >= params.DECP_PUBLICATION_MIN.value,
        "climate_obligations": climate,
        "social_clause_required": ctx.above_eu and ctx.l_level_applies and not c.defence_security,
        "sourcing_policy_threshold_ht": ctx.policy.sourcing_threshold(c.family),
    }
