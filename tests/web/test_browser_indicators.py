"""Browser journey on the indicators: search, buyer page, change of territory, export, territory.

Saves ``docs/screenshots/acheteur-indicateurs.png``, ``carte-titulaires.png`` and
``territoire-departement.png``; every request must stay on the local server.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .indicator_warehouse import R, build
from .test_browser import assert_all_local, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seen(page: Page) -> list[str]:
    """Every URL the page requests (none may leave the local server)."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture
def indicator_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = build(tmp_path / "data")
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    return data


def test_newcomer_reads_indicators_changes_territory_and_exports(
    page: Page, live_server, indicator_site, seen
):
    page.goto(live_server.url + "/")
    page.locator("#recherche-accueil-input").fill("rennes")
    page.locator("#recherche-accueil").get_by_role("button", name="Rechercher").click()
    page.locator("#table-acheteurs").get_by_role("link", name="Ville de Rennes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ville de Rennes")
    local = page.locator('tr[data-indicateur="local_share"]')
    expect(local).to_contain_text("50,0 %")
    expect(page.locator("#definition-local")).to_contain_text("Même département que l'acheteur")
    shot(page, "acheteur-indicateurs")
    page.locator("#cartes-titulaires").screenshot(
        path=str(Path(__file__).resolve().parents[2] / "docs/screenshots/carte-titulaires.png")
    )

    # The newcomer widens "local" to the région: Brest (Finistère) now counts as local.
    page.locator("#formulaire-territoire").get_by_label("Territoire").select_option("region")
    page.locator("#formulaire-territoire").get_by_role("button", name="Appliquer").click()
    assert "territoire=region" in page.url  # shareable URL
    expect(page.locator("#definition-local")).to_contain_text("Même région que l'acheteur")
    expect(page.locator('tr[data-indicateur="local_share"]')).to_contain_text("66,7 %")

    with page.expect_download() as info:
        page.locator("#indicateurs").get_by_role("link", name="CSV").first.click()
    download = info.value
    assert download.suggested_filename == f"indicateurs-synthese-{R}-region-2024.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    local_row = dict(zip(rows[0], next(r for r in rows if r[0] == "local_share"), strict=True))
    assert (local_row["Numérateur"], local_row["Dénominateur"]) == ("2.0", "3.0")
    assert local_row["Définition du local"] == "region"

    # The definition is one click away.
    page.locator('tr[data-indicateur="local_share"]').get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Part des contrats attribués à des titulaires locaux (en nombre)"
    )
    page.go_back()

    page.locator("#liens-territoires").get_by_role(
        "link", name="département Ille-et-Vilaine"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Département : Ille-et-Vilaine")
    expect(page.locator("#table-classement tbody tr").first).to_contain_text("Ville de Saint-Malo")
    shot(page, "territoire-departement")
    assert_all_local(seen)
