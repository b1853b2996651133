"""Facts derived once from a consultation and shared by every rule (dates, thresholds, contents)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ancrage.compliance import params
from ancrage.compliance.model import AwardCriterion, Consultation, Specification
from ancrage.compliance.policy import CheckPolicy
from ancrage.compliance.textnorm import is_environmental, is_social


def euros(amount: float) -> str:
    """French display of an amount: ``216 000 € HT``."""
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",").removesuffix(",00")
    return f"{text} € HT"


def criterion_is_environmental(criterion: AwardCriterion) -> bool:
    """CR-06: an environmental criterion, or a cost / other criterion assessing environment."""
    if criterion.kind == "environmental":
        return True
    if criterion.kind in ("price", "social", "delivery"):
        return False
    return is_environmental(f"{criterion.name} {criterion.description}")


def specification_kinds(spec: Specification) -> set[str]:
    """Considerations of a specification: stated by the buyer, else read from its text."""
    if spec.kind is not None:
        return {spec.kind}
    kinds = set()
    if is_environmental(spec.description):
        kinds.add("environmental")
    if is_social(spec.description):
        kinds.add("social")
    return kinds


@dataclass(frozen=True)
class Context:
    consultation: Consultation
    policy: CheckPolicy

    @property
    def c(self) -> Consultation:
        return self.consultation

    # --- dates (legal-rules.md §1) ---
    @property
    def r_level_applies(self) -> bool:
        return self.c.launch_date >= params.CR_R_LEVEL_FROM.value

    @property
    def l_level_applies(self) -> bool:
        return self.c.launch_date >= params.CR_L_LEVEL_FROM.value

    @property
    def l_level_boundary_before(self) -> bool:
        """Launched on 21 August 2026: L-level date disputed, report as advice."""
        return self.c.launch_date == params.CR_BOUNDARY_DAYS.value[0]

    @property
    def boundary(self) -> bool:
        return self.c.launch_date in params.CR_BOUNDARY_DAYS.value

    # --- thresholds ---
    @cached_property
    def eu_threshold(self) -> int:
        day = params.eu_threshold_day(self.c.launch_date)
        return params.eu_threshold(self.c.family, self.c.buyer_kind, day)

    @property
    def above_eu(self) -> bool:
        return self.c.estimated_amount_ht >= self.eu_threshold

    @cached_property
    def dispense_threshold(self) -> int:
        return params.dispense_threshold(self.c.family, self.c.launch_date)

    # --- contents ---
    @cached_property
    def env_criteria(self) -> tuple[AwardCriterion, ...]:
        return tuple(c for c in self.c.award_criteria if criterion_is_environmental(c))

    @cached_property
    def social_criteria(self) -> tuple[AwardCriterion, ...]:
        return tuple(c for c in self.c.award_criteria if c.kind == "social")

    def has_condition(self, kind: str) -> bool:
        return any(cond.kind == kind for cond in self.c.execution_conditions)

    def spec_has(self, kind: str) -> bool:
        return any(kind in specification_kinds(s) for s in self.c.technical_specifications)

    @cached_property
    def all_text(self) -> str:
        """Every text of the consultation, for sector keyword checks."""
        c = self.c
        parts = [c.object]
        parts += [f"{a.name} {a.description}" for a in c.award_criteria]
        parts += [e.description for e in c.execution_conditions]
        parts += [s.description for s in c.technical_specifications]
        return "\n".join(parts)
