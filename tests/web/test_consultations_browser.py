"""Browser journey: a buyer describes a consultation, sees a finding appear while typing, saves
and opens the printable report; a visitor browses the public référentiel. Screenshots go to
docs/screenshots/; no request may leave the local server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from ancrage.web.accounts.models import Membership
from ancrage.web.consultations.models import Consultation

from .conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def only_local(urls: list[str]) -> list[str]:
    return [
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "blob")
        and urlsplit(u).hostname not in ("localhost", "127.0.0.1")
    ]


def test_buyer_sees_a_finding_appear_while_typing_then_prints(page: Page, live_server, world):
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    org = world["org_a"]
    buyer = make_user("acheteur-a@example.fr")
    Membership.objects.create(user=buyer, organisation=org, role=Membership.Role.BUYER)
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill("acheteur-a@example.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("#formulaire-connexion").get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Ville de Rennes").click()
    page.get_by_role("link", name="Consultations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    page.get_by_role("link", name="Nouvelle consultation").click()

    findings = page.locator("#constats")
    expect(findings).to_contain_text("le contrôle se lance dès que la description est complète")
    page.locator("#id_object").fill("Entretien des espaces verts de la commune")
    page.locator("#id_cpv").fill("77310000")
    page.locator("#id_estimated_amount_ht").fill("120000")
    page.locator("#id_launch_date").fill("2026-10-05")
    page.locator("#id_procedure").select_option("mapa")
    page.locator("#id_buyer_kind").select_option("local_authority")
    page.locator("#id_lots-0-title").fill("Lot 1 : espaces verts")
    page.locator("#id_lots-1-title").fill("Lot 2 : terrains de sport")
    page.locator("#id_criteres-0-name").fill("Prix")
    page.locator("#id_criteres-0-weight").fill("60")
    page.locator("#id_criteres-0-kind").select_option("price")
    page.locator("#id_criteres-1-name").fill("Organisation de l'entretien")
    page.locator("#id_criteres-1-weight").fill("40")
    page.locator("#id_criteres-1-kind").select_option("technical")
    # Complete description: the checker has answered, without any localism finding yet.
    expect(page.locator("#bilan-controle")).to_be_visible()
    expect(findings.locator('[data-rule="CR-04"]')).to_be_visible()  # no environmental condition
    expect(findings.locator('[data-rule="LOC-01"]')).to_have_count(0)

    page.locator("#id_criteres-1-description").press_sequentially(
        "Entreprise ayant son siège dans le département", delay=15
    )
    localism = findings.locator('[data-rule="LOC-01"]')
    expect(localism).to_have_count(1)
    expect(localism).to_contain_text("Bloquant")
    expect(localism).to_contain_text("Référence : L. 3 CCP")
    expect(localism.get_by_role("link").first).to_have_attribute(
        "href", "/referentiel/TRANSV-ECO-002/"
    )
    expect(page.locator("#etat-controle")).to_contain_text("constats")
    localism.scroll_into_view_if_needed()
    shot(page, "consultation-saisie-constats", full_page=False)

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Consultation enregistrée.")).to_be_visible()
    consultation = Consultation.objects.get()
    assert (consultation.organisation, consultation.created_by) == (org, buyer)
    assert consultation.data["award_criteria"][1]["description"] == (
        "Entreprise ayant son siège dans le département"
    )
    shot(page, "consultation-fiche")
    page.get_by_role("link", name="Rapport imprimable").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport de conformité")
    expect(page.locator('.ancrage-rapport [data-rule="LOC-01"]')).to_contain_text("L. 3 CCP")
    shot(page, "consultation-rapport")
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    shot(page, "consultation-rapport-impression")
    assert only_local(seen) == []


def test_visitor_searches_the_referentiel(page: Page, live_server):
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Référentiel").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Référentiel de critères et clauses")
    page.locator("#q").fill("vehicule electrique")
    page.get_by_label("Famille d'achat").select_option("vehicules_mobilite")
    page.locator("#recherche-referentiel").get_by_role("button", name="Rechercher").click()
    expect(page.locator("#nombre-entrees")).to_contain_text("pour « vehicule electrique »")
    shot(page, "referentiel-recherche")
    page.locator("#liste-entrees").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Véhicules à faibles et très faibles émissions (renouvellement de flotte)"
    )
    expect(page.locator("#redaction")).to_be_visible()
    expect(page.locator("#base-juridique")).to_contain_text("SEC-FLEET-01 — L. 224-7 et L. 224-8")
    shot(page, "referentiel-entree")
    assert only_local(seen) == []
