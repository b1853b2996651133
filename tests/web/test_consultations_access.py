"""Isolation of consultations between organisations: every address and every endpoint.

A consultation of organisation A must be out of reach of organisation B's members and tokens,
including by guessing its id under B's own address: 404, exactly like a missing one.
"""

from __future__ import annotations

import json

import pytest

from ancrage.web.accounts import actions as account_actions
from ancrage.web.consultations import actions
from ancrage.web.consultations.models import Consultation

from .conftest import client_for, page_text
from .test_consultations_forms import minimal, post_for

pytestmark = pytest.mark.django_db

# (path under /espace/organisations/<org>/consultations/, needs an id)
PAGES = [
    ("", False),
    ("nouvelle/", False),
    ("importer/", False),
    ("{pk}/", True),
    ("{pk}/modifier/", True),
    ("{pk}/supprimer/", True),
    ("{pk}/rapport/", True),
    ("{pk}/rapport.pdf", True),
    ("{pk}/export.yaml", True),
    ("{pk}/export.json", True),
]


@pytest.fixture
def consultation_a(world) -> Consultation:
    return actions.do_create_consultation(world["org_a"], minimal(), world["admin_a"])


def url(org_pk: int, path: str, pk: int) -> str:
    return f"/espace/organisations/{org_pk}/consultations/" + path.format(pk=pk)


@pytest.mark.parametrize(("path", "_"), PAGES)
def test_member_of_another_organisation_gets_404_everywhere(world, consultation_a, path, _):
    client = client_for(world["admin_b"])
    target = url(world["org_a"].pk, path, consultation_a.pk)
    assert client.get(target).status_code == 404
    assert client.post(target, post_for(minimal(object="Piraté"))).status_code == 404
    response = client.get(target)
    assert "Page introuvable" in page_text(response)


@pytest.mark.parametrize(("path", "with_id"), [p for p in PAGES if p[1]])
def test_guessing_an_id_under_ones_own_organisation_gets_404(world, consultation_a, path, with_id):
    client = client_for(world["admin_b"])
    target = url(world["org_b"].pk, path, consultation_a.pk)
    assert client.get(target).status_code == 404
    assert client.post(target, post_for(minimal(object="Piraté"))).status_code == 404


def test_live_check_of_another_organisation_is_404(world):
    client = client_for(world["admin_b"])
    target = url(world["org_a"].pk, "verifier/", 0)
    assert client.post(target, post_for(minimal())).status_code == 404


@pytest.mark.parametrize(("path", "_"), [*PAGES, ("verifier/", False)])
def test_anonymous_visitor_is_sent_to_login(world, consultation_a, path, _):
    from django.test import Client

    response = Client().get(url(world["org_a"].pk, path, consultation_a.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


def test_nothing_of_a_changed_after_the_attempts(world, consultation_a):
    client = client_for(world["admin_b"])
    for path, with_id in PAGES:
        client.post(url(world["org_a"].pk, path, consultation_a.pk), post_for(minimal(object="X")))
        if with_id:
            client.post(url(world["org_b"].pk, path, consultation_a.pk), post_for(minimal()))
    consultation_a.refresh_from_db()
    assert consultation_a.object == "Nettoyage des locaux de la mairie"
    assert list(Consultation.objects.all()) == [consultation_a]


# --- API tokens ---------------------------------------------------------------------------------


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token_b(world) -> str:
    _, raw = account_actions.do_create_api_token(world["org_b"], "outil B", world["admin_b"])
    return raw


def test_token_of_b_cannot_reach_a_consultation_of_a(client, world, consultation_a, token_b):
    target = f"/api/espace/consultations/{consultation_a.pk}"
    body = json.dumps(minimal(object="Piraté"))
    assert client.get(target, **bearer(token_b)).status_code == 404
    assert client.get(target, **bearer(token_b)).json() == {"message": "Consultation introuvable."}
    put = client.put(target, body, content_type="application/json", **bearer(token_b))
    assert put.status_code == 404
    assert client.delete(target, **bearer(token_b)).status_code == 404
    listing = client.get("/api/espace/consultations", **bearer(token_b)).json()
    assert listing["count"] == 0 and listing["results"] == []
    consultation_a.refresh_from_db()
    assert consultation_a.object == "Nettoyage des locaux de la mairie"


def test_a_consultation_created_with_b_token_belongs_to_b(client, world, token_b):
    response = client.post(
        "/api/espace/consultations",
        json.dumps(minimal()),
        content_type="application/json",
        **bearer(token_b),
    )
    assert response.status_code == 201
    assert Consultation.objects.get().organisation == world["org_b"]
    member_a = client_for(world["admin_a"])
    pk = response.json()["id"]
    assert member_a.get(url(world["org_a"].pk, "{pk}/", pk)).status_code == 404


@pytest.mark.parametrize("header", [{}, {"HTTP_AUTHORIZATION": "Bearer anc_faux"}])
def test_private_endpoints_need_a_valid_token(client, world, consultation_a, header):
    for method, path in (
        ("get", "/api/espace/consultations"),
        ("get", f"/api/espace/consultations/{consultation_a.pk}"),
        ("post", "/api/espace/consultations"),
        ("put", f"/api/espace/consultations/{consultation_a.pk}"),
        ("delete", f"/api/espace/consultations/{consultation_a.pk}"),
    ):
        response = getattr(client, method)(path, content_type="application/json", **header)
        assert response.status_code == 401
        assert response.json()["message"].startswith("Jeton d'API manquant, invalide ou révoqué")


def test_revoked_token_is_refused(client, world, consultation_a):
    token, raw = account_actions.do_create_api_token(world["org_a"], "outil A", world["admin_a"])
    assert client.get("/api/espace/consultations", **bearer(raw)).status_code == 200
    account_actions.do_revoke_api_token(token)
    assert client.get("/api/espace/consultations", **bearer(raw)).status_code == 401
