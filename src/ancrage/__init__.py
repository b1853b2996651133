"""Ancrage: local and responsible public procurement, measured.

The analytical core (ingest, warehouse, reference, enrichment, indicators, clauses, compliance)
never imports Django; the web application lives in ``ancrage.web``.
"""

__version__ = "0.1.0"
