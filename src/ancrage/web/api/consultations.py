"""Compliance check of a consultation (public) and the organisation's consultations (private).

Bodies are consultations in the checker's JSON format (``docs/conformite.md``); they are read by
hand rather than by a schema so that every error names the field in French, exactly like
``ancrage check``. A token reaches only its own organisation's consultations (404 otherwise).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from ancrage.compliance import ConsultationError
from ancrage.web.api.private import ApiTokenAuth
from ancrage.web.api.schemas import Error
from ancrage.web.consultations import access, actions, checking
from ancrage.web.consultations.models import Consultation
from ancrage.web.referentiel.catalogue import MAX_PAGE_SIZE

public_router = Router(tags=["Contrôle de conformité"])
router = Router(tags=["Espace privé"], auth=ApiTokenAuth())
ERRORS = {400: Error, 401: Error, 404: Error, 422: Error}

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": "La consultation au format de `ancrage check` (voir docs/conformite.md).",
        "content": {
            "application/json": {
                "schema": {"type": "object"},
                "example": {
                    "object": "Entretien des espaces verts",
                    "cpv": "77310000",
                    "estimated_amount_ht": 120000,
                    "launch_date": "2026-09-28",
                    "procedure": "mapa",
                    "buyer_kind": "local_authority",
                    "lots": ["Lot 1", "Lot 2"],
                    "award_criteria": [
                        {"name": "Prix", "weight": 60, "kind": "price"},
                        {"name": "Gestion écologique", "weight": 40, "kind": "environmental"},
                    ],
                    "execution_conditions": [
                        {"kind": "environmental", "description": "Zéro phytosanitaire."}
                    ],
                },
            }
        },
    }
}


class SuggestionOut(Schema):
    id: str
    title: str


class FindingOut(Schema):
    rule: str = Field(description="Identifiant de la règle (legal-rules.md).")
    severity: str = Field(description="blocking, to_fix ou advice")
    message: str
    reference: str = Field(description="Référence juridique.")
    suggestions: list[SuggestionOut] = Field(description="Entrées du référentiel qui corrigent.")


class ReportOut(Schema):
    findings: list[FindingOut]
    decp_preview: dict[str, Any]
    regime: dict[str, Any]
    notes: list[str]


class ConsultationSummary(Schema):
    id: int
    object: str
    cpv: str
    estimated_amount_ht: float
    launch_date: date
    procedure: str
    buyer_kind: str
    created_at: datetime
    updated_at: datetime


class ConsultationOut(ConsultationSummary):
    consultation: dict[str, Any] = Field(description="La description, au format du contrôle.")
    report: ReportOut


class ConsultationPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ConsultationSummary]


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body.decode("utf-8") or "null")
    except UnicodeDecodeError as error:
        raise HttpError(400, "Corps de la requête illisible : UTF-8 attendu.") from error
    except json.JSONDecodeError as error:
        raise HttpError(
            400, f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}."
        ) from error


def _report(data: Any) -> dict[str, Any]:
    try:
        _, report = checking.check_data(data)
    except ConsultationError as error:
        raise HttpError(400, f"Consultation invalide : {error}.") from error
    return report.to_dict()


@public_router.post(
    "/check",
    response={200: ReportOut, **ERRORS},
    summary="Contrôler une consultation",
    openapi_extra=_BODY_DOC,
)
def check(request: HttpRequest):
    """Constats (règle, gravité, message, référence, clauses types) et aperçu DECP."""
    return _report(_json_body(request))


def _summary(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "object": c.object,
        "cpv": c.cpv,
        "estimated_amount_ht": c.estimated_amount_ht,
        "launch_date": c.launch_date,
        "procedure": c.procedure,
        "buyer_kind": c.buyer_kind,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def _detail(c: Consultation) -> dict[str, Any]:
    return {**_summary(c), "consultation": c.data, "report": _report(c.data)}


@router.get(
    "/consultations", response={200: ConsultationPage, **ERRORS}, summary="Mes consultations"
)
def list_consultations(request: HttpRequest, page: int = 1, page_size: int = 20):
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HttpError(400, f"Page à partir de 1 et taille de page entre 1 et {MAX_PAGE_SIZE}.")
    queryset = access.consultations_for_token(request.auth)
    count = queryset.count()
    rows = queryset[(page - 1) * page_size : page * page_size]
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-count // page_size)),
        "results": [_summary(c) for c in rows],
    }


@router.get(
    "/consultations/{pk}", response={200: ConsultationOut, **ERRORS}, summary="Une consultation"
)
def get_consultation(request: HttpRequest, pk: int):
    return _detail(access.get_consultation_for_token(request.auth, pk))


@router.post(
    "/consultations",
    response={201: ConsultationOut, **ERRORS},
    summary="Créer une consultation",
    openapi_extra=_BODY_DOC,
)
def create_consultation(request: HttpRequest):
    consultation = actions.do_create_consultation(request.auth, _json_body(request))
    return Status(201, _detail(consultation))


@router.put(
    "/consultations/{pk}",
    response={200: ConsultationOut, **ERRORS},
    summary="Remplacer la description d'une consultation",
    openapi_extra=_BODY_DOC,
)
def update_consultation(request: HttpRequest, pk: int):
    consultation = access.get_consultation_for_token(request.auth, pk)
    actions.do_update_consultation(consultation, _json_body(request))
    return _detail(consultation)


@router.delete(
    "/consultations/{pk}", response={204: None, **ERRORS}, summary="Supprimer une consultation"
)
def delete_consultation(request: HttpRequest, pk: int):
    actions.do_delete_consultation(access.get_consultation_for_token(request.auth, pk))
    return Status(204, None)
