"""Search, filters and pagination of the référentiel, shared by the public pages and the API.

Only the API of ``ancrage.clauses`` is used: ``Library.search`` for French full text (accents and
plurals forgiven), ``Library.find`` for the filters.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ancrage.clauses import KIND_LABELS, PILLAR_LABELS, Clause, Library, load_library
from ancrage.clauses import export as clause_exports
from ancrage.clauses.clausier import render_html

MAX_PAGE_SIZE = 100
MEANS_LABELS = {
    "evidence": "Justificatifs",
    "label": "Label ou équivalent",
    "certificate": "Certificat",
    "report": "Rapport",
    "on_site_check": "Contrôle sur site",
    "sample": "Échantillon",
    "declaration": "Déclaration",
    "audit": "Audit",
    "invoice": "Factures",
    "indicator": "Indicateur",
}
_CPV_RE = re.compile(r"^\d{2,8}$")


class CatalogueError(ValueError):
    """A filter value the référentiel does not know; the message is in French."""


@dataclass(frozen=True)
class Filters:
    q: str = ""
    family: str = ""
    kind: str = ""
    pillar: str = ""
    cpv: str = ""


@dataclass(frozen=True)
class Page:
    entries: list[Clause]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def library() -> Library:
    return load_library()


def clean_filters(
    library: Library, q: str = "", family: str = "", kind: str = "", pillar: str = "", cpv: str = ""
) -> Filters:
    """Normalised filters; an unknown value raises ``CatalogueError`` naming the filter."""
    q, family, kind, pillar = (s.strip() for s in (q or "", family or "", kind or "", pillar or ""))
    cpv = (cpv or "").strip().split("-")[0].replace(" ", "")
    if family and family not in library.families:
        raise CatalogueError(
            f"Famille inconnue : « {family} » (valeurs possibles : "
            f"{', '.join(sorted(library.families))})."
        )
    if kind and kind not in KIND_LABELS:
        raise CatalogueError(
            f"Type inconnu : « {kind} » (valeurs possibles : {', '.join(KIND_LABELS)})."
        )
    if pillar and pillar not in PILLAR_LABELS:
        raise CatalogueError(
            f"Pilier inconnu : « {pillar} » (valeurs possibles : {', '.join(PILLAR_LABELS)})."
        )
    if cpv and not _CPV_RE.match(cpv):
        raise CatalogueError(
            f"Code CPV invalide : « {cpv} » (de 2 à 8 chiffres, par exemple 55 ou 55523100)."
        )
    return Filters(q=q, family=family, kind=kind, pillar=pillar, cpv=cpv)


def entries(library: Library, filters: Filters) -> list[Clause]:
    """Entries matching every filter: by relevance when there is a text, in file order otherwise."""
    if filters.q:
        found = library.search(filters.q, cpv=filters.cpv or None, limit=len(library))
        return [
            c
            for c in found
            if (not filters.family or c.family == filters.family)
            and (not filters.kind or c.kind == filters.kind)
            and (not filters.pillar or c.pillar == filters.pillar)
        ]
    return library.find(
        kind=filters.kind or None,
        pillar=filters.pillar or None,
        cpv=filters.cpv or None,
        family=filters.family or None,
    )


def paginate(items: list[Clause], page: int, page_size: int) -> Page:
    if page < 1:
        raise CatalogueError("Le numéro de page commence à 1.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise CatalogueError(f"La taille de page doit être comprise entre 1 et {MAX_PAGE_SIZE}.")
    start = (page - 1) * page_size
    return Page(items[start : start + page_size], len(items), page, page_size)


def family_choices(library: Library) -> list[tuple[str, str]]:
    return [(slug, library.family_label(slug)) for slug in library.ordered_families()]


# Exports of the shipped référentiel: computed once per process (the data files are packaged).
@lru_cache(maxsize=1)
def export_json() -> bytes:
    return clause_exports.to_json(library())


@lru_cache(maxsize=1)
def export_csv() -> bytes:
    return clause_exports.to_csv(library()).encode("utf-8-sig")


@lru_cache(maxsize=1)
def export_html() -> bytes:
    return render_html(library()).encode("utf-8")


@lru_cache(maxsize=1)
def export_pdf() -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "clausier.pdf"
        clause_exports.export_pdf(library(), output)
        return output.read_bytes()
