"""Public JSON API: pagination, search, details, French JSON errors, offline OpenAPI docs."""

from __future__ import annotations

import pytest
from django.test import Client

from .warehouse_data import B1, B2, S1, S2

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_buyers_paginated(client, warehouse):
    data = client.get("/api/buyers", {"page_size": 3}).json()
    assert (data["count"], data["page"], data["page_size"], data["pages"]) == (4, 1, 3, 2)
    assert [b["siret"] for b in data["results"]] == [B1, "21350282600018", B2]
    assert data["results"][0] == {
        "siret": B1,
        "name": "Ville de Rennes",
        "contract_count": 3,
        "commune_code": None,
        "commune_name": None,
        "departement": None,
    }
    second = client.get("/api/buyers", {"page_size": 3, "page": 2}).json()
    assert [b["siret"] for b in second["results"]] == ["25350014400014"]


def test_buyer_search(client, warehouse):
    data = client.get("/api/buyers", {"q": "saint-malo"}).json()
    assert [b["name"] for b in data["results"]] == ["Commune de Saint-Malo"]


def test_bad_page_size_is_a_french_json_error(client, warehouse):
    response = client.get("/api/buyers", {"page_size": 500})
    assert response.status_code == 400
    assert response.json() == {"message": "La taille de page doit être comprise entre 1 et 100."}


def test_type_errors_are_french_json(client, warehouse):
    response = client.get(f"/api/buyers/{B1}/contracts", {"year": "deux-mille"})
    assert response.status_code == 422
    assert response.json()["message"] == "Paramètres invalides."


def test_buyer_detail(client, warehouse):
    data = client.get(f"/api/buyers/{B1}").json()
    assert data["amount_ht"] == 200_000.0
    assert (data["first_notification"], data["last_notification"]) == ("2023-06-15", "2024-09-10")
    assert (data["contract_count"], data["supplier_count"]) == (3, 3)


def test_unknown_buyer_is_404_json(client, warehouse):
    response = client.get("/api/buyers/00000000000000")
    assert response.status_code == 404
    assert response.json() == {"message": "Acheteur 00000000000000 introuvable dans les données."}
    assert client.get("/api/buyers/00000000000000/contracts").status_code == 404


def test_buyer_contracts_filters(client, warehouse):
    data = client.get(f"/api/buyers/{B1}/contracts", {"year": 2024, "family": "works"}).json()
    assert data["count"] == 1
    contract = data["results"][0]
    assert contract["contract_id"] == "c1"
    assert contract["current_amount_ht"] == 120_000.0
    assert [a["supplier_id"] for a in contract["awardees"]] == [S1, S2]
    bad = client.get(f"/api/buyers/{B1}/contracts", {"family": "food"})
    assert bad.status_code == 400
    assert "Famille d'achat inconnue" in bad.json()["message"]


def test_supplier(client, warehouse):
    data = client.get(f"/api/suppliers/{S2}").json()
    assert (data["name"], data["contract_count"], data["amount_ht"]) == (
        "Écoconstruction SARL",
        2,
        160_000.0,
    )
    assert [c["contract_id"] for c in data["contracts"]["results"]] == ["c1", "c6"]
    assert [b["buyer_id"] for b in data["buyers"]] == [B1, "25350014400014"]
    assert client.get("/api/suppliers/inconnu").status_code == 404


def test_unknown_endpoint_is_json(client, warehouse):
    response = client.get("/api/nulle-part")
    assert response.status_code == 404
    assert response.json() == {"message": "Point d'accès inconnu : /api/nulle-part"}


def test_openapi_docs_are_offline(client, warehouse):
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/buyers",
        "/api/buyers/{siret}",
        "/api/buyers/{siret}/contracts",
        "/api/suppliers/{supplier_id}",
        "/api/espace/organisation",
        "/api/espace/organisation/territory",
    ):
        assert path in schema["paths"], path
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
