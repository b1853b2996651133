"""Public, read-only endpoints of the référentiel of model criteria and clauses."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ancrage.web.api.schemas import Error
from ancrage.web.referentiel import catalogue

router = Router(tags=["Référentiel de clauses"])
ERRORS = {400: Error, 404: Error, 422: Error}


class VerificationOut(Schema):
    means: list[str]
    description: str


class SourceOut(Schema):
    title: str
    reference: str


class ClauseOut(Schema):
    id: str
    family: str
    title: str
    kind: str = Field(description="award_criterion, sub_criterion, execution_condition, …")
    pillar: str = Field(description="environmental, social ou economic")
    cpv: list[str] = Field(description="Préfixes CPV ; liste vide = tout code CPV.")
    wording: str = Field(description="Rédaction type.")
    verification: VerificationOut
    weight_range: list[int] | None = Field(description="Pondération suggérée [min, max] en %.")
    legal_basis: list[str] = Field(description="Identifiants des règles de legal-rules.md.")
    decp_value: list[str]
    eforms: str | None
    pitfalls: list[str]
    sources: list[SourceOut]
    keywords: list[str]


class ClausePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ClauseOut]


@router.get(
    "/clauses", response={200: ClausePage, **ERRORS}, summary="Chercher dans le référentiel"
)
def list_clauses(
    request: HttpRequest,
    q: str = Query("", description="Texte cherché (accents et pluriels indifférents)"),
    cpv: str = Query("", description="Code CPV ou préfixe (2 à 8 chiffres)"),
    family: str = Query("", description="Famille d'achat, ex. restauration_collective"),
    kind: str = Query("", description="Type d'entrée, ex. award_criterion"),
    pillar: str = Query("", description="environmental, social ou economic"),
    page: int = 1,
    page_size: int = 20,
):
    library = catalogue.library()
    try:
        filters = catalogue.clean_filters(library, q, family, kind, pillar, cpv)
        result = catalogue.paginate(catalogue.entries(library, filters), page, page_size)
    except catalogue.CatalogueError as error:
        raise HttpError(400, str(error)) from error
    return {
        "count": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "results": [clause.to_dict() for clause in result.entries],
    }


@router.get("/clauses/{entry_id}", response={200: ClauseOut, **ERRORS}, summary="Une entrée")
def get_clause(request: HttpRequest, entry_id: str):
    try:
        return catalogue.library().get(entry_id).to_dict()
    except KeyError as error:
        raise Http404(f"Entrée inconnue du référentiel : {entry_id}") from error
