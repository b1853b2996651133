"""The buyer's own policy on top of the law (Proposition 3 sourcing thresholds)."""

from __future__ import annotations

from dataclasses import dataclass

from ancrage.compliance.params import SOURCING_POLICY_DEFAULTS


@dataclass(frozen=True)
class CheckPolicy:
    """The buyer's own policy, on top of the law (configurable from the CLI or the web)."""

    sourcing_threshold_works: float = SOURCING_POLICY_DEFAULTS.value["works"]
    sourcing_threshold_other: float = SOURCING_POLICY_DEFAULTS.value["other"]
    sourcing_enabled: bool = True

    def sourcing_threshold(self, family: str) -> float:
        return self.sourcing_threshold_works if family == "works" else self.sourcing_threshold_other
