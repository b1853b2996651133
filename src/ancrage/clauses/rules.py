"""Rule ids of the legal specification (``docs/legal-rules.md`` of the shared research).

Parsed once from the ``### <ID> —`` headings of that document and committed here, so that the
product never reads the research folder at run time. Update this tuple when the specification
gains a rule.
"""

from __future__ import annotations

KNOWN_RULE_IDS: tuple[str, ...] = (
    # Loi Climat et résilience, art. 35
    "CR-01", "CR-02", "CR-03", "CR-04", "CR-05", "CR-06", "CR-07", "CR-08", "CR-09", "CR-10",
    # SPASER
    "SP-01", "SP-02", "SP-03", "SP-04",
    # Sourcing, thresholds, publicity
    "TH-01", "TH-02", "TH-03", "TH-04", "TH-05", "TH-06", "TH-07", "TH-08",
    # Award
    "AW-01", "AW-02", "AW-03", "AW-04", "AW-05", "AW-06", "AW-07",
    # Reserved contracts
    "RES-01", "RES-02", "RES-03", "RES-04", "RES-05", "RES-06",
    # Pooling and lots
    "ORG-01", "ORG-02", "ORG-03",
    # Localism
    "LOC-01", "LOC-02", "LOC-03", "LOC-04",
    # Sector obligations
    "SEC-EGA-01", "SEC-EGA-02", "SEC-EGA-03", "SEC-EGA-04",
    "SEC-AGEC-01", "SEC-AGEC-02",
    "SEC-IT-01", "SEC-IT-02",
    "SEC-FLEET-01",
    "SEC-BUILD-01", "SEC-BUILD-02",
    # National plan and DECP
    "PNAD-01", "PNAD-02",
    "DECP-01", "DECP-02",
)  # fmt: skip
