"""Private endpoints of an organisation, authenticated by its API tokens.

A token designates exactly one organisation: the endpoints act on ``request.auth`` and take no
organisation id, so a token cannot even name another organisation.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.security import HttpBearer

from ancrage.web.accounts import actions
from ancrage.web.accounts.access import organisation_for_token
from ancrage.web.accounts.models import Organisation
from ancrage.web.api.schemas import Error, OrganisationOut, TerritoryIn


class ApiTokenAuth(HttpBearer):
    openapi_description = "Jeton d'API de l'organisation, créé dans son espace (page « API »)."

    def authenticate(self, request: HttpRequest, token: str) -> Organisation | None:
        return organisation_for_token(token)


router = Router(tags=["Espace privé"], auth=ApiTokenAuth())
ERRORS = {400: Error, 401: Error, 422: Error}


def organisation_out(organisation: Organisation) -> dict:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "buyers": list(organisation.buyers.values_list("siret", flat=True)),
        "territory": {
            "kind": organisation.territory_kind,
            "code": organisation.territory_code,
            "radius_km": organisation.territory_radius_km,
            "communes": organisation.territory_communes,
            "label": organisation.territory_label(),
            "spec": organisation.territory_spec(),
        },
        "peer_group": organisation.peer_group,
        "targets": {k: getattr(organisation, f) for k, f in actions.TARGET_FIELDS.items()},
    }


@router.get("/organisation", response={200: OrganisationOut, **ERRORS}, summary="Mon organisation")
def get_organisation(request: HttpRequest):
    return organisation_out(request.auth)


@router.patch(
    "/organisation/territory",
    response={200: OrganisationOut, **ERRORS},
    summary="Modifier le territoire",
)
def patch_territory(request: HttpRequest, body: TerritoryIn):
    organisation = actions.do_update_territory(
        request.auth, body.kind, code=body.code, radius_km=body.radius_km, communes=body.communes
    )
    return organisation_out(organisation)
