"""Public pages and API of the référentiel: search, filters, entry page, downloads.

Expected entries come from the shipped data files (``src/ancrage/clauses/data``), read through
``ancrage.clauses`` itself only to count; the ids checked were read in the files by hand.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from ancrage.clauses import load_library

from .conftest import page_text

ENTRY_LINK = re.compile(r'href="/referentiel/([A-Z]+-[A-Z]{3}-\d{3})/"')


def listed(html: str) -> list[str]:
    return list(dict.fromkeys(ENTRY_LINK.findall(html)))


def test_list_shows_the_first_page_of_the_whole_referentiel(client):
    html = page_text(client.get("/referentiel/"))
    total = len(load_library())
    assert total >= 150
    assert f"{total} entrées." in html
    assert len(listed(html)) == 20
    assert f"1 / {-(-total // 20)}" in html


def test_search_forgives_accents_and_plurals_and_filters_by_cpv(client):
    # The four vehicle entries on electric vehicles (vehicules_mobilite.yaml), found from a
    # query without accents, within CPV 34110000 (passenger cars).
    html = page_text(client.get("/referentiel/?q=vehicule+electrique&cpv=34110000"))
    assert listed(html) == ["VEH-ENV-001", "VEH-ENV-002", "VEH-ENV-003", "VEH-ENV-005"]
    assert "4 entrées pour « vehicule electrique » (filtres appliqués)." in html
    assert listed(page_text(client.get("/referentiel/?q=végétaux")))[:2] == [
        "EV-ENV-003",
        "IMPR-ENV-002",
    ]


def test_filters_family_kind_pillar(client):
    html = page_text(
        client.get("/referentiel/?famille=nettoyage&type=award_criterion&pilier=environmental")
    )
    assert listed(html) == ["NETT-ENV-001"]
    assert "1 entrée (filtres appliqués)." in html
    nettoyage = listed(page_text(client.get("/referentiel/?famille=nettoyage")))
    assert len(nettoyage) == 11 and all(i.startswith("NETT-") for i in nettoyage)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("famille=piscines", "Famille inconnue : « piscines »"),
        ("type=clause", "Type inconnu : « clause »"),
        ("pilier=vert", "Pilier inconnu : « vert »"),
        ("cpv=9A", "Code CPV invalide : « 9A » (de 2 à 8 chiffres, par exemple 55 ou 55523100)."),
        ("page=deux", "Numéro de page invalide : « deux »."),
    ],
)
def test_bad_filters_give_a_french_error(client, query, message):
    response = client.get(f"/referentiel/?{query}")
    assert response.status_code == 400
    assert message in page_text(response)


def test_pagination_keeps_the_filters(client):
    social = [c.id for c in load_library().find(pillar="social")]
    assert len(social) > 40  # at least three pages
    raw = client.get("/referentiel/?pilier=social&page=2").content.decode()
    assert 'href="?pilier=social&amp;page=1"' in raw
    assert 'href="?pilier=social&amp;page=3"' in raw
    assert listed(raw) == social[20:40]


def test_entry_page_shows_every_field(client):
    html = page_text(client.get("/referentiel/nett-env-002/"))
    for text in (
        "Méthodes de nettoyage à faible usage de produits chimiques",
        "Sous-critère",
        "Pilier environnemental",
        "Nettoyage et hygiène des locaux",  # the family's label, not its slug
        "909",
        "Sous-critère « Réduction des produits chimiques » ([5] % de la note).",
        "Moyens : Déclaration, Rapport, Contrôle sur site.",
        "Engagements notés selon leur portée",
        "de 3 à 10 %",
        "CR-06</span> — L. 2152-7 CCP (loi n° 2021-1104, art. 35)",
        "AW-02</span> — R. 2152-11, R. 2152-12 et L. 2152-8 CCP",
        "Critère environnemental",
        "BT-06: env-imp ; BT-774: pollu-prev ; BT-539: quality",
        "Ne pas dégrader les exigences d'hygiène dans les locaux sensibles",
        "Code de la commande publique, art. R. 2152-7, 1°",
        "(R2152-7)",
    ):
        assert text in html, text


def test_unknown_entry_is_404(client):
    response = client.get("/referentiel/NETT-ENV-999/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_downloads(client):
    as_json = client.get("/referentiel/telecharger/json/")
    assert as_json["Content-Disposition"] == 'attachment; filename="referentiel-ancrage.json"'
    document = json.loads(as_json.content)
    assert len(document["entries"]) == len(load_library())
    as_csv = client.get("/referentiel/telecharger/csv/").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert len(rows) == len(load_library())
    nett = next(r for r in rows if r["id"] == "NETT-ENV-002")
    assert (nett["weight_min"], nett["weight_max"], nett["legal_basis"]) == (
        "3",
        "10",
        "CR-06 | AW-01 | AW-02",
    )
    html = client.get("/referentiel/telecharger/html/")
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "NETT-ENV-002" in html.content.decode()
    assert client.get("/referentiel/telecharger/xls/").status_code == 404


@pytest.mark.slow
def test_pdf_download(client):
    pdf = client.get("/referentiel/telecharger/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_navigation_links_to_the_referentiel(client):
    html = page_text(client.get("/referentiel/"))
    assert (
        '<a class="fr-nav__link" href="/referentiel/" aria-current="page">Référentiel</a>' in html
    )


# --- API ----------------------------------------------------------------------------------------


def test_api_search_is_paginated(client):
    body = client.get("/api/clauses?q=vehicule+electrique&cpv=34110000&page_size=3").json()
    assert (body["count"], body["pages"], body["page_size"]) == (4, 2, 3)
    assert [r["id"] for r in body["results"]] == ["VEH-ENV-001", "VEH-ENV-002", "VEH-ENV-003"]
    second = client.get("/api/clauses?q=vehicule+electrique&cpv=34110000&page_size=3&page=2")
    assert [r["id"] for r in second.json()["results"]] == ["VEH-ENV-005"]


def test_api_filters_and_entry(client):
    body = client.get("/api/clauses?family=nettoyage&kind=award_criterion").json()
    assert [r["id"] for r in body["results"]] == ["NETT-ENV-001", "NETT-SOC-001"]
    entry = client.get("/api/clauses/nett-env-002").json()
    assert entry == load_library().get("NETT-ENV-002").to_dict()
    assert entry["weight_range"] == [3, 10]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/api/clauses?family=piscines", 400, "Famille inconnue : « piscines »"),
        ("/api/clauses?page_size=101", 400, "La taille de page doit être comprise entre 1 et 100."),
        ("/api/clauses?page=0", 400, "Le numéro de page commence à 1."),
        ("/api/clauses/NETT-ENV-999", 404, "Entrée inconnue du référentiel : NETT-ENV-999"),
    ],
)
def test_api_errors_are_french_json(client, path, status, message):
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["message"].startswith(message)
