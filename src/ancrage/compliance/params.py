"""Every threshold and date the compliance checker uses, in one place, with its source.

Values come from ``legal-rules.md`` (rule ids, confidence tags). A rule whose parameter is
``UNCONFIRMED`` only produces ``advice`` whose message says so (see the ``rules_*`` modules).
Amounts are euros HT; dates are consultation launch dates (CONV-DATE); thresholds written
"inférieure à" are strict ``<`` and obligations apply at ``>=`` (CONV-AMOUNT).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, Literal, TypeVar

Confidence = Literal["CONFIRMED", "PARTIAL", "UNCONFIRMED"]
T = TypeVar("T")


@dataclass(frozen=True)
class Param(Generic[T]):
    """One parameter: value, unit, the rule it belongs to, its legal source and confidence."""

    key: str
    value: T
    unit: str
    rule: str
    source: str
    confidence: Confidence
    note: str = ""


@dataclass(frozen=True)
class Period(Generic[T]):
    """A value valid for consultations launched between ``start`` and ``end`` (both inclusive)."""

    value: T
    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class DatedParam(Generic[T]):
    """A parameter whose value depends on the consultation launch date."""

    key: str
    periods: tuple[Period[T], ...]
    unit: str
    rule: str
    source: str
    confidence: Confidence
    note: str = ""

    def at(self, day: date) -> T:
        for period in self.periods:
            if period.covers(day):
                return period.value
        raise LookupError(f"{self.key} : aucune valeur connue pour le {day.isoformat()}")


# --- Loi Climat et résilience, art. 35 (legal-rules.md §1) -------------------------------------
CR_R_LEVEL_FROM = Param(
    "cr_r_level_from",
    date(2026, 8, 21),
    "date",
    "CR-07",
    "Décret n° 2022-767 du 2 mai 2022, art. 14 (R. 2152-7 CCP)",
    "CONFIRMED",
)
CR_L_LEVEL_FROM = Param(
    "cr_l_level_from",
    date(2026, 8, 22),
    "date",
    "CR-03",
    "Loi n° 2021-1104 art. 35 ; Légifrance, « Version du 22 août 2026 » de L. 2111-2, L. 2112-2, "
    "L. 2112-2-1, L. 2152-7",
    "PARTIAL",
    note="Certains commentateurs retiennent le 21 ou le 23 août : lancements des 21 et 22 août "
    "2026 signalés comme « date charnière ».",
)
# Launch dates reported as "boundary" (legal-rules.md §1, implementation paragraph).
CR_BOUNDARY_DAYS = Param(
    "cr_boundary_days",
    (date(2026, 8, 21), date(2026, 8, 22)),
    "dates",
    "CR-03",
    "legal-rules.md §1 (dates divergentes selon les sources)",
    "PARTIAL",
)

# --- Procedure thresholds (legal-rules.md §3) --------------------------------------------------
DISPENSE_SUPPLIES_SERVICES = DatedParam(
    "dispense_threshold_supplies_services",
    (
        Period(40_000, date(2020, 1, 1), date(2026, 3, 31)),
        Period(60_000, date(2026, 4, 1), None),
    ),
    "€ HT (strictement inférieur)",
    "TH-02",
    "R. 2122-8 CCP ; décret n° 2019-1344 ; décret n° 2025-1386 art. 1 b et 3",
    "CONFIRMED",
)
DISPENSE_WORKS = DatedParam(
    "dispense_threshold_works",
    (
        Period(40_000, date(2020, 1, 1), date(2020, 7, 23)),
        Period(70_000, date(2020, 7, 24), date(2020, 12, 7)),
        Period(100_000, date(2020, 12, 8), None),
    ),
    "€ HT (strictement inférieur)",
    "TH-02",
    "R. 2122-8 CCP ; loi ASAP art. 142 ; décrets 2022-1683, 2024-1217 ; décret n° 2025-1386 art. 1 a",
    "CONFIRMED",
    note="Dates de 2020 approximatives (UNCONFIRMED) ; 100 000 € permanent depuis le 1er janvier 2026.",
)
MAPA_PUBLICITY_BOAMP_JAL = Param(
    "mapa_publicity_boamp_jal",
    90_000,
    "€ HT (à partir de)",
    "TH-04",
    "R. 2131-12 CCP",
    "CONFIRMED",
)
MAPA_SMALL_LOTS = Param(
    "mapa_small_lots",
    {"supplies_services": 80_000, "works": 1_000_000, "max_share": 0.20},
    "€ HT / part",
    "TH-03",
    "R. 2123-1 2° CCP",
    "PARTIAL",
)
DCE_FREE_ACCESS = DatedParam(
    "dce_free_access",
    (Period(40_000, None, date(2026, 3, 31)), Period(60_000, date(2026, 4, 1), None)),
    "€ HT (à partir de)",
    "TH-05",
    "R. 2132-2 CCP ; décret n° 2025-1386 art. 1 2°",
    "CONFIRMED",
)
# TH-06: EU thresholds by period; keys are the threshold categories of the avis annexé au CCP.
EU_THRESHOLDS = DatedParam(
    "eu_thresholds",
    (
        Period(
            {
                "fs_central": 140_000,
                "fs_other": 215_000,
                "fs_utilities": 431_000,
                "works": 5_382_000,
            },
            date(2022, 1, 1),
            date(2023, 12, 31),
        ),
        Period(
            {
                "fs_central": 143_000,
                "fs_other": 221_000,
                "fs_utilities": 443_000,
                "works": 5_538_000,
            },
            date(2024, 1, 1),
            date(2025, 12, 31),
        ),
        Period(
            {
                "fs_central": 140_000,
                "fs_other": 216_000,
                "fs_utilities": 432_000,
                "works": 5_404_000,
            },
            date(2026, 1, 1),
            date(2027, 12, 31),
        ),
    ),
    "€ HT (à partir de)",
    "TH-06",
    "Avis relatif aux seuils de procédure (annexe 2 du CCP), JORF 26 décembre 2025 ; "
    "règlements délégués (UE) du 22 octobre 2025",
    "CONFIRMED",
)
# Which EU-threshold category applies to each buyer kind for supplies and services.
EU_CATEGORY_BY_BUYER = {
    "state": "fs_central",
    "local_authority": "fs_other",
    "hospital": "fs_other",
    "other": "fs_other",
    "utility": "fs_utilities",
}
SOCIAL_SPECIFIC_SERVICES = Param(
    "social_specific_services", 750_000, "€ HT", "TH-06", "R. 2123-1 3° CCP", "PARTIAL"
)
DECP_PUBLICATION_MIN = Param(
    "decp_publication_min",
    40_000,
    "€ HT (à partir de)",
    "TH-07",
    "R. 2196-1 CCP ; arrêté du 22 décembre 2022",
    "PARTIAL",
    note="Le décret 2025-1386 n'a pas modifié R. 2196-1 (déduction, à vérifier sur Légifrance).",
)
TURNOVER_CAP_MULTIPLIER = DatedParam(
    "turnover_cap_multiplier",
    (Period(2.0, None, date(2025, 12, 31)), Period(1.5, date(2026, 1, 1), None)),
    "× valeur estimée",
    "TH-08",
    "R. 2142-7 CCP ; décret n° 2025-1383 art. 2",
    "CONFIRMED",
)

# --- Reserved contracts (legal-rules.md §5) ----------------------------------------------------
RESERVED_MIN_SHARE = Param(
    "reserved_min_share", 0.50, "part des travailleurs", "RES-01", "R. 2113-7 CCP", "CONFIRMED"
)
PRISON_RESERVATION_FROM = Param(
    "prison_reservation_from",
    date(2022, 10, 20),
    "date",
    "RES-04",
    "L. 2113-13-1 CCP ; ordonnance n° 2022-1336 du 19 octobre 2022",
    "CONFIRMED",
)
ESS_MAX_DURATION_MONTHS = Param(
    "ess_max_duration_months", 36, "mois", "RES-05", "L. 2113-16 CCP", "PARTIAL"
)
# CPV prefixes of the health, social and cultural services open to ESS reservation (directive
# 2014/24 art. 77, list taken over by the avis annexé au CCP). PARTIAL: re-verify the avis.
# "de 85000000 à 85323000": every code of division 85 falls in that range.
_ESS_PREFIXES = ("75121", "75122", "75123", "79622", "79624", "79625", "80110", "80300", "80420", "80430", "80511", "80520", "80590", "85", "925", "926", "98133")  # fmt: skip
ESS_SERVICE_CPV_PREFIXES = Param(
    "ess_service_cpv_prefixes",
    _ESS_PREFIXES,
    "préfixes CPV",
    "RES-05",
    "L. 2113-15 CCP ; directive 2014/24/UE art. 77",
    "PARTIAL",
)

# --- Sector rules (legal-rules.md §7) ----------------------------------------------------------
EGALIM_SHARES = Param(
    "egalim_shares",
    {"sustainable_quality": 0.50, "organic": 0.20, "meat_fish_quality": 0.60},
    "part de la valeur HT des achats",
    "SEC-EGA-01",
    "L. 230-5-1 CRPM ; décret n° 2019-351 ; loi n° 2021-1104",
    "CONFIRMED",
)
EGALIM_CE2_COUNTED_UNTIL = Param(
    "egalim_ce2_counted_until",
    date(2026, 12, 31),
    "date",
    "SEC-EGA-02",
    "L. 230-5-1 CRPM (certification environnementale de niveau 2)",
    "CONFIRMED",
)
AGEC_TEXTILES = DatedParam(
    "agec_textiles",
    (
        Period({"reuse": 0.08, "recycled": 0.20}, date(2024, 7, 1), date(2026, 12, 31)),
        Period({"reuse": 0.15, "recycled": 0.25}, date(2027, 1, 1), date(2029, 12, 31)),
        Period({"reuse": 0.15, "recycled": 0.30}, date(2030, 1, 1), None),
    ),
    "part de la dépense annuelle HT",
    "SEC-AGEC-01",
    "Loi AGEC art. 58 ; décret n° 2024-134 du 21 février 2024",
    "CONFIRMED",
)
IT_REFORM_REUSE_TARGET = Param(
    "it_reform_reuse_target",
    0.50,
    "part des matériels réformés (à partir de 2025)",
    "SEC-IT-01",
    "Décret n° 2023-266 du 12 avril 2023",
    "CONFIRMED",
)
FLEET_MIN_SIZE_EXCLUSIVE = Param(
    "fleet_min_size_exclusive",
    20,
    "véhicules ≤ 3,5 t (strictement plus de)",
    "SEC-FLEET-01",
    "L. 224-7 et L. 224-8 C. env. (version 2021)",
    "CONFIRMED",
)
FLEET_SHARES = {
    "state": DatedParam(
        "fleet_state",
        (
            Period({"vfe": 0.50, "vtfe": 0.374}, date(2026, 1, 1), date(2026, 12, 31)),
            Period({"vfe": 0.70, "vtfe": 0.374}, date(2027, 1, 1), date(2029, 12, 31)),
            Period({"vfe": 0.70, "vtfe": 0.45}, date(2030, 1, 1), None),
        ),
        "part des renouvellements annuels",
        "SEC-FLEET-01",
        "L. 224-7 C. env.",
        "CONFIRMED",
    ),
    "local_authority": DatedParam(
        "fleet_local_authority",
        (
            Period({"vfe": 0.40, "vtfe": 0.374}, date(2026, 1, 1), date(2029, 12, 31)),
            Period({"vfe": 0.70, "vtfe": 0.40}, date(2030, 1, 1), None),
        ),
        "part des renouvellements annuels",
        "SEC-FLEET-01",
        "L. 224-8 C. env.",
        "CONFIRMED",
    ),
    "other": DatedParam(
        "fleet_other",
        (
            Period({"vfe": 0.40, "vtfe": 0.374}, date(2026, 1, 1), date(2029, 12, 31)),
            Period({"vfe": 0.40, "vtfe": 0.45}, date(2030, 1, 1), None),
        ),
        "part des renouvellements annuels",
        "SEC-FLEET-01",
        "L. 224-8 C. env.",
        "CONFIRMED",
    ),
}
BIOSOURCED_SHARE = Param(
    "biosourced_share_public_buildings",
    {"from": date(2030, 1, 1), "share": 0.25},
    "part des rénovations lourdes et constructions",
    "SEC-BUILD-01",
    "L. 228-4 C. env. (décret d'application non confirmé)",
    "UNCONFIRMED",
)

# --- Sourcing policy (white paper, Proposition 3): a policy, not a legal threshold -------------
SOURCING_POLICY_DEFAULTS = Param(
    "sourcing_policy_thresholds",
    {"works": 150_000, "other": 90_000},
    "€ HT (à partir de)",
    "TH-01",
    "Livre blanc, Proposition 3 ; R. 2111-1 CCP (sourcing facultatif en droit)",
    "CONFIRMED",
    note="Politique d'achat configurable, pas une obligation légale.",
)

ALL_PARAMS: tuple[Param | DatedParam, ...] = (
    CR_R_LEVEL_FROM,
    CR_L_LEVEL_FROM,
    CR_BOUNDARY_DAYS,
    DISPENSE_SUPPLIES_SERVICES,
    DISPENSE_WORKS,
    MAPA_PUBLICITY_BOAMP_JAL,
    MAPA_SMALL_LOTS,
    DCE_FREE_ACCESS,
    EU_THRESHOLDS,
    SOCIAL_SPECIFIC_SERVICES,
    DECP_PUBLICATION_MIN,
    TURNOVER_CAP_MULTIPLIER,
    RESERVED_MIN_SHARE,
    PRISON_RESERVATION_FROM,
    ESS_MAX_DURATION_MONTHS,
    ESS_SERVICE_CPV_PREFIXES,
    EGALIM_SHARES,
    EGALIM_CE2_COUNTED_UNTIL,
    AGEC_TEXTILES,
    IT_REFORM_REUSE_TARGET,
    FLEET_MIN_SIZE_EXCLUSIVE,
    *FLEET_SHARES.values(),
    BIOSOURCED_SHARE,
    SOURCING_POLICY_DEFAULTS,
)


def eu_threshold(family: str, buyer_kind: str, day: date) -> int:
    """TH-06 threshold (€ HT, obligations apply at ``>=``) for a family and buyer kind."""
    table = EU_THRESHOLDS.at(day)
    if family == "works":
        return table["works"]
    return table[EU_CATEGORY_BY_BUYER[buyer_kind]]


def eu_thresholds_known(day: date) -> bool:
    """False when the launch date is after the last published EU-threshold period."""
    return any(period.covers(day) for period in EU_THRESHOLDS.periods)


def eu_threshold_day(day: date) -> date:
    """The day whose thresholds to use: the last known period when ``day`` is after it."""
    last = EU_THRESHOLDS.periods[-1]
    if last.end is not None and day > last.end:
        return last.end
    return day


def dispense_threshold(family: str, day: date) -> int:
    """TH-02 threshold (€ HT, strictly below it the dispense is possible)."""
    param = DISPENSE_WORKS if family == "works" else DISPENSE_SUPPLIES_SERVICES
    return param.at(day)
