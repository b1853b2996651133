"""Compliance checker for a planned consultation (issue 5 §2–§3).

``check_consultation(consultation, policy, library) -> Report`` runs the rules of
``legal-rules.md`` (CR-03…CR-07, TH-01…TH-08, AW-01…AW-05, RES-01…RES-05, ORG-03, LOC-01…LOC-03,
SEC-*) and the sourcing policy; every threshold and date lives in :mod:`ancrage.compliance.params`.
"""

from __future__ import annotations

from ancrage.compliance.checker import check_consultation, check_file
from ancrage.compliance.findings import RULES, SEVERITIES, Finding, Report, Suggestion
from ancrage.compliance.localism import LocalismHit, analyse, is_unlawful
from ancrage.compliance.model import Consultation, ConsultationError
from ancrage.compliance.policy import CheckPolicy
from ancrage.compliance.reader import load_consultation, parse_consultation
from ancrage.compliance.render import render_json, render_text
from ancrage.compliance.suggestions import default_library

__all__ = [
    "RULES",
    "SEVERITIES",
    "CheckPolicy",
    "Consultation",
    "ConsultationError",
    "Finding",
    "LocalismHit",
    "Report",
    "Suggestion",
    "analyse",
    "check_consultation",
    "check_file",
    "default_library",
    "is_unlawful",
    "load_consultation",
    "parse_consultation",
    "render_json",
    "render_text",
]
