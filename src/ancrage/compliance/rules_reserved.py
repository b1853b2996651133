"""Reserved contracts (RES-01 to RES-05) and the reservation suggestion of Proposition 5."""

from __future__ import annotations

from ancrage.compliance import params
from ancrage.compliance.context import Context
from ancrage.compliance.findings import Finding

_SHARE = f"{params.RESERVED_MIN_SHARE.value:.0%}".replace("%", " %")
_SIMPLE = {
    "ea_esat": (
        "RES-01",
        "Marché réservé aux entreprises adaptées et ESAT : l'avis d'appel à la concurrence (ou, "
        f"à défaut, les documents de la consultation) doit viser L. 2113-12 ; les structures "
        f"doivent employer au moins {_SHARE} de travailleurs handicapés.",
    ),
    "siae": (
        "RES-02",
        "Marché réservé aux structures d'insertion par l'activité économique : l'avis (ou les "
        f"documents de la consultation) doit viser L. 2113-13 ; les structures doivent employer "
        f"au moins {_SHARE} de travailleurs défavorisés.",
    ),
    "ea_esat_siae": (
        "RES-03",
        "Réservation conjointe EA/ESAT et SIAE (possible depuis la loi ASAP) : visez dans l'avis "
        "les deux fondements (L. 2113-12 et L. 2113-13 ; article de la réservation conjointe "
        "partiellement confirmé).",
    ),
}
# Sectors where EA/ESAT and SIAE commonly bid (cleaning, green spaces, laundry, printing,
# catering, waste collection): product heuristic to point at Proposition 5, never a legal rule.
_RESERVABLE_SECTORS = ("909", "773", "9831", "798", "555", "905")


def reserved_rules(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.reserved in _SIMPLE:
        rule, message = _SIMPLE[c.reserved]
        return [Finding(rule, "advice", message)]
    if c.reserved == "prison":
        return _prison(ctx)
    if c.reserved == "ess":
        return _ess(ctx)
    if c.cpv.startswith(_RESERVABLE_SECTORS):
        return [
            Finding(
                "RES-03",
                "advice",
                "Ce type de prestation est souvent assuré par des entreprises adaptées, ESAT ou "
                "structures d'insertion : envisagez de réserver le marché ou un lot (L. 2113-12 à "
                "L. 2113-14 ; livre blanc, Proposition 5).",
            )
        ]
    return []


def _prison(ctx: Context) -> list[Finding]:
    start = params.PRISON_RESERVATION_FROM.value
    if ctx.c.launch_date < start:
        return [
            Finding(
                "RES-04",
                "blocking",
                f"Réservation au travail pénitentiaire impossible avant le {start:%d/%m/%Y} "
                "(entrée en vigueur de L. 2113-13-1).",
            )
        ]
    return [
        Finding(
            "RES-04",
            "advice",
            "Marché réservé aux opérateurs faisant exécuter les prestations par des personnes "
            "détenues : visez L. 2113-13-1 dans l'avis ou les documents de la consultation.",
        )
    ]


def _ess(ctx: Context) -> list[Finding]:
    c = ctx.c
    if c.family != "services":
        return [
            Finding(
                "RES-05",
                "blocking",
                "La réservation aux entreprises de l'ESS ne vise que certains services de santé, "
                "sociaux et culturels : elle est impossible pour des travaux ou des fournitures.",
            )
        ]
    findings = []
    if not c.cpv.startswith(params.ESS_SERVICE_CPV_PREFIXES.value):
        findings.append(
            Finding(
                "RES-05",
                "to_fix",
                f"Le code CPV {c.cpv} ne figure pas parmi les services de santé, sociaux et "
                "culturels ouverts à la réservation ESS (liste de l'avis annexé au CCP, reprise "
                "partiellement confirmée).",
            )
        )
    limit = params.ESS_MAX_DURATION_MONTHS.value
    if c.duration_months is not None and c.duration_months > limit:
        findings.append(
            Finding(
                "RES-05",
                "to_fix",
                f"Durée de {c.duration_months:g} mois supérieure au maximum de {limit} mois "
                "d'un marché réservé ESS (L. 2113-16, partiellement confirmé).",
            )
        )
    day = c.launch_date
    # Three calendar years back; 29 February falls back to the 28th.
    since = day.replace(year=day.year - 3, day=min(day.day, 28) if day.month == 2 else day.day)
    findings.append(
        Finding(
            "RES-05",
            "advice",
            "Marché réservé ESS : vérifiez que l'attributaire n'a pas obtenu de marché pour les "
            f"mêmes services de votre part en application de ce régime depuis le {since:%d/%m/%Y} "
            "(3 ans ; conditions de L. 2113-16 partiellement confirmées).",
        )
    )
    return findings
