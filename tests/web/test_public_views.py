"""Public pages: home, buyer search and exports, buyer page, supplier page, health check."""

from __future__ import annotations

import csv
import io
from html import unescape

import pytest
from django.test import Client
from openpyxl import load_workbook

from .warehouse_data import B1, B2, B3, S1, S2, SNAPSHOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def text(response) -> str:
    return unescape(response.content.decode())


def test_home_shows_national_figures_and_search(client, warehouse):
    response = client.get("/")
    assert response.status_code == 200
    html = text(response)
    assert 'lang="fr"' in html
    assert "République<br>française" in html  # DSFR bloc-marque
    assert 'action="/acheteurs/"' in html
    assert '<p class="ancrage-figure">6</p>' in html  # contracts
    assert '<p class="ancrage-figure">0,6\u00a0M€</p>' in html  # 570 000 € HT
    assert '<p class="ancrage-figure">4</p>' in html  # buyers
    assert '<p class="ancrage-figure">3</p>' in html  # suppliers
    assert SNAPSHOT in html


def test_home_of_an_empty_warehouse_explains_what_to_do(client, empty_warehouse):
    response = client.get("/")
    assert response.status_code == 200
    assert "ancrage import" in text(response)


def test_static_assets_are_local(client, warehouse):
    html = text(client.get("/"))
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in html
    assert "cdn" not in html.lower()
    assert client.get("/static/dsfr/dist/dsfr/dsfr.min.css").status_code == 200
    assert client.get("/static/ancrage/ancrage.css").status_code == 200


def test_buyers_are_located_with_the_reference_layers(client, located_warehouse):
    # B1's SIREN 213 502 388 is the commune of Rennes (INSEE 35238): the reference tables
    # locate a commune buyer without SIRENE.
    response = client.get("/acheteurs/", {"q": "35238"})
    assert response.status_code == 200
    assert f'href="/acheteurs/{B1}/"' in text(response)
    assert "<td>Rennes</td>" in text(response)


def test_buyer_search_page(client, warehouse):
    response = client.get("/acheteurs/", {"q": "rennes"})
    html = text(response)
    assert response.status_code == 200
    assert "1 acheteur pour « rennes »" in html
    assert f'href="/acheteurs/{B1}/"' in html
    assert B3 not in html


def test_buyer_without_name_shows_its_siret(client, warehouse):
    html = text(client.get("/acheteurs/", {"q": B2}))
    assert f'<a href="/acheteurs/{B2}/">{B2}</a>' in html
    page = text(client.get(f"/acheteurs/{B2}/"))
    assert f"<h1>Acheteur {B2}</h1>" in page


def test_buyer_search_bad_page_is_a_clear_error(client, warehouse):
    response = client.get("/acheteurs/", {"page": "deux"})
    assert response.status_code == 400
    assert "Le paramètre « page » doit être un nombre entier." in text(response)


def test_buyer_list_csv_export(client, warehouse):
    response = client.get("/acheteurs/", {"q": "2135", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acheteurs.csv"'
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == [
        "SIRET",
        "Nom",
        "Code commune",
        "Commune",
        "Département",
        "Nombre de marchés",
    ]
    assert rows[1:] == [
        [B1, "Ville de Rennes", "", "", "", "3"],
        [B3, "Commune de Saint-Malo", "", "", "", "1"],
    ]


def test_buyer_contracts_xlsx_export_keeps_filters(client, warehouse):
    response = client.get(f"/acheteurs/{B1}/", {"annee": "2024", "export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == (
        "Identifiant Ancrage",
        "id (DECP)",
        "SIRET de l'acheteur",
        "Date de notification",
    )
    assert [r[0] for r in rows[1:]] == ["c3", "c1"]
    c1 = dict(zip(rows[0], rows[2], strict=True))
    assert c1["Montant actuel HT (€)"] == 120_000
    assert c1["Famille d'achat"] == "Travaux"
    assert c1["Considération sociale"] == "oui"
    assert c1["Titulaires"] == f"{S1} (Bâtiment Breton); {S2} (Écoconstruction SARL)"


def test_unknown_export_format(client, warehouse):
    response = client.get("/acheteurs/", {"export": "pdf"})
    assert response.status_code == 400
    assert "Format d'export inconnu" in text(response)


def test_buyer_page(client, warehouse):
    response = client.get(f"/acheteurs/{B1}/")
    html = text(response)
    assert response.status_code == 200
    assert "<h1>Ville de Rennes</h1>" in html
    assert "3 marchés." in html
    assert "Travaux de voirie" in html and "Fournitures de bureau" in html
    assert f'href="/fournisseurs/{S1}/"' in html
    assert "120\u202f000\u00a0€" in html  # current amount of c1
    assert "Non renseigné (format 2019)" in html  # c2 has no consideration fields
    assert 'aria-label="Pagination"' not in html  # a single page


def test_buyer_page_filters_in_query_string(client, warehouse):
    html = text(client.get(f"/acheteurs/{B1}/", {"famille": "supplies"}))
    assert "1 marché." in html
    assert "Fournitures de bureau" in html and "Travaux de voirie" not in html
    assert '<option value="supplies" selected>' in html
    assert "export=csv" in html and "famille=supplies" in html


def test_unknown_buyer_is_404_in_french(client, warehouse):
    response = client.get("/acheteurs/00000000000000/")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_supplier_page(client, warehouse):
    response = client.get(f"/fournisseurs/{S1}/")
    html = text(response)
    assert response.status_code == 200
    assert "<h1>Bâtiment Breton</h1>" in html
    assert "3 marchés" in html
    assert "420\u202f000\u00a0€" in html
    assert f'href="/acheteurs/{B2}/"' in html  # works for the unnamed buyer B2 too
    assert client.get("/fournisseurs/inconnu/").status_code == 404


def test_healthz(client, warehouse):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "warehouse_snapshot": SNAPSHOT}


def test_healthz_before_first_import(client, empty_warehouse):
    assert client.get("/healthz").json()["warehouse_snapshot"] is None


def test_site_follows_a_new_snapshot(client, warehouse):
    """An import publishes a new snapshot: the next request reads it, without restart."""
    import shutil

    new = warehouse / "snapshots" / "20260202T000000000000Z"
    shutil.copytree(warehouse / "snapshots" / SNAPSHOT, new)
    (warehouse / "CURRENT").write_text(new.name + "\n")
    assert client.get("/healthz").json()["warehouse_snapshot"] == new.name
