"""Private space: settings edits, members, API tokens, and isolation between organisations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from ancrage.web.accounts import actions
from ancrage.web.accounts.models import ApiToken, Invitation, Membership, Organisation

from .conftest import client_for, page_text
from .warehouse_data import B1, B3

pytestmark = pytest.mark.django_db


def settings_url(org: Organisation) -> str:
    return f"/espace/organisations/{org.pk}/parametres/"


def post_settings(client: Client, org: Organisation, section: str, **data):
    return client.post(settings_url(org), {"section": section, **data})


def test_dashboard_lists_only_my_organisations(world, warehouse):
    html = page_text(client_for(world["admin_a"]).get("/espace/"))
    assert "Ville de Rennes" in html and "Saint-Malo" not in html
    assert "Administrateur de l'organisation" in html


def test_organisation_dashboard_shows_its_territory_and_buyers(world, warehouse):
    org = world["org_a"]
    actions.do_update_territory(org, "radius", radius_km=25)
    html = page_text(client_for(world["viewer_a"]).get(f"/espace/organisations/{org.pk}/"))
    assert "Rayon de 25 km autour de l'acheteur" in html
    assert f'href="/acheteurs/{B1}/"' in html
    assert "200\u202f000\u00a0€" in html  # B1's amount in the warehouse
    assert "Membres et invitations" not in html  # admin pages hidden from a viewer


def test_admin_edits_buyers(world, warehouse):
    client, org = client_for(world["admin_a"]), world["org_a"]
    response = post_settings(client, org, "buyers", sirets="213 502 826 00018\n")
    assert response.status_code == 302
    assert list(org.buyers.values_list("siret", flat=True)) == [B3]


@pytest.mark.parametrize(
    ("sirets", "message"),
    [
        ("21350238800018", "« 21350238800018 » n'est pas un SIRET valide (clé de contrôle incorrecte)."),
        ("2135023880001", "« 2135023880001 » : un SIRET compte 14 chiffres."),
        ("2135023880001A", "« 2135023880001A » : un SIRET ne contient que des chiffres."),
        (f"{B1}\n{B3}", "Une organisation de type « Acheteur » n'a qu'un SIRET"),
    ],
)  # fmt: skip
def test_invalid_buyers_are_refused_and_nothing_changes(world, warehouse, sirets, message):
    client, org = client_for(world["admin_a"]), world["org_a"]
    response = post_settings(client, org, "buyers", sirets=sirets)
    assert response.status_code == 400
    assert message in page_text(response)
    assert list(org.buyers.values_list("siret", flat=True)) == [B1]


def test_buyer_group_has_several_buyers(world, warehouse):
    org = world["org_a"]
    Organisation.objects.filter(pk=org.pk).update(kind=Organisation.Kind.BUYER_GROUP)
    response = post_settings(
        client_for(world["admin_a"]), org, "buyers", sirets=f"{B1}\n{B3}\n{B1}"
    )
    assert response.status_code == 302
    assert sorted(org.buyers.values_list("siret", flat=True)) == [B1, B3]


@pytest.mark.parametrize(
    ("data", "spec", "label"),
    [
        ({"kind": "radius", "radius_km": "30"}, "radius:30", "Rayon de 30 km autour de l'acheteur"),
        ({"kind": "departement", "code": "35"}, "departement:35", "Département 35"),
        ({"kind": "departement"}, "departement", "Département de l'acheteur"),
        ({"kind": "epci", "code": "243500139"}, "epci:243500139", "Intercommunalité (EPCI) 243500139"),
        ({"kind": "custom", "communes": "35238, 35288\n35051"}, "custom:35238,35288,35051",
         "Liste de 3 communes"),
    ],
)  # fmt: skip
def test_admin_edits_territory(world, warehouse, data, spec, label):
    org = world["org_a"]
    response = post_settings(client_for(world["admin_a"]), org, "territory", **data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.territory_spec(), org.territory_label()) == (spec, label)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "radius"}, "Le rayon doit être un nombre de km entre 1 et 500."),
        ({"kind": "radius", "radius_km": "900"}, "Le rayon doit être un nombre de km entre 1 et 500."),
        ({"kind": "departement", "code": "999"}, "Code « 999 » invalide"),
        ({"kind": "custom", "communes": ""}, "Indiquez au moins un code de commune"),
        ({"kind": "custom", "communes": "35238, Rennes"}, "Codes de commune invalides : RENNES"),
    ],
)  # fmt: skip
def test_invalid_territory_is_refused(world, warehouse, data, message):
    org = world["org_a"]
    response = post_settings(client_for(world["admin_a"]), org, "territory", **data)
    assert response.status_code == 400
    assert message in page_text(response)
    org.refresh_from_db()
    assert org.territory_spec() == "departement"  # unchanged default


def test_admin_edits_peer_group_and_targets(world, warehouse):
    client, org = client_for(world["admin_a"]), world["org_a"]
    assert post_settings(client, org, "peer_group", peer_group="commune_100k+").status_code == 302
    response = post_settings(client, org, "targets", social="40", environmental="", local="25.5")
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.peer_group == "commune_100k+"
    assert (org.target_social_pct, org.target_environmental_pct, org.target_local_pct) == (
        40.0,
        None,
        25.5,
    )
    bad = post_settings(client, org, "targets", social="150")
    assert bad.status_code == 400
    assert "inférieure ou égale à 100" in page_text(bad)


def test_viewer_reads_settings_but_cannot_change_them(world, warehouse):
    client, org = client_for(world["viewer_a"]), world["org_a"]
    html = page_text(client.get(settings_url(org)))
    assert "Lecture seule" in html and B1 in html
    assert 'name="section"' not in html
    assert post_settings(client, org, "buyers", sirets=B3).status_code == 403
    assert post_settings(client, org, "territory", kind="radius", radius_km="5").status_code == 403
    for url in ("membres", "api"):
        assert client.get(f"/espace/organisations/{org.pk}/{url}/").status_code == 403
    org.refresh_from_db()
    assert (list(org.buyers.values_list("siret", flat=True)), org.territory_kind) == (
        [B1],
        "departement",
    )


def test_roles_and_last_admin(world, warehouse):
    client, org = client_for(world["admin_a"]), world["org_a"]
    viewer = Membership.objects.get(user=world["viewer_a"])
    admin = Membership.objects.get(user=world["admin_a"])
    base = f"/espace/organisations/{org.pk}/membres"
    client.post(f"{base}/{viewer.pk}/role/", {"role": "buyer"})
    viewer.refresh_from_db()
    assert viewer.role == "buyer"
    response = client.post(f"{base}/{admin.pk}/role/", {"role": "viewer"}, follow=True)
    assert "L'organisation doit garder au moins un administrateur." in page_text(response)
    response = client.post(f"{base}/{admin.pk}/retirer/", follow=True)
    assert "L'organisation doit garder au moins un administrateur." in page_text(response)
    admin.refresh_from_db()
    assert admin.role == "admin"
    client.post(f"{base}/{viewer.pk}/retirer/")
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_api_token_shown_once_and_stored_hashed(world, warehouse):
    client, org = client_for(world["admin_a"]), world["org_a"]
    response = client.post(f"/espace/organisations/{org.pk}/api/", {"name": "Tableau de bord"})
    html = page_text(response)
    token = ApiToken.objects.get(organisation=org)
    raw = html.split('<p class="ancrage-mono ancrage-token">')[1].split("</p>")[0]
    assert raw.startswith("anc_") and raw.startswith(token.prefix)
    assert raw not in (token.digest, token.name)
    assert raw not in page_text(client.get(f"/espace/organisations/{org.pk}/api/"))
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert api.get("/api/espace/organisation", **auth).json()["name"] == "Ville de Rennes"
    client.post(f"/espace/organisations/{org.pk}/api/{token.pk}/revoquer/")
    assert api.get("/api/espace/organisation", **auth).status_code == 401


# --- Isolation between organisations -------------------------------------------------------


@pytest.fixture
def b_objects(world):
    """Objects of organisation B that a member of A must not reach."""
    org_b = world["org_b"]
    invitation = actions.do_invite_member(
        org_b, "invite-b@example.fr", "viewer", world["admin_b"], lambda token: token
    )
    token, _ = actions.do_create_api_token(org_b, "B", world["admin_b"])
    mail.outbox.clear()
    return {
        "org": org_b,
        "membership": Membership.objects.get(user=world["admin_b"]),
        "invitation": invitation,
        "token": token,
    }


def private_requests(org_pk: int, membership_pk: int, invitation_pk: int, token_pk: int):
    """Every private URL, with the method and data of a real use."""
    base = f"/espace/organisations/{org_pk}"
    return [
        ("get", f"{base}/", {}),
        ("get", f"{base}/parametres/", {}),
        ("post", f"{base}/parametres/", {"section": "buyers", "sirets": B1}),
        (
            "post",
            f"{base}/parametres/",
            {"section": "territory", "kind": "radius", "radius_km": "9"},
        ),
        ("post", f"{base}/parametres/", {"section": "peer_group", "peer_group": "x"}),
        ("post", f"{base}/parametres/", {"section": "targets", "social": "1"}),
        ("get", f"{base}/membres/", {}),
        ("post", f"{base}/membres/", {"email": "intrus@example.fr", "role": "admin"}),
        ("post", f"{base}/membres/{membership_pk}/role/", {"role": "viewer"}),
        ("post", f"{base}/membres/{membership_pk}/retirer/", {}),
        ("post", f"{base}/invitations/{invitation_pk}/annuler/", {}),
        ("get", f"{base}/api/", {}),
        ("post", f"{base}/api/", {"name": "intrus"}),
        ("post", f"{base}/api/{token_pk}/revoquer/", {}),
    ]


def assert_b_untouched(b) -> None:
    org = Organisation.objects.get(pk=b["org"].pk)
    assert list(org.buyers.values_list("siret", flat=True)) == [B3]
    assert (org.territory_kind, org.peer_group, org.target_social_pct) == ("departement", "", None)
    assert Membership.objects.get(pk=b["membership"].pk).role == "admin"
    assert Invitation.objects.get(pk=b["invitation"].pk).revoked_at is None
    assert ApiToken.objects.filter(organisation=org).count() == 1
    assert ApiToken.objects.get(pk=b["token"].pk).revoked_at is None
    assert mail.outbox == []


def test_member_of_a_gets_404_on_every_url_of_b(world, warehouse, b_objects):
    b = b_objects
    client = client_for(world["admin_a"])
    for method, url, data in private_requests(
        b["org"].pk, b["membership"].pk, b["invitation"].pk, b["token"].pk
    ):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert "Saint-Malo" not in page_text(response)
    assert_b_untouched(b)


def test_ids_of_b_guessed_in_urls_of_a_give_404(world, warehouse, b_objects):
    b, base = b_objects, f"/espace/organisations/{world['org_a'].pk}"
    client = client_for(world["admin_a"])  # administrator of A, using A's URLs
    for url, data in (
        (f"{base}/membres/{b['membership'].pk}/role/", {"role": "viewer"}),
        (f"{base}/membres/{b['membership'].pk}/retirer/", {}),
        (f"{base}/invitations/{b['invitation'].pk}/annuler/", {}),
        (f"{base}/api/{b['token'].pk}/revoquer/", {}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert_b_untouched(b)


def test_unknown_organisation_is_404_like_a_foreign_one(world, warehouse):
    client = client_for(world["admin_a"])
    assert client.get("/espace/organisations/999999/").status_code == 404


def test_anonymous_visitor_is_redirected_from_every_private_url(world, warehouse, b_objects):
    b = b_objects
    client = Client()
    for method, url, data in private_requests(
        b["org"].pk, b["membership"].pk, b["invitation"].pk, b["token"].pk
    ):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/compte/connexion/?next=")
    assert_b_untouched(b)


def test_token_of_a_reaches_only_a(world, warehouse, b_objects):
    _, raw_a = actions.do_create_api_token(world["org_a"], "A", world["admin_a"])
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw_a}"}
    data = client.get("/api/espace/organisation", **auth).json()
    assert (data["id"], data["name"], data["buyers"]) == (
        world["org_a"].pk,
        "Ville de Rennes",
        [B1],
    )
    response = client.patch(
        "/api/espace/organisation/territory",
        {"kind": "radius", "radius_km": 40},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["territory"]["spec"] == "radius:40"
    assert Organisation.objects.get(pk=world["org_a"].pk).territory_radius_km == 40
    assert_b_untouched(b_objects)


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer anc_faux", "Token abc"])
def test_private_api_requires_a_valid_token(world, warehouse, header):
    client = client_for(world["admin_a"])  # a browser session is not enough
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/espace/organisation", **extra)
    assert response.status_code == 401
    assert response.json() == {
        "message": "Jeton d'API manquant, invalide ou révoqué (en-tête Authorization: Bearer)."
    }
    patch = client.patch(
        "/api/espace/organisation/territory",
        {"kind": "radius", "radius_km": 5},
        content_type="application/json",
        **extra,
    )
    assert patch.status_code == 401


def test_invalid_territory_through_the_api(world, warehouse):
    _, raw = actions.do_create_api_token(world["org_a"], "A", world["admin_a"])
    response = Client().patch(
        "/api/espace/organisation/territory",
        {"kind": "planete"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("Type de territoire inconnu : 'planete'")
