"""Procedure and publicity thresholds (TH-01 to TH-08) and the sourcing policy (Proposition 3)."""

from __future__ import annotations

from ancrage.compliance import params
from ancrage.compliance.context import Context, euros
from ancrage.compliance.findings import Finding
from ancrage.compliance.model import FAMILY_LABELS

# Buyers whose MAPA publicity is framed by R. 2131-12 (State, its non-EPIC establishments,
# collectivités and their establishments; public hospitals are établissements publics).
_R2131_12_BUYERS = frozenset({"state", "local_authority", "hospital"})
_NOTICE_PROCEDURES = frozenset(
    {"mapa", "appel_offres_ouvert", "appel_offres_restreint", "procedure_avec_negociation"}
    | {"dialogue_competitif"}
)


def procedure_rules(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (_th01, _sourcing_policy, _th02, _th03_th06, _th04, _th05, _th07, _th08):
        findings.extend(rule(ctx))
    return findings


def required_procedure(ctx: Context) -> str:
    """French description of the procedure the amount requires (TH-02, TH-03, TH-06)."""
    amount = ctx.c.estimated_amount_ht
    if amount < ctx.dispense_threshold:
        return (
            f"dispense de publicité et de mise en concurrence possible (< "
            f"{euros(ctx.dispense_threshold)})"
        )
    if not ctx.above_eu:
        return f"procédure adaptée possible (< seuil européen {euros(ctx.eu_threshold)})"
    return f"procédure formalisée obligatoire (≥ seuil européen {euros(ctx.eu_threshold)})"


def required_publicity(ctx: Context) -> str:
    """French description of the publicity the amount requires (TH-04, TH-06)."""
    amount = ctx.c.estimated_amount_ht
    if amount < ctx.dispense_threshold:
        return "aucune publicité préalable obligatoire"
    if ctx.above_eu:
        return "avis au JOUE et au BOAMP (procédure formalisée)"
    if ctx.c.buyer_kind not in _R2131_12_BUYERS:
        return "publicité adaptée au montant et à l'objet"
    if amount >= params.MAPA_PUBLICITY_BOAMP_JAL.value:
        return "avis au BOAMP ou dans un JAL, et sur le profil d'acheteur"
    return "publicité librement adaptée au montant et à l'objet"


def _th01(ctx: Context) -> list[Finding]:
    sourcing = ctx.c.sourcing
    if sourcing is None or not sourcing.done or sourcing.actions:
        return []
    return [
        Finding(
            "TH-01",
            "to_fix",
            "Sourcing déclaré sans description des échanges : consignez qui a été consulté et "
            "quelles informations ont été données, pour montrer qu'aucun opérateur n'a reçu "
            "d'avantage d'information (R. 2111-1).",
        )
    ]


def _sourcing_policy(ctx: Context) -> list[Finding]:
    policy, c = ctx.policy, ctx.c
    threshold = policy.sourcing_threshold(c.family)
    if not policy.sourcing_enabled or c.estimated_amount_ht < threshold:
        return []
    if c.sourcing is not None and c.sourcing.done:
        return []
    state = "non renseigné" if c.sourcing is None else "non réalisé"
    return [
        Finding(
            "TH-01",
            "to_fix",
            f"Sourcing {state} alors que la valeur estimée ({euros(c.estimated_amount_ht)}) "
            f"atteint le seuil de la politique d'achat ({euros(threshold)} pour les "
            f"{FAMILY_LABELS[c.family]}) : politique de sourcing systématique (Proposition 3 du "
            "livre blanc), non une obligation légale ; le sourcing reste facultatif en droit.",
        )
    ]


def _th02(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.procedure == "negocie_sans_publicite" and not c.justification("TH-02"):
        return [
            Finding(
                "TH-02",
                "to_fix",
                "Marché négocié sans publicité ni mise en concurrence : ses cas sont limitativement "
                "énumérés (urgence, opérateur unique… R. 2122-1 s.) ; consignez le cas invoqué "
                "(champ « justifications » : TH-02).",
            )
        ]
    if c.procedure != "dispense":
        return []
    if c.estimated_amount_ht >= ctx.dispense_threshold:
        return [
            Finding(
                "TH-02",
                "blocking",
                f"Dispense de publicité et de mise en concurrence impossible : valeur estimée "
                f"{euros(c.estimated_amount_ht)} ≥ seuil de dispense "
                f"{euros(ctx.dispense_threshold)} ({FAMILY_LABELS[c.family]}) ; "
                f"{required_procedure(ctx)}.",
            )
        ]
    return [
        Finding(
            "TH-02",
            "advice",
            "Marché dispensé de publicité et de mise en concurrence : choisissez une offre "
            "pertinente, faites une bonne utilisation des deniers publics et ne contractez pas "
            "systématiquement avec le même opérateur lorsque plusieurs peuvent répondre.",
        )
    ]


def _th03_th06(ctx: Context) -> list[Finding]:
    c = ctx.c
    findings = []
    if not params.eu_thresholds_known(c.launch_date):
        findings.append(
            Finding(
                "TH-06",
                "advice",
                f"Seuils européens de la période du {c.launch_date:%d/%m/%Y} non publiés dans "
                "le référentiel : les seuils 2026-2027 sont utilisés (règle non confirmée pour "
                "cette période).",
            )
        )
    if c.procedure != "mapa" or not ctx.above_eu:
        return findings
    reason = c.justification("TH-03")
    if reason:
        findings.append(
            Finding(
                "TH-03",
                "advice",
                f"Procédure adaptée au-dessus du seuil européen, justifiée : « {reason} ». "
                "Vérifiez les conditions : services sociaux et spécifiques (seuil 750 000 € HT) "
                "ou petits lots (< 80 000 € HT fournitures/services, < 1 000 000 € HT travaux, "
                "20 % au plus du total) — montants partiellement confirmés.",
            )
        )
        return findings
    findings.append(
        Finding(
            "TH-06",
            "blocking",
            f"Procédure adaptée déclarée alors que la valeur estimée "
            f"({euros(c.estimated_amount_ht)}) atteint le seuil européen "
            f"({euros(ctx.eu_threshold)}) : procédure formalisée obligatoire (appel d'offres, "
            "procédure avec négociation ou dialogue compétitif), sauf petits lots ou services "
            "sociaux (champ « justifications » : TH-03).",
        )
    )
    return findings


def _th04(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.procedure != "mapa" or ctx.above_eu or c.buyer_kind not in _R2131_12_BUYERS:
        return []
    if c.estimated_amount_ht < params.MAPA_PUBLICITY_BOAMP_JAL.value:
        return []
    media = c.publicity
    if media is None:
        return [
            Finding(
                "TH-04",
                "advice",
                f"Valeur estimée ≥ {euros(params.MAPA_PUBLICITY_BOAMP_JAL.value)} : l'avis "
                "d'appel à la concurrence doit paraître au BOAMP ou dans un JAL, et sur le "
                "profil d'acheteur (champ « publicity » non renseigné).",
            )
        ]
    missing = []
    if not {"boamp", "jal"} & set(media):
        missing.append("BOAMP ou JAL")
    if "profil_acheteur" not in media:
        missing.append("profil d'acheteur")
    if not missing:
        return []
    return [
        Finding(
            "TH-04",
            "blocking",
            f"Publicité insuffisante pour une procédure adaptée de "
            f"{euros(c.estimated_amount_ht)} (≥ {euros(params.MAPA_PUBLICITY_BOAMP_JAL.value)}) : "
            f"manque {', '.join(missing)}.",
        )
    ]


def _th05(ctx: Context) -> list[Finding]:
    c = ctx.c
    threshold = params.DCE_FREE_ACCESS.at(c.launch_date)
    if c.dce_free_access is not False or c.procedure not in _NOTICE_PROCEDURES:
        return []
    if c.estimated_amount_ht < threshold:
        return []
    return [
        Finding(
            "TH-05",
            "blocking",
            f"Documents de la consultation non gratuits : à partir de {euros(threshold)} avec "
            "avis d'appel à la concurrence, ils doivent être mis à disposition gratuitement sur "
            "le profil d'acheteur.",
        )
    ]


def _th07(ctx: Context) -> list[Finding]:
    c = ctx.c
    minimum = params.DECP_PUBLICATION_MIN.value
    if c.procedure != "dispense" or not minimum <= c.estimated_amount_ht < ctx.dispense_threshold:
        return []
    return [
        Finding(
            "TH-07",
            "advice",
            f"Marché dispensé de mise en concurrence mais ≥ {euros(minimum)} : ses données "
            "essentielles (DECP) devront être publiées dans les deux mois suivant la "
            "notification (seuil de R. 2196-1 inchangé d'après le décret 2025-1386 — "
            "partiellement confirmé).",
        )
    ]


def _th08(ctx: Context) -> list[Finding]:
    c = ctx.c
    multiplier = params.TURNOVER_CAP_MULTIPLIER.at(c.launch_date)
    pairs = [("le marché", c.estimated_amount_ht, c.min_turnover_required)]
    pairs += [
        (f"le lot « {lot.title} »", lot.estimated_amount_ht, lot.min_turnover_required)
        for lot in c.lots
    ]
    findings = []
    for label, value, required in pairs:
        if value is None or required is None or required <= multiplier * value:
            continue
        if c.justification("TH-08"):
            continue
        findings.append(
            Finding(
                "TH-08",
                "to_fix",
                f"Chiffre d'affaires minimal exigé pour {label} ({euros(required)}) supérieur à "
                f"{multiplier:g} × la valeur estimée ({euros(multiplier * value)}) : à réduire, "
                "sauf justification par l'objet ou les conditions d'exécution (champ "
                "« justifications » : TH-08).",
            )
        )
    return findings
