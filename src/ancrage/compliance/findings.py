"""Findings of the checker: rule id, severity, French message, legal reference, suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["blocking", "to_fix", "advice"]
SEVERITIES: tuple[Severity, ...] = ("blocking", "to_fix", "advice")
SEVERITY_LABELS = {"blocking": "Bloquant", "to_fix": "À corriger", "advice": "Conseil"}

# Rules of legal-rules.md the checker reports on, with the legal reference given to the buyer.
RULES: dict[str, str] = {
    "CONV-SCOPE": "L. 2312-1-1 CCP (marchés de défense ou de sécurité)",
    "CR-03": "L. 2111-2 CCP (loi n° 2021-1104, art. 35)",
    "CR-04": "L. 2112-2 et L. 2112-3 CCP (loi n° 2021-1104, art. 35)",
    "CR-05": "L. 2112-2-1 CCP (loi n° 2021-1104, art. 35)",
    "CR-06": "L. 2152-7 CCP (loi n° 2021-1104, art. 35)",
    "CR-07": "R. 2152-7 CCP (décret n° 2022-767, art. 2 et 14)",
    "TH-01": "R. 2111-1 CCP ; politique de sourcing (livre blanc, Proposition 3)",
    "TH-02": "R. 2122-8 CCP (décret n° 2025-1386)",
    "TH-03": "L. 2123-1, R. 2123-1 et R. 2123-4 CCP",
    "TH-04": "R. 2131-12 CCP",
    "TH-05": "R. 2132-2 CCP (décret n° 2025-1386)",
    "TH-06": "Avis relatif aux seuils de procédure, annexe 2 du CCP (JORF 26 décembre 2025)",
    "TH-07": "R. 2196-1 CCP ; arrêté du 22 décembre 2022 (DECP)",
    "TH-08": "R. 2142-7 CCP (décret n° 2025-1383)",
    "AW-01": "R. 2152-7 CCP",
    "AW-02": "R. 2152-11, R. 2152-12 et L. 2152-8 CCP",
    "AW-03": "R. 2152-9 et R. 2152-10 CCP",
    "AW-04": "L. 2152-5, L. 2152-6 et R. 2152-3 à R. 2152-5 CCP",
    "AW-05": "R. 2181-1 à R. 2181-4 et R. 2182-1 CCP",
    "RES-01": "L. 2113-12 et R. 2113-7 CCP",
    "RES-02": "L. 2113-13 et R. 2113-7 CCP",
    "RES-03": "L. 2113-14 CCP (loi ASAP)",
    "RES-04": "L. 2113-13-1 CCP (ordonnance n° 2022-1336)",
    "RES-05": "L. 2113-15 et L. 2113-16 CCP",
    "ORG-03": "L. 2113-10 et L. 2113-11 CCP",
    "LOC-01": "L. 3 CCP ; CE 29 juillet 1994, Commune de Ventenac-en-Minervois, n° 131562 ; "
    "CJCE 27 octobre 2005, C-158/03 ; Rép. min. n° 24584, JOAN 25 février 2020",
    "LOC-02": "CE 14 janvier 1998, Société Martin-Fourquin, n° 168688",
    "LOC-03": "R. 2152-7 2° et R. 2152-9 CCP ; Rép. min. n° 24584 (JOAN 25 février 2020) et "
    "QE n° 10874 (JO Sénat 21 janvier 2010)",
    "SEC-EGA-01": "L. 230-5-1 CRPM ; décret n° 2019-351 du 23 avril 2019",
    "SEC-EGA-02": "L. 230-5-1 et R. 230-30-1 s. CRPM",
    "SEC-EGA-03": "L. 230-5-1 CRPM (loi n° 2021-1104)",
    "SEC-EGA-04": "L. 230-5-3 s. CRPM (menu végétarien, information des usagers)",
    "SEC-AGEC-01": "Loi AGEC n° 2020-105, art. 58 ; décret n° 2024-134 du 21 février 2024",
    "SEC-AGEC-02": "Décret n° 2022-2 du 4 janvier 2022 ; loi AGEC",
    "SEC-IT-01": "Loi REEN n° 2021-1485, art. 16 ; décret n° 2023-266 du 12 avril 2023",
    "SEC-IT-02": "RGESN (référentiel général d'écoconception des services numériques)",
    "SEC-FLEET-01": "L. 224-7 et L. 224-8 C. env.",
    "SEC-BUILD-01": "L. 228-4 C. env. (loi n° 2021-1104, art. 39)",
    "SEC-BUILD-02": "Décret n° 2021-1004 du 29 juillet 2021 (RE2020)",
}
RULE_IDS = frozenset(RULES)


@dataclass(frozen=True)
class Suggestion:
    """A référentiel entry that would fix the finding."""

    id: str
    title: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def reference(self) -> str:
        return RULES[self.rule]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "reference": self.reference,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    decp_preview: dict[str, Any]
    regime: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return any(f.severity == "blocking" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "decp_preview": self.decp_preview,
            "regime": self.regime,
            "notes": list(self.notes),
        }


def sort_findings(findings: list[Finding]) -> tuple[Finding, ...]:
    """Severity first, then rule id, then message: a stable order for humans and tests."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return tuple(sorted(findings, key=lambda f: (order[f.severity], f.rule, f.message)))
