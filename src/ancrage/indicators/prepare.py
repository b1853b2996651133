"""The prepared bases every indicator starts from, and the breakdown dimensions.

Multi-awardee rule (applied everywhere): a contract counts once. Contract-level indicators count
the contract and its current amount once. Supplier-level indicators split the contract equally
among its current awardees: each of the ``n`` awardees carries a weight of ``1/n`` contract and
``current amount / n`` euros, so that the weights of a contract always add up to one contract and
to its amount, never more.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from ancrage.indicators.inputs import Period

# Breakdown dimensions, in the order they are shown. ``buyer_id`` is the usual first key.
BREAKDOWNS: dict[str, str] = {
    "year": "Année de notification",
    "family": "Famille d'achat (travaux, fournitures, services)",
    "cpv_division": "Division CPV (2 premiers chiffres)",
    "procedure": "Procédure",
    "amount_band": "Tranche de montant initial HT",
}
GROUP_KEYS = ("buyer_id", *BREAKDOWNS)

# Amount bands, on the initial amount as published (the amount the procedure thresholds were
# assessed against): DECP publication threshold 40 k€, MAPA publicity 90 k€, EU thresholds
# 221 k€ (supplies/services of local authorities) and 5 538 k€ (works), 2024-2025 values.
AMOUNT_BANDS: tuple[tuple[str, str, float | None], ...] = (
    ("lt_40k", "moins de 40 k€", 40_000.0),
    ("40k_90k", "de 40 k€ à moins de 90 k€", 90_000.0),
    ("90k_221k", "de 90 k€ à moins de 221 k€", 221_000.0),
    ("221k_1m", "de 221 k€ à moins de 1 M€", 1_000_000.0),
    ("1m_5538k", "de 1 M€ à moins de 5,538 M€", 5_538_000.0),
    ("ge_5538k", "5,538 M€ ou plus", None),
)
AMOUNT_BAND_LABELS = {band: label for band, label, _ in AMOUNT_BANDS}

SOCIAL_LABELS = ("Clause sociale", "Critère social", "Marché réservé", "Concession réservée")
ENVIRONMENTAL_LABELS = ("Clause environnementale", "Critère environnemental")
RESERVED_LABELS = ("Marché réservé", "Concession réservée")


def check_group_by(group_by: list[str]) -> list[str]:
    """The breakdown keys, validated (French error for an unknown one)."""
    unknown = [key for key in group_by if key not in GROUP_KEYS]
    if unknown:
        raise ValueError(
            f"Ventilation inconnue : {', '.join(unknown)}. "
            f"Valeurs possibles : {', '.join(GROUP_KEYS)}."
        )
    return list(dict.fromkeys(group_by))


def _amount_band(amount: ibis.Value) -> ibis.Value:
    cases = [(amount < upper, band) for band, _, upper in AMOUNT_BANDS if upper is not None]
    # An unknown amount has no band (NULL), it is not put in the last one.
    return ibis.ifelse(
        amount.isnull(), ibis.null("string"), ibis.cases(*cases, else_=AMOUNT_BANDS[-1][0])
    )


def has_any(labels: ibis.Value, wanted: tuple[str, ...]) -> ibis.Value:
    """True when the list holds one of ``wanted``; NULL when the list itself is NULL."""
    result = labels.contains(wanted[0])
    for label in wanted[1:]:
        result = result | labels.contains(label)
    return result


def contract_base(contracts: Table, period: Period) -> Table:
    """One row per contract of the period, with the breakdown keys and derived flags."""
    c = contracts
    if period.start is not None:
        c = c.filter(c.notification_date >= period.start)
    if period.end is not None:
        c = c.filter(c.notification_date <= period.end)
    social = c.social_considerations
    env = c.environmental_considerations
    # A considerations list exists only in the 2022 format; an empty list is unreadable data.
    social_known = social.notnull() & (social.length() > 0)
    env_known = env.notnull() & (env.length() > 0)
    return c.select(
        "contract_id",
        "buyer_id",
        year=c.notification_date.year().cast("int64"),
        family=c.family,
        cpv_division=c.cpv[:2],
        procedure=c.procedure,
        amount_band=_amount_band(c.amount_ht),
        cpv=c.cpv,
        # Modifications carry new totals; the current amount is the one to count.
        amount=c.current_amount_ht.cast("float64"),
        offers=c.offers_received,
        social_known=social_known,
        env_known=env_known,
        social=social_known & has_any(social, SOCIAL_LABELS),
        social_clause=social_known & social.contains("Clause sociale"),
        social_criterion=social_known & social.contains("Critère social"),
        reserved=social_known & has_any(social, RESERVED_LABELS),
        environmental=env_known & has_any(env, ENVIRONMENTAL_LABELS),
        env_clause=env_known & env.contains("Clause environnementale"),
        env_criterion=env_known & env.contains("Critère environnemental"),
        innovative=c.innovative,
        subcontracting=c.subcontracting_declared,
        origin_eu=c.origin_eu_share.cast("float64"),
        origin_france=c.origin_france_share.cast("float64"),
    )


def awardee_base(base: Table, awardees: Table, supplier_profiles: Table) -> Table:
    """One row per current awardee of a contract of ``base``, with its supplier profile.

    ``weight`` = 1/n and ``amount_share`` = amount/n, n = current awardees of the contract.
    """
    current = awardees.filter(awardees.is_current.fill_null(False))
    current = current.select(
        "contract_id",
        "supplier_id",
        type_key=current.supplier_id_type.fill_null(""),
    )
    counts = current.group_by("contract_id").aggregate(n_awardees=current.count())
    profiles = supplier_profiles.select(
        profile_id=supplier_profiles.supplier_id,
        profile_type=supplier_profiles.supplier_id_type.fill_null(""),
        size=supplier_profiles.size,
        social_economy=supplier_profiles.social_economy,
        inclusive=supplier_profiles.inclusive,
    )
    joined = base.join(current, "contract_id").join(counts, "contract_id")
    joined = joined.left_join(
        profiles,
        [
            joined.supplier_id == profiles.profile_id,
            joined.type_key == profiles.profile_type,
        ],
    )
    n = joined.n_awardees.cast("float64")
    return joined.mutate(weight=1.0 / n, amount_share=joined.amount / n).drop(
        "profile_id", "profile_type"
    )


def locality_base(base: Table, awardee_locality: Table) -> Table:
    """One row per current awardee of a contract of ``base``, with its locality and distance."""
    loc = awardee_locality.select(
        "contract_id", "supplier_id", "local", "distance_km", "located", "reason_unlocated"
    )
    counts = loc.group_by("contract_id").aggregate(n_awardees=loc.count())
    joined = base.join(loc, "contract_id").join(counts, "contract_id")
    n = joined.n_awardees.cast("float64")
    return joined.mutate(weight=1.0 / n, amount_share=joined.amount / n)
