"""Login, logout, password reset by e-mail, invitations (signed, expiring, single use)."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client

from ancrage.web.accounts import actions
from ancrage.web.accounts.models import Invitation, Membership

from .conftest import PASSWORD, client_for, make_user, page_text

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(warehouse):
    response = Client().get("/espace/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/espace/"


def test_login_page_is_french_and_has_no_proconnect_button_by_default(warehouse):
    html = Client().get("/compte/connexion/").content.decode()
    assert "Se connecter à Ancrage" in html
    assert "Adresse électronique" in html
    assert "ProConnect" not in html


def test_login_and_logout(world, warehouse):
    client = Client()
    response = client.post(
        "/compte/connexion/", {"username": "ADMIN-A@example.fr", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/espace/"
    assert "Ville de Rennes" in client.get("/espace/").content.decode()
    assert client.post("/compte/deconnexion/").status_code == 302
    assert client.get("/espace/").status_code == 302


def test_wrong_password_is_explained(world, warehouse):
    response = Client().post(
        "/compte/connexion/", {"username": "admin-a@example.fr", "password": "faux"}
    )
    assert response.status_code == 200
    assert "Saisissez" in response.content.decode()  # Django's French message
    assert "mot de passe" in response.content.decode()


def test_password_reset_by_email(world, warehouse):
    client = Client()
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "admin-a@example.fr"})
    assert response["Location"] == "/compte/mot-de-passe/oubli/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["admin-a@example.fr"]
    assert message.subject == "Ancrage : réinitialisation de votre mot de passe"
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]  # Django hides the token behind a redirect
    response = client.post(
        form_url, {"new_password1": "Nouveau-mot-2-passe", "new_password2": "Nouveau-mot-2-passe"}
    )
    assert response["Location"] == "/compte/mot-de-passe/nouveau/termine/"
    assert Client().login(username="admin-a@example.fr", password="Nouveau-mot-2-passe")
    # The link works once.
    assert "Ce lien n'est plus valide" in client.get(link, follow=True).content.decode()


def test_password_reset_for_unknown_address_sends_nothing(world, warehouse):
    response = Client().post("/compte/mot-de-passe/oubli/", {"email": "personne@example.fr"})
    assert response.status_code == 302  # same answer: no account enumeration
    assert mail.outbox == []


def _invite(world, email="nouvelle@example.fr", role="buyer") -> str:
    response = client_for(world["admin_a"]).post(
        f"/espace/organisations/{world['org_a'].pk}/membres/", {"email": email, "role": role}
    )
    assert response.status_code == 302
    return re.search(r"http://testserver(/invitation/\S+/)", mail.outbox[-1].body).group(1)


def test_invitation_creates_an_account(world, warehouse):
    link = _invite(world)
    assert mail.outbox[0].to == ["nouvelle@example.fr"]
    assert "Ville de Rennes" in mail.outbox[0].subject
    client = Client()
    assert "Créez votre compte" in client.get(link).content.decode()
    response = client.post(
        link,
        {
            "first_name": "Nadia",
            "last_name": "Le Goff",
            "password1": "Tres-bon-mot-2-passe",
            "password2": "Tres-bon-mot-2-passe",
        },
    )
    org = world["org_a"]
    assert response["Location"] == f"/espace/organisations/{org.pk}/"
    user = get_user_model().objects.get(email="nouvelle@example.fr")
    assert Membership.objects.get(user=user, organisation=org).role == "buyer"
    assert client.get(response["Location"]).status_code == 200  # logged in
    again = Client().get(link)
    assert again.status_code == 400
    assert "déjà été acceptée" in again.content.decode()


def test_invitation_password_mismatch(world, warehouse):
    link = _invite(world)
    response = Client().post(
        link, {"password1": "Tres-bon-mot-2-passe", "password2": "Autre-mot-2-passe"}
    )
    assert response.status_code == 200
    assert "Les deux mots de passe ne sont pas identiques." in response.content.decode()
    assert not get_user_model().objects.filter(email="nouvelle@example.fr").exists()


def test_existing_user_joins_with_the_invitation(world, warehouse):
    link = _invite(world, email="admin-b@example.fr", role="viewer")
    client = client_for(world["admin_b"])
    assert client.post(link).status_code == 302
    membership = Membership.objects.get(user=world["admin_b"], organisation=world["org_a"])
    assert membership.role == "viewer"


def test_invitation_for_another_address_is_refused(world, warehouse):
    link = _invite(world, email="quelquun@example.fr")
    response = client_for(world["admin_b"]).post(link)
    assert "adressée à quelquun@example.fr" in response.content.decode()
    assert not Membership.objects.filter(
        user=world["admin_b"], organisation=world["org_a"]
    ).exists()


def test_invitation_expires(world, warehouse, monkeypatch):
    link = _invite(world)
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 15 * 24 * 3600)
    response = Client().get(link)
    assert response.status_code == 400
    assert "a expiré" in response.content.decode()


def test_tampered_invitation_link(world, warehouse):
    response = Client().get("/invitation/abc:def/")
    assert response.status_code == 400
    assert "n'est pas valide" in page_text(response)


def test_revoked_and_replaced_invitations(world, warehouse):
    first = _invite(world)
    second = _invite(world)
    assert "annulée" in Client().get(first).content.decode()
    assert Client().get(second).status_code == 200
    invitation = Invitation.objects.get(revoked_at=None)
    actions.do_revoke_invitation(invitation)
    assert Client().get(second).status_code == 400


def test_cannot_invite_a_member(world, warehouse):
    response = client_for(world["admin_a"]).post(
        f"/espace/organisations/{world['org_a'].pk}/membres/",
        {"email": "lecteur-a@example.fr", "role": "admin"},
    )
    assert response.status_code == 400
    assert "lecteur-a@example.fr est déjà membre" in response.content.decode()
    assert mail.outbox == []


def test_oidc_backend_matches_users_by_email(db):
    from ancrage.web.accounts.oidc import ProConnectBackend

    make_user("agent@example.fr")
    backend = ProConnectBackend.__new__(ProConnectBackend)  # no OIDC settings needed here
    backend.UserModel = get_user_model()
    assert [u.email for u in backend.filter_users_by_claims({"email": "AGENT@example.fr"})] == [
        "agent@example.fr"
    ]
    user = backend.create_user({"email": "Nouvel.Agent@example.fr", "given_name": "Ana"})
    assert (user.username, user.first_name) == ("nouvel.agent@example.fr", "Ana")
