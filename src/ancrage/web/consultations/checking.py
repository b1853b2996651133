"""Run the compliance checker for the web and shape its report for the templates."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ancrage.compliance import (
    SEVERITIES,
    CheckPolicy,
    ConsultationError,
    Report,
    check_consultation,
    default_library,
)
from ancrage.compliance import Consultation as CheckedConsultation
from ancrage.compliance.findings import SEVERITY_LABELS
from ancrage.web.consultations import vocabulary
from ancrage.web.consultations.documents import validate

# DSFR badge colour of each severity (error, warning, info).
SEVERITY_BADGES = {"blocking": "error", "to_fix": "warning", "advice": "info"}
_COUNT_WORDS = {"blocking": ("bloquant", "bloquants"), "to_fix": ("à corriger", "à corriger")}
_COUNT_WORDS["advice"] = ("conseil", "conseils")
_REGIME_ROWS = (
    ("required_procedure", "Procédure"),
    ("required_publicity", "Publicité"),
    ("climate_obligations", "Obligations de la loi Climat et résilience"),
)


def check(checked: CheckedConsultation) -> Report:
    """The report of the checker with the référentiel's suggestions (default policy)."""
    return check_consultation(checked, CheckPolicy(), default_library())


def check_data(data: Any) -> tuple[CheckedConsultation, Report]:
    """Validate ``data`` (checker format) and check it; ``ConsultationError`` if invalid."""
    _, checked = validate(data)
    return checked, check(checked)


def _count(count: int, severity: str) -> str:
    singular, plural = _COUNT_WORDS[severity]
    return f"{count} {plural if count > 1 else singular}"


def present(report: Report, checked: CheckedConsultation) -> dict[str, Any]:
    """Everything the findings and report templates show, with French labels and links."""
    groups = []
    for severity in SEVERITIES:
        findings = [
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "reference": f.reference,
                "suggestions": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "url": reverse("referentiel:detail", args=[s.id]),
                    }
                    for s in f.suggestions
                ],
            }
            for f in report.findings
            if f.severity == severity
        ]
        groups.append(
            {
                "severity": severity,
                "label": SEVERITY_LABELS[severity],
                "badge": SEVERITY_BADGES[severity],
                "findings": findings,
            }
        )
    preview = report.decp_preview
    regime = report.regime
    return {
        "groups": [g for g in groups if g["findings"]],
        "total": len(report.findings),
        "blocking": report.blocking,
        "summary": ", ".join(
            _count(sum(f.severity == s for f in report.findings), s) for s in SEVERITIES
        ),
        "decp_social": preview["considerationsSociales"]["considerationSociale"],
        "decp_environmental": preview["considerationsEnvironnementales"][
            "considerationEnvironnementale"
        ],
        "regime": [(label, regime[key]) for key, label in _REGIME_ROWS if key in regime],
        "decp_required": regime.get("decp_publication_required"),
        "notes": list(report.notes),
        "consultation": vocabulary.describe(checked),
    }


def present_data(data: Any) -> dict[str, Any]:
    """``present`` for raw data; an invalid description gives ``{"error": message}``."""
    try:
        checked, report = check_data(data)
    except ConsultationError as error:
        return {"error": str(error)}
    return present(report, checked)
