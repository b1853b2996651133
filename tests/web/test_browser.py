"""Browser journeys with Chromium: they also save the screenshots of docs/screenshots/.

Every request the pages make is recorded: none may leave the local server (no CDN, no tiles).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from ancrage.web.accounts.models import Organisation

from .conftest import PASSWORD
from .warehouse_data import B1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def requests_seen(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def assert_all_local(urls: list[str]) -> None:
    assert urls, "aucune requête enregistrée"
    foreign = [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob")
        and urlsplit(url).hostname not in ("localhost", "127.0.0.1")
    ]
    assert foreign == []


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("#formulaire-connexion").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


def test_newcomer_finds_a_buyer_and_exports_its_contracts(
    page: Page, live_server, located_warehouse, requests_seen
):
    page.goto(live_server.url + "/")
    expect(page.locator("#chiffres-nationaux")).to_contain_text("marchés et concessions")
    shot(page, "accueil")
    page.locator("#recherche-accueil-input").fill("rennes")
    page.locator("#recherche-accueil").get_by_role("button", name="Rechercher").click()
    expect(page.locator("#nombre-resultats")).to_contain_text("pour « rennes »")
    shot(page, "recherche-acheteurs")
    page.locator("#table-acheteurs").get_by_role("link", name="Ville de Rennes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ville de Rennes")
    shot(page, "page-acheteur")
    page.get_by_label("Année").select_option("2024")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("2 marchés.")).to_be_visible()
    assert "annee=2024" in page.url  # shareable URL
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    download = info.value
    assert download.suggested_filename == f"marches-{B1}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert [row[0] for row in rows] == ["Identifiant Ancrage", "c3", "c1"]
    page.locator("#table-marches").get_by_role("link", name="Bâtiment Breton").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bâtiment Breton")
    shot(page, "page-fournisseur")
    assert_all_local(requests_seen)


def test_buyer_logs_in_and_edits_its_settings(
    page: Page, live_server, world, warehouse, requests_seen
):
    org = world["org_a"]
    page.goto(live_server.url + "/compte/connexion/")
    shot(page, "connexion")
    log_in(page, live_server.url, "admin-a@example.fr")
    shot(page, "espace")
    page.get_by_role("link", name="Ville de Rennes").click()
    expect(page.locator("#definition-territoire")).to_contain_text("Département de l'acheteur")
    shot(page, "tableau-de-bord-organisation")
    page.get_by_role("link", name="Paramètres").click()
    form = page.locator("#form-territory")
    form.get_by_label("Type de territoire").select_option("radius")
    form.get_by_label("Rayon (km)").fill("30")
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Territoire enregistré.")).to_be_visible()
    expect(page.get_by_text("Actuellement : Rayon de 30 km autour de l'acheteur.")).to_be_visible()
    shot(page, "parametres-organisation")
    org.refresh_from_db()
    assert org.territory_spec() == "radius:30"
    page.get_by_role("link", name="Membres et invitations").click()
    expect(page.locator("#table-membres")).to_contain_text("lecteur-a@example.fr")
    shot(page, "membres")
    assert_all_local(requests_seen)


def test_user_of_another_organisation_is_refused(page: Page, live_server, world, warehouse):
    org_a = world["org_a"]
    log_in(page, live_server.url, "admin-b@example.fr")
    expect(page.locator("main")).not_to_contain_text("Ville de Rennes")
    for path in ("", "parametres/", "membres/", "api/"):
        response = page.goto(f"{live_server.url}/espace/organisations/{org_a.pk}/{path}")
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    shot(page, "acces-refuse")
    assert Organisation.objects.get(pk=org_a.pk).territory_kind == "departement"
