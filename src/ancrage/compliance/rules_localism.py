"""Localism findings (LOC-01 to LOC-03) from the detector, over every text of the consultation."""

from __future__ import annotations

from ancrage.compliance.context import Context
from ancrage.compliance.findings import Finding, Severity
from ancrage.compliance.localism import LocalismHit, analyse

_SEVERITY: dict[str, Severity] = {"LOC-01": "blocking", "LOC-02": "to_fix", "LOC-03": "advice"}
# An undefined "circuit court" is likely to be read as a distance: worth fixing.
_PATTERN_SEVERITY: dict[str, Severity] = {"short_chain_undefined": "to_fix"}


def localism_rules(ctx: Context) -> list[Finding]:
    c = ctx.c
    texts = [("Objet", c.object)]
    texts += [
        (f"Critère « {x.name} »", f"{x.name} : {x.description}" if x.description else x.name)
        for x in c.award_criteria
    ]
    texts += [
        (f"Condition d'exécution n° {i}", x.description)
        for i, x in enumerate(c.execution_conditions, 1)
    ]
    texts += [
        (f"Spécification n° {i}", x.description)
        for i, x in enumerate(c.technical_specifications, 1)
    ]
    return [_finding(where, hit) for where, text in texts for hit in analyse(text)]


def _finding(where: str, hit: LocalismHit) -> Finding:
    severity = _PATTERN_SEVERITY.get(hit.pattern, _SEVERITY[hit.rule])
    return Finding(
        hit.rule,
        severity,
        f"{where} — « {hit.excerpt} » : {hit.explanation} Reformulation licite : {hit.rewording}",
    )
