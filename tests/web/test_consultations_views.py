"""Consultation pages of the private space: create, edit, live check, import/export, report."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from ancrage.web.accounts.models import Membership
from ancrage.web.consultations import actions
from ancrage.web.consultations.models import Consultation

from .conftest import client_for, make_user, page_text
from .test_consultations_forms import EXAMPLES, example, minimal, post_for

pytestmark = pytest.mark.django_db

# The example with localism (docs/exemples/consultations/espaces-verts-localisme.yaml) and its
# findings as established in tests/compliance/test_compliance_examples.py: two localist
# criteria, automatic rejection of low offers, an undefined carbon criterion, reservation hint.
LOCALISM_EXAMPLE = "espaces-verts-localisme.yaml"
LOCALISM_FINDINGS = [
    ("LOC-01", "blocking"),
    ("LOC-01", "blocking"),
    ("AW-04", "to_fix"),
    ("LOC-03", "advice"),
    ("RES-03", "advice"),
]
_FINDING_RE = re.compile(r'data-rule="([^"]+)" data-severity="([^"]+)"')


def findings_in(html: str) -> list[tuple[str, str]]:
    return _FINDING_RE.findall(html)


def base(org) -> str:
    return f"/espace/organisations/{org.pk}/consultations/"


@pytest.fixture
def buyer_a(world):
    user = make_user("acheteur-a@example.fr")
    Membership.objects.create(user=user, organisation=world["org_a"], role=Membership.Role.BUYER)
    return user


@pytest.fixture
def stored(world):
    return actions.do_create_consultation(
        world["org_a"], example(LOCALISM_EXAMPLE), world["admin_a"]
    )


def test_live_check_returns_the_exact_findings_of_the_example(world):
    client = client_for(world["admin_a"])
    response = client.post(base(world["org_a"]) + "verifier/", post_for(example(LOCALISM_EXAMPLE)))
    assert response.status_code == 200
    html = page_text(response)
    assert findings_in(html) == LOCALISM_FINDINGS  # sorted: severity, then rule
    assert "5 constats : 2 bloquants, 1 à corriger, 2 conseils" in html
    assert (
        "Rejet automatique des offres anormalement basses : un seuil arithmétique peut seulement "
        "déclencher la vérification" in html
    )
    assert "Référence : L. 2152-5, L. 2152-6 et R. 2152-3 à R. 2152-5 CCP" in html
    # LOC findings point to the lawful levers of the référentiel.
    assert 'href="/referentiel/TRANSV-ECO-002/"' in html
    assert "considerationsSociales</dt><dd>Pas de considération sociale" in html
    assert (
        "considerationsEnvironnementales</dt><dd>Critère environnemental, Clause environnementale"
        in html
    )
    assert Consultation.objects.count() == 0  # checking never saves


def test_live_check_updates_as_the_buyer_types(world):
    client = client_for(world["admin_a"])
    post = post_for(minimal())
    post.update({"criteres-0-name": "Prix", "criteres-0-weight": "100", "criteres-0-kind": "price"})
    before = findings_in(page_text(client.post(base(world["org_a"]) + "verifier/", post)))
    assert ("LOC-01", "blocking") not in before
    post["criteres-0-description"] = "Entreprise locale ayant son siège dans le département."
    after = findings_in(page_text(client.post(base(world["org_a"]) + "verifier/", post)))
    assert Counter(after) - Counter(before) == Counter({("LOC-01", "blocking"): 1})


def test_live_check_of_an_incomplete_form_says_what_is_missing(world):
    client = client_for(world["admin_a"])
    response = client.post(base(world["org_a"]) + "verifier/", {"object": "Repas"})
    assert response.status_code == 422
    html = page_text(response)
    assert "Code CPV principal : Ce champ est obligatoire." in html
    assert findings_in(html) == []


def test_live_check_reports_a_description_the_checker_refuses(world):
    client = client_for(world["admin_a"])
    response = client.post(base(world["org_a"]) + "verifier/", post_for(minimal(cpv="1234")))
    assert response.status_code == 422
    assert (
        "Description invalide : champ « cpv » : code CPV à 8 chiffres attendu (ex. 55523100-3), "
        "reçu '1234'." in page_text(response)
    )


def test_buyer_creates_a_consultation(world, buyer_a):
    client = client_for(buyer_a)
    post = {**post_for(minimal()), "action": "save"}
    response = client.post(base(world["org_a"]) + "nouvelle/", post)
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{base(world['org_a'])}{consultation.pk}/"
    assert consultation.organisation == world["org_a"]
    assert consultation.created_by == buyer_a
    assert consultation.data == {**minimal(), "reserved": "none"}
    assert (consultation.cpv, consultation.estimated_amount_ht) == ("90911200", 80000.0)
    assert str(consultation.launch_date) == "2026-10-01"


def test_check_button_shows_findings_without_saving(world):
    client = client_for(world["admin_a"])
    post = {**post_for(example(LOCALISM_EXAMPLE)), "action": "check"}
    response = client.post(base(world["org_a"]) + "nouvelle/", post)
    assert response.status_code == 200
    assert findings_in(page_text(response)) == LOCALISM_FINDINGS
    assert Consultation.objects.count() == 0


def test_invalid_description_is_not_saved_and_errors_are_listed(world):
    client = client_for(world["admin_a"])
    post = {**post_for(minimal(cpv="99")), "action": "save"}
    response = client.post(base(world["org_a"]) + "nouvelle/", post)
    assert response.status_code == 400
    assert "Consultation invalide : champ « cpv » : code CPV à 8 chiffres attendu" in page_text(
        response
    )
    assert Consultation.objects.count() == 0


def test_edit_replaces_the_description(world, stored):
    client = client_for(world["admin_a"])
    url = f"{base(world['org_a'])}{stored.pk}/modifier/"
    page = page_text(client.get(url))
    assert "Entretien des espaces verts et des terrains de sport de la commune" in page
    assert findings_in(page) == LOCALISM_FINDINGS  # the stored description, checked on load
    post = post_for(stored.data)
    post.update({"criteres-1-name": "Délai d'intervention", "criteres-1-kind": "delivery"})
    post["criteres-1-description"] = "Délai d'intervention en cas de chute d'arbre, en heures."
    post["action"] = "save"
    assert client.post(url, post).status_code == 302
    stored.refresh_from_db()
    assert stored.data["award_criteria"][1] == {
        "name": "Délai d'intervention",
        "weight": 20,
        "kind": "delivery",
        "description": "Délai d'intervention en cas de chute d'arbre, en heures.",
    }
    detail = page_text(client.get(f"{base(world['org_a'])}{stored.pk}/"))
    assert findings_in(detail).count(("LOC-01", "blocking")) == 1


def test_viewer_reads_but_cannot_write(world, stored):
    client = client_for(world["viewer_a"])
    org = world["org_a"]
    listing = page_text(client.get(base(org)))
    assert "Entretien des espaces verts" in listing
    assert "Nouvelle consultation" not in listing
    detail = page_text(client.get(f"{base(org)}{stored.pk}/"))
    assert "Rapport imprimable" in detail and ">Modifier<" not in detail
    for path in ("nouvelle/", "importer/", f"{stored.pk}/modifier/", f"{stored.pk}/supprimer/"):
        assert client.get(base(org) + path).status_code == 403
        assert client.post(base(org) + path, post_for(stored.data)).status_code == 403
    assert Consultation.objects.get().data == stored.data


def test_delete_asks_then_removes(world, stored):
    client = client_for(world["admin_a"])
    url = f"{base(world['org_a'])}{stored.pk}/supprimer/"
    assert "sera définitivement supprimée" in page_text(client.get(url))
    assert Consultation.objects.count() == 1
    response = client.post(url)
    assert response["Location"] == base(world["org_a"])
    assert Consultation.objects.count() == 0


def test_import_yaml_then_export_both_formats(world):
    client = client_for(world["admin_a"])
    content = (EXAMPLES / "fournitures-bureau-etat.yaml").read_bytes()
    response = client.post(
        base(world["org_a"]) + "importer/",
        {"fichier": SimpleUploadedFile("fournitures.yaml", content)},
    )
    consultation = Consultation.objects.get()
    assert response["Location"] == f"{base(world['org_a'])}{consultation.pk}/"
    assert consultation.data == example("fournitures-bureau-etat.yaml")
    exported = client.get(f"{base(world['org_a'])}{consultation.pk}/export.yaml")
    assert exported["Content-Disposition"] == (
        f'attachment; filename="consultation-{consultation.pk}.yaml"'
    )
    assert yaml.safe_load(exported.content) == consultation.data
    as_json = client.get(f"{base(world['org_a'])}{consultation.pk}/export.json")
    assert as_json.json() == consultation.data
    assert as_json.json()["justifications"]["CR-05"].startswith("Fournitures standardisées")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"object: Repas\ncpv: 55523100\n", "c.yaml", "Consultation invalide : champ « estimated_amount_ht » obligatoire manquant."),
        (b"object: Repas\nprix: 3\n", "c.yaml", "Consultation invalide : champ(s) inconnu(s) : prix."),
        (b"{", "c.json", "Fichier refusé : JSON invalide ligne 1, colonne 2"),
    ],
)  # fmt: skip
def test_import_refuses_bad_files_in_french(world, content, name, message):
    client = client_for(world["admin_a"])
    response = client.post(
        base(world["org_a"]) + "importer/", {"fichier": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert Consultation.objects.count() == 0


def test_printable_report_and_pdf(world, stored):
    client = client_for(world["viewer_a"])
    url = f"{base(world['org_a'])}{stored.pk}/rapport/"
    html = page_text(client.get(url))
    assert "Rapport de conformité" in html
    assert findings_in(html) == LOCALISM_FINDINGS
    assert '<th scope="row">Procédure</th><td>Procédure adaptée (MAPA)</td>' in html
    assert "Prix (prix, 50 %) : Prix global et forfaitaire annuel." in html
    assert "@media print" in (
        client.get("/static/consultations/consultations.css").getvalue().decode()
    )
    pdf = client.get(f"{base(world['org_a'])}{stored.pk}/rapport.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"] == f'attachment; filename="consultation-{stored.pk}.pdf"'


def test_list_shows_only_this_organisation(world, stored):
    other = actions.do_create_consultation(
        world["org_b"], minimal(object="Marché de Saint-Malo"), world["admin_b"]
    )
    html = page_text(client_for(world["admin_a"]).get(base(world["org_a"])))
    assert f'href="{base(world["org_a"])}{stored.pk}/"' in html
    assert other.object not in html
    assert f'href="{base(world["org_a"])}"' in html  # link of the organisation's menu
