"""The vocabulary of the référentiel: families, kinds, pillars and the ``Clause`` record."""

from __future__ import annotations

from dataclasses import dataclass

# Family slug -> id prefix (binding list of the entry format).
FAMILY_PREFIXES: dict[str, str] = {
    "restauration_collective": "RESTO",
    "travaux_batiment": "BAT",
    "travaux_publics_voirie": "TP",
    "nettoyage": "NETT",
    "espaces_verts": "EV",
    "fournitures_bureau_papier": "FOURN",
    "informatique_numerique": "NUM",
    "vehicules_mobilite": "VEH",
    "energie": "ENER",
    "textiles_epi": "TEXT",
    "mobilier": "MOB",
    "prestations_intellectuelles": "PI",
    "transport": "TRANS",
    "evenementiel": "EVT",
    "impression": "IMPR",
    "gestion_dechets": "DECH",
    "transversal": "TRANSV",
}

KINDS: tuple[str, ...] = (
    "award_criterion",
    "sub_criterion",
    "execution_condition",
    "technical_specification",
    "functional_requirement",
    "reserved_contract",
)
CRITERION_KINDS = frozenset({"award_criterion", "sub_criterion"})
PILLARS: tuple[str, ...] = ("environmental", "social", "economic")

KIND_LABELS: dict[str, str] = {
    "award_criterion": "Critère d'attribution",
    "sub_criterion": "Sous-critère",
    "execution_condition": "Condition d'exécution",
    "technical_specification": "Spécification technique",
    "functional_requirement": "Exigence fonctionnelle",
    "reserved_contract": "Marché réservé",
}
PILLAR_LABELS: dict[str, str] = {
    "environmental": "Environnemental",
    "social": "Social",
    "economic": "Économique",
}
# The pillar segment of an id must agree with the pillar field.
PILLAR_ID_SEGMENT: dict[str, str] = {"environmental": "ENV", "social": "SOC", "economic": "ECO"}


@dataclass(frozen=True, slots=True)
class Source:
    """A cited source (never a copy of its text)."""

    title: str
    reference: str


@dataclass(frozen=True, slots=True)
class Verification:
    """How an offer is assessed or a condition verified."""

    means: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Clause:
    """One entry of the référentiel, as written in a data file, plus its ``family``."""

    id: str
    family: str
    title: str
    kind: str
    pillar: str
    cpv: tuple[str, ...]
    wording: str
    verification: Verification
    weight_range: tuple[int, int] | None
    legal_basis: tuple[str, ...]
    decp_value: tuple[str, ...]
    eforms: str | None
    pitfalls: tuple[str, ...]
    sources: tuple[Source, ...]
    keywords: tuple[str, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def pillar_label(self) -> str:
        return PILLAR_LABELS[self.pillar]

    def applies_to_cpv(self, code: str) -> bool:
        """True when the entry covers ``code``: prefix match either way; no CPV means every CPV."""
        digits = "".join(ch for ch in code if ch.isdigit())
        if not self.cpv:
            return True
        return any(digits.startswith(p) or p.startswith(digits) for p in self.cpv if digits)

    def to_dict(self) -> dict[str, object]:
        """The entry as plain data, in the field order of the format (``family`` first)."""
        return {
            "id": self.id,
            "family": self.family,
            "title": self.title,
            "kind": self.kind,
            "pillar": self.pillar,
            "cpv": list(self.cpv),
            "wording": self.wording,
            "verification": {
                "means": list(self.verification.means),
                "description": self.verification.description,
            },
            "weight_range": list(self.weight_range) if self.weight_range else None,
            "legal_basis": list(self.legal_basis),
            "decp_value": list(self.decp_value),
            "eforms": self.eforms,
            "pitfalls": list(self.pitfalls),
            "sources": [{"title": s.title, "reference": s.reference} for s in self.sources],
            "keywords": list(self.keywords),
        }
