"""API: the public check endpoint and the private consultations of an organisation."""

from __future__ import annotations

import json

import pytest

from ancrage.web.accounts import actions as account_actions
from ancrage.web.consultations import actions
from ancrage.web.consultations.models import Consultation

from .test_consultations_forms import example, minimal
from .test_consultations_views import LOCALISM_EXAMPLE, LOCALISM_FINDINGS

pytestmark = pytest.mark.django_db


def post_json(client, path: str, body, **headers):
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, text, content_type="application/json", **headers)


def test_check_returns_the_exact_findings_and_decp_preview(client):
    response = post_json(client, "/api/check", example(LOCALISM_EXAMPLE))
    assert response.status_code == 200
    body = response.json()
    assert [(f["rule"], f["severity"]) for f in body["findings"]] == LOCALISM_FINDINGS
    aw04 = body["findings"][2]
    assert aw04["reference"] == "L. 2152-5, L. 2152-6 et R. 2152-3 à R. 2152-5 CCP"
    assert aw04["suggestions"] == []
    assert [s["id"] for s in body["findings"][0]["suggestions"]] == [
        "TRANSV-ECO-002",
        "TRANSV-ECO-003",
        "TRANSV-ENV-003",
    ]
    assert body["decp_preview"] == {
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Critère environnemental", "Clause environnementale"]
        },
    }
    assert body["regime"]["family"] == "services"
    assert body["notes"] == ["Nature déduite du code CPV 77310000 : services."]


def test_check_of_a_compliant_example_has_no_finding(client):
    body = post_json(client, "/api/check", example("voirie-mapa.yaml")).json()
    assert body["findings"] == []
    assert body["regime"]["eu_threshold_ht"] == 5404000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{", "JSON invalide ligne 1, colonne 2 : Expecting property name enclosed in double quotes."),
        ("[1, 2]", "Consultation invalide : la consultation doit être un objet (clé : valeur)."),
        ("", "Consultation invalide : la consultation doit être un objet (clé : valeur)."),
        (json.dumps(minimal(procedure="gré à gré")), "Consultation invalide : champ « procedure » : valeur 'gré à gré' inconnue"),
        (json.dumps(minimal(launch_date="01/10/2026")), "Consultation invalide : champ « launch_date » : date attendue au format AAAA-MM-JJ, reçu '01/10/2026'."),
    ],
)  # fmt: skip
def test_check_errors_are_french_json(client, body, message):
    response = post_json(client, "/api/check", body)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


@pytest.fixture
def token_a(world) -> str:
    _, raw = account_actions.do_create_api_token(world["org_a"], "outil A", world["admin_a"])
    return raw


def auth(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_private_create_get_update_delete(client, world, token_a):
    created = post_json(client, "/api/espace/consultations", minimal(), **auth(token_a))
    assert created.status_code == 201
    body = created.json()
    pk = body["id"]
    assert body["consultation"] == minimal()
    assert (body["cpv"], body["estimated_amount_ht"], body["launch_date"]) == (
        "90911200",
        80000.0,
        "2026-10-01",
    )
    # 80 000 € services launched after 22/08/2026 with nothing: no environmental condition or
    # criterion, no sustainable specification, no criterion at all, no lots.
    rules = {(f["rule"], f["severity"]) for f in body["report"]["findings"]}
    assert {("CR-04", "blocking"), ("CR-06", "blocking"), ("ORG-03", "blocking")} <= rules
    assert Consultation.objects.get().organisation == world["org_a"]

    fetched = client.get(f"/api/espace/consultations/{pk}", **auth(token_a)).json()
    assert fetched == body

    changed = minimal(estimated_amount_ht=95000, lots=["Lot 1", "Lot 2"])
    updated = client.put(
        f"/api/espace/consultations/{pk}",
        json.dumps(changed),
        content_type="application/json",
        **auth(token_a),
    )
    assert updated.status_code == 200
    assert updated.json()["consultation"] == changed
    assert updated.json()["estimated_amount_ht"] == 95000.0
    assert "ORG-03" not in {f["rule"] for f in updated.json()["report"]["findings"]}

    listing = client.get("/api/espace/consultations", **auth(token_a)).json()
    assert (listing["count"], listing["pages"], [r["id"] for r in listing["results"]]) == (
        1,
        1,
        [pk],
    )
    assert client.delete(f"/api/espace/consultations/{pk}", **auth(token_a)).status_code == 204
    assert Consultation.objects.count() == 0


def test_private_update_with_invalid_body_changes_nothing(client, world, token_a):
    consultation = actions.do_create_consultation(world["org_a"], minimal())
    response = client.put(
        f"/api/espace/consultations/{consultation.pk}",
        json.dumps(minimal(cpv="abc")),
        content_type="application/json",
        **auth(token_a),
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "Consultation invalide : champ « cpv » : code CPV à 8 chiffres attendu"
    )
    consultation.refresh_from_db()
    assert consultation.data == minimal()


def test_private_list_is_paginated(client, world, token_a):
    for i in range(3):
        actions.do_create_consultation(world["org_a"], minimal(object=f"Marché {i}"))
    page = client.get("/api/espace/consultations?page=2&page_size=2", **auth(token_a)).json()
    assert (page["count"], page["page"], page["pages"]) == (3, 2, 2)
    assert [r["object"] for r in page["results"]] == ["Marché 0"]  # most recently changed first
    bad = client.get("/api/espace/consultations?page_size=500", **auth(token_a))
    assert bad.status_code == 400
    assert bad.json()["message"] == "Page à partir de 1 et taille de page entre 1 et 100."


def test_openapi_documents_the_new_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/clauses", "/api/clauses/{entry_id}", "/api/check"} <= set(paths)
    assert {"get", "post"} <= set(paths["/api/espace/consultations"])
    assert {"get", "put", "delete"} <= set(paths["/api/espace/consultations/{pk}"])
