"""French labels of the checker's vocabularies (``ancrage.compliance.model``) for forms and pages."""

from __future__ import annotations

from typing import Any

from ancrage.compliance import Consultation as CheckedConsultation
from ancrage.compliance.model import (
    BUYER_KINDS,
    CONDITION_KINDS,
    CRITERION_KINDS,
    FAMILIES,
    PROCEDURES,
    PUBLICITY_MEDIA,
    RESERVED_KINDS,
)

PROCEDURE_LABELS = {
    "dispense": "Marché sans publicité ni mise en concurrence (dispense, R. 2122-8)",
    "negocie_sans_publicite": "Marché négocié sans publicité (autres cas de R. 2122-1 s.)",
    "mapa": "Procédure adaptée (MAPA)",
    "appel_offres_ouvert": "Appel d'offres ouvert",
    "appel_offres_restreint": "Appel d'offres restreint",
    "procedure_avec_negociation": "Procédure avec négociation",
    "dialogue_competitif": "Dialogue compétitif",
}
BUYER_KIND_LABELS = {
    "state": "État ou établissement public de l'État",
    "local_authority": "Collectivité territoriale ou établissement local",
    "hospital": "Établissement de santé",
    "utility": "Entité adjudicatrice (réseaux)",
    "other": "Autre acheteur",
}
FAMILY_LABELS = {"works": "Travaux", "supplies": "Fournitures", "services": "Services"}
CRITERION_KIND_LABELS = {
    "price": "Prix",
    "cost": "Coût",
    "life_cycle_cost": "Coût du cycle de vie",
    "technical": "Valeur technique",
    "environmental": "Environnemental",
    "social": "Social",
    "delivery": "Délai",
    "other": "Autre",
}
CONDITION_KIND_LABELS = {"environmental": "Environnementale", "social": "Sociale", "other": "Autre"}
RESERVED_LABELS = {
    "none": "Non réservé",
    "ea_esat": "Entreprises adaptées et ESAT (L. 2113-12)",
    "siae": "Structures d'insertion par l'activité économique (L. 2113-13)",
    "ea_esat_siae": "EA, ESAT et SIAE conjointement (L. 2113-14)",
    "prison": "Travail pénitentiaire (L. 2113-13-1)",
    "ess": "Entreprises de l'économie sociale et solidaire (L. 2113-15)",
}
PUBLICITY_LABELS = {
    "libre": "Publicité libre",
    "boamp": "BOAMP",
    "jal": "Journal d'annonces légales",
    "joue": "Journal officiel de l'Union européenne",
    "profil_acheteur": "Profil d'acheteur",
    "presse_specialisee": "Presse spécialisée",
}

# Each label table covers its checker vocabulary exactly (tests/web/test_consultations_forms.py).
VOCABULARIES = (
    (PROCEDURE_LABELS, PROCEDURES),
    (BUYER_KIND_LABELS, BUYER_KINDS),
    (FAMILY_LABELS, FAMILIES),
    (CRITERION_KIND_LABELS, CRITERION_KINDS),
    (CONDITION_KIND_LABELS, CONDITION_KINDS),
    (RESERVED_LABELS, RESERVED_KINDS),
    (PUBLICITY_LABELS, PUBLICITY_MEDIA),
)


def choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return list(labels.items())


def describe(c: CheckedConsultation) -> dict[str, Any]:
    """The consultation in French, for the report page."""
    sourcing = (
        "non renseigné"
        if c.sourcing is None
        else ("réalisé" if c.sourcing.done else "non réalisé")
        + (f" : {c.sourcing.actions}" if c.sourcing.actions else "")
    )
    return {
        "object": c.object,
        "cpv": c.cpv,
        "family": FAMILY_LABELS[c.family] + (" (déduite du code CPV)" if c.family_derived else ""),
        "amount": c.estimated_amount_ht,
        "launch_date": c.launch_date,
        "procedure": PROCEDURE_LABELS[c.procedure],
        "buyer_kind": BUYER_KIND_LABELS[c.buyer_kind],
        "lots": [lot.title for lot in c.lots],
        "no_lots_justification": c.no_lots_justification,
        "criteria": [
            {
                "name": k.name,
                "weight": k.weight,
                "kind": CRITERION_KIND_LABELS[k.kind],
                "description": k.description,
            }
            for k in c.award_criteria
        ],
        "conditions": [
            {"kind": CONDITION_KIND_LABELS[k.kind], "description": k.description}
            for k in c.execution_conditions
        ],
        "specifications": [s.description for s in c.technical_specifications],
        "reserved": RESERVED_LABELS[c.reserved],
        "sourcing": sourcing,
        "justifications": sorted(c.justifications.items()),
    }
