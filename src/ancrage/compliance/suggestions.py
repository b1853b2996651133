"""Fixes drawn from the référentiel (``ancrage.clauses``) for each finding, through its API only."""

from __future__ import annotations

from typing import Any, Protocol

from ancrage.compliance.findings import Finding, Suggestion

MAX_SUGGESTIONS = 3

# Rule id -> (kinds, pillar) of the entries that would fix it. Rules absent from this table are
# fixed by entries whose ``legal_basis`` cites the rule; procedural rules (TH-*, AW-02…) have none.
_NEEDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "CR-03": (("technical_specification", "functional_requirement"), None),
    "CR-04": (("execution_condition",), "environmental"),
    "CR-05": (("execution_condition",), "social"),
    "CR-06": (("award_criterion", "sub_criterion"), "environmental"),
    "CR-07": (("award_criterion", "sub_criterion"), "environmental"),
    "RES-01": (("reserved_contract",), None),
    "RES-02": (("reserved_contract",), None),
    "RES-03": (("reserved_contract",), None),
    "RES-04": (("reserved_contract",), None),
    "RES-05": (("reserved_contract",), None),
}
# Localism is fixed by the lawful levers of LOC-03.
_CITED_RULE = {"LOC-01": "LOC-03", "LOC-02": "LOC-03"}
_PROCEDURAL = frozenset(
    {"CONV-SCOPE", "AW-02", "AW-04", "AW-05", "ORG-03", "TH-02", "TH-03", "TH-04", "TH-05", "TH-06"}
    | {"TH-07", "TH-08"}
)


class ClauseSource(Protocol):
    """What the checker needs from ``ancrage.clauses.Library``."""

    def find(
        self,
        kind: str | None = None,
        pillar: str | None = None,
        cpv: str | None = None,
        family: str | None = None,
        decp_value: str | None = None,
    ) -> list[Any]: ...


def suggest(library: ClauseSource, finding: Finding, cpv: str) -> tuple[Suggestion, ...]:
    """Up to three entries: those citing the rule first, then CPV-specific ones, then by id."""
    if finding.rule in _PROCEDURAL:
        return ()
    cited = _CITED_RULE.get(finding.rule, finding.rule)
    if finding.rule in _NEEDS:
        kinds, pillar = _NEEDS[finding.rule]
        candidates = [e for kind in kinds for e in library.find(kind=kind, pillar=pillar, cpv=cpv)]
    else:
        candidates = [e for e in library.find(cpv=cpv) if cited in e.legal_basis]
    unique = {entry.id: entry for entry in candidates}.values()
    ranked = sorted(unique, key=lambda e: (cited not in e.legal_basis, not e.cpv, e.id))
    return tuple(Suggestion(e.id, e.title) for e in ranked[:MAX_SUGGESTIONS])


def default_library() -> ClauseSource | None:
    """The shipped référentiel, or None when it cannot be loaded (reported by the caller)."""
    try:
        from ancrage.clauses import load_library
    except ImportError:
        return None
    return load_library()
