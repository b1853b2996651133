"""Run every rule on a consultation and attach the référentiel fixes."""

from __future__ import annotations

from pathlib import Path

from ancrage.compliance.context import Context
from ancrage.compliance.decp import decp_preview, regime
from ancrage.compliance.findings import Finding, Report, sort_findings
from ancrage.compliance.model import FAMILY_LABELS, Consultation
from ancrage.compliance.policy import CheckPolicy
from ancrage.compliance.reader import load_consultation
from ancrage.compliance.rules_award import award_rules
from ancrage.compliance.rules_climate import climate_rules
from ancrage.compliance.rules_localism import localism_rules
from ancrage.compliance.rules_procedure import procedure_rules
from ancrage.compliance.rules_reserved import reserved_rules
from ancrage.compliance.rules_sector import sector_rules
from ancrage.compliance.suggestions import ClauseSource, suggest

RULE_GROUPS = (
    climate_rules,
    procedure_rules,
    award_rules,
    reserved_rules,
    localism_rules,
    sector_rules,
)


def check_consultation(
    consultation: Consultation,
    policy: CheckPolicy | None = None,
    library: ClauseSource | None = None,
) -> Report:
    """Every finding for ``consultation``; suggestions come from ``library`` when given."""
    ctx = Context(consultation, policy or CheckPolicy())
    findings: list[Finding] = [f for group in RULE_GROUPS for f in group(ctx)]
    notes: list[str] = []
    if library is not None:
        findings = [
            Finding(f.rule, f.severity, f.message, suggest(library, f, consultation.cpv))
            for f in findings
        ]
    else:
        notes.append("Référentiel non chargé : aucune suggestion de clause.")
    if consultation.family_derived:
        label = FAMILY_LABELS[consultation.family]
        notes.append(f"Nature déduite du code CPV {consultation.cpv} : {label}.")
    return Report(sort_findings(findings), decp_preview(ctx), regime(ctx), tuple(notes))


def check_file(
    path: Path, policy: CheckPolicy | None = None, library: ClauseSource | None = None
) -> Report:
    """Read ``path`` (YAML or JSON) and check it; raises ``ConsultationError`` on bad input."""
    return check_consultation(load_consultation(path), policy, library)
