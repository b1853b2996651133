"""The consultation a buyer describes: vocabularies and the validated data classes.

Reading and validation are in :mod:`reader`; the rules are in ``rules_*`` modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FAMILIES = ("works", "supplies", "services")
BUYER_KINDS = ("state", "local_authority", "hospital", "utility", "other")
CRITERION_KINDS = (
    "price",
    "cost",
    "life_cycle_cost",
    "technical",
    "environmental",
    "social",
    "delivery",
    "other",
)
CONDITION_KINDS = ("environmental", "social", "other")
RESERVED_KINDS = ("none", "ea_esat", "siae", "ea_esat_siae", "prison", "ess")
# Procedure slugs; "dispense" = marché sans publicité ni mise en concurrence préalables (R. 2122-8),
# "negocie_sans_publicite" = the other cases of R. 2122-1 s. (urgence, opérateur unique…).
PROCEDURES = (
    "dispense",
    "negocie_sans_publicite",
    "mapa",
    "appel_offres_ouvert",
    "appel_offres_restreint",
    "procedure_avec_negociation",
    "dialogue_competitif",
)
FORMALISED_PROCEDURES = frozenset(PROCEDURES[3:])
# French labels (DECP 2022 and everyday wording) accepted for ``procedure``.
PROCEDURE_ALIASES = {
    "procédure adaptée": "mapa",
    "procedure adaptee": "mapa",
    "appel d'offres ouvert": "appel_offres_ouvert",
    "appel d'offres restreint": "appel_offres_restreint",
    "procédure avec négociation": "procedure_avec_negociation",
    "procédure concurrentielle avec négociation": "procedure_avec_negociation",
    "dialogue compétitif": "dialogue_competitif",
    "marché passé sans publicité ni mise en concurrence préalable": "dispense",
    "sans publicité ni mise en concurrence": "dispense",
}
FAMILY_ALIASES = {"travaux": "works", "fournitures": "supplies"}
FAMILY_LABELS = {"works": "travaux", "supplies": "fournitures", "services": "services"}
PUBLICITY_MEDIA = ("libre", "boamp", "jal", "joue", "profil_acheteur", "presse_specialisee")

KNOWN_FIELDS = frozenset(
    {
        "object",
        "cpv",
        "family",
        "estimated_amount_ht",
        "launch_date",
        "procedure",
        "buyer_kind",
        "lots",
        "no_lots_justification",
        "award_criteria",
        "execution_conditions",
        "technical_specifications",
        "reserved",
        "sourcing",
        "justifications",
        "defence_security",
        "duration_months",
        "min_turnover_required",
        "publicity",
        "dce_free_access",
        "abnormally_low_offers",
        "rejected_bidders_information",
        "fleet_size",
    }
)


class ConsultationError(ValueError):
    """The consultation file cannot be read or is invalid; the message is in French."""


@dataclass(frozen=True)
class AwardCriterion:
    name: str
    weight: float | None
    kind: str
    description: str = ""


@dataclass(frozen=True)
class ExecutionCondition:
    kind: str
    description: str


@dataclass(frozen=True)
class Specification:
    description: str
    kind: str | None = None  # environmental / social / other when the buyer states it


@dataclass(frozen=True)
class Lot:
    title: str
    estimated_amount_ht: float | None = None
    min_turnover_required: float | None = None


@dataclass(frozen=True)
class Sourcing:
    done: bool
    actions: str = ""


@dataclass(frozen=True)
class Consultation:
    object: str
    cpv: str  # 8 digits, check digit removed
    family: str
    estimated_amount_ht: float
    launch_date: date
    procedure: str
    buyer_kind: str
    lots: tuple[Lot, ...] = ()
    no_lots_justification: str = ""
    award_criteria: tuple[AwardCriterion, ...] = ()
    execution_conditions: tuple[ExecutionCondition, ...] = ()
    technical_specifications: tuple[Specification, ...] = ()
    reserved: str = "none"
    sourcing: Sourcing | None = None  # None: not stated by the buyer
    justifications: dict[str, str] = field(default_factory=dict)
    defence_security: bool = False
    duration_months: float | None = None
    min_turnover_required: float | None = None
    publicity: tuple[str, ...] | None = None
    dce_free_access: bool | None = None
    abnormally_low_offers: str | None = None
    rejected_bidders_information: str | None = None
    fleet_size: int | None = None
    family_derived: bool = False  # True when ``family`` came from the CPV division

    @property
    def formalised(self) -> bool:
        return self.procedure in FORMALISED_PROCEDURES

    def justification(self, rule: str) -> str:
        return self.justifications.get(rule, "").strip()


def family_from_cpv(cpv: str) -> str:
    """CONV-TYPE: 45 → works; 01–44 and 48 → supplies; 50–98 → services."""
    division = int(cpv[:2])
    if division == 45:
        return "works"
    if 1 <= division <= 44 or division == 48:
        return "supplies"
    if 50 <= division <= 98:
        return "services"
    raise ConsultationError(
        f"champ « cpv » : la division {cpv[:2]} ne correspond à aucune nature (travaux, "
        "fournitures, services) ; indiquez « family »"
    )
