"""Report formats: JSON (machine) and a French text report grouped by severity (humans)."""

from __future__ import annotations

import json

from ancrage.compliance.findings import SEVERITIES, SEVERITY_LABELS, Report
from ancrage.compliance.model import Consultation

_REGIME_LABELS = (
    ("required_procedure", "Procédure"),
    ("required_publicity", "Publicité"),
    ("climate_obligations", "Obligations loi Climat et résilience"),
)


_COUNT_WORDS = {"blocking": "bloquant", "to_fix": "à corriger", "advice": "conseil"}


def _count(count: int, severity: str) -> str:
    word = _COUNT_WORDS[severity]
    if count > 1 and severity != "to_fix":
        word += "s"
    return f"{count} {word}"


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_text(report: Report, consultation: Consultation) -> str:
    c = consultation
    lines = [
        f"Contrôle de conformité : {c.object}",
        f"CPV {c.cpv} · {c.estimated_amount_ht:,.0f} € HT · lancement le "
        f"{c.launch_date:%d/%m/%Y} · procédure {c.procedure}".replace(",", " "),
        "",
    ]
    lines += [f"{label} : {report.regime[key]}" for key, label in _REGIME_LABELS]
    lines.append(
        "DECP publiées obligatoirement : "
        + ("oui" if report.regime["decp_publication_required"] else "non")
    )
    counts = {s: sum(f.severity == s for f in report.findings) for s in SEVERITIES}
    lines += [
        "",
        "Bilan : " + ", ".join(_count(counts[s], s) for s in SEVERITIES),
    ]
    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines += ["", f"== {SEVERITY_LABELS[severity]} ({len(group)}) =="]
        for finding in group:
            lines += [
                "",
                f"[{finding.rule}] {finding.message}",
                f"  Référence : {finding.reference}",
            ]
            lines += [f"  Clause type : {s.id} — {s.title}" for s in finding.suggestions]
    preview = report.decp_preview
    lines += [
        "",
        "== Données essentielles à déclarer (aperçu) ==",
        "considerationsSociales : "
        + ", ".join(preview["considerationsSociales"]["considerationSociale"]),
        "considerationsEnvironnementales : "
        + ", ".join(preview["considerationsEnvironnementales"]["considerationEnvironnementale"]),
    ]
    if report.notes:
        lines += ["", *[f"Note : {n}" for n in report.notes]]
    return "\n".join(lines) + "\n"
