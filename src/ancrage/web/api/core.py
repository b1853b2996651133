"""The NinjaAPI instance and its error handlers: every error is JSON with a French ``message``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ancrage.web.accounts.actions import ActionError
from ancrage.web.observatory.queries import QueryError

api = NinjaAPI(
    title="API Ancrage",
    version="1",
    description=(
        "Données publiques de la commande publique (acheteurs, marchés, fournisseurs) en lecture "
        "seule, et espace privé des organisations (jeton d'API requis : en-tête "
        "`Authorization: Bearer <jeton>`). Montants en euros HT."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"message": "Jeton d'API manquant, invalide ou révoqué (en-tête Authorization: Bearer)."},
        status=401,
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(
        request, {"message": "Paramètres invalides.", "details": exc.errors}, status=422
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"message": str(exc) or "Ressource introuvable."}, status=404
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)


@api.exception_handler(QueryError)
def _query_error(request: HttpRequest, exc: QueryError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=400)


@api.exception_handler(ActionError)
def _action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return api.create_response(request, {"message": " ".join(exc.messages)}, status=400)


def _register_routers() -> None:
    # Imported here so that each router module can import ``api`` without a cycle.
    from ancrage.web.api import indicators, private, public

    api.add_router("/", public.router)
    api.add_router("/", indicators.router)
    api.add_router("/espace/", private.router)
    from ancrage.web.api import clauses, consultations

    api.add_router("/", clauses.router)
    api.add_router("/", consultations.public_router)
    api.add_router("/espace/", consultations.router)


_register_routers()
