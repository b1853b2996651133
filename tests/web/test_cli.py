"""``ancrage serve`` / ``ancrage web`` registration and the demo account command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from typer.testing import CliRunner

from ancrage.cli import app
from ancrage.web.accounts.models import Membership, Organisation

from .warehouse_data import B1


def test_serve_command_is_registered():
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers"):
        assert option in result.output


@pytest.mark.django_db
def test_demo_account_is_idempotent(warehouse):
    out = StringIO()
    call_command("ancrage_demo_account", stdout=out)
    call_command("ancrage_demo_account", stdout=out)
    text = out.getvalue()
    assert f"Acheteur rattaché : Ville de Rennes ({B1})" in text  # 3 contracts: the largest
    assert "identifiant  : demo@ancrage.invalid" in text
    assert Organisation.objects.count() == 1
    assert get_user_model().objects.count() == 1
    org = Organisation.objects.get()
    assert list(org.buyers.values_list("siret", flat=True)) == [B1]
    assert Membership.objects.get().role == "admin"
    client = Client()
    assert client.login(username="demo@ancrage.invalid", password="demo-ancrage-2026")
    assert "Ville de Rennes" in client.get(f"/espace/organisations/{org.pk}/").content.decode()


@pytest.mark.django_db
def test_demo_account_on_an_empty_warehouse(empty_warehouse):
    out = StringIO()
    call_command("ancrage_demo_account", "--password", "autre-mot-2-passe", stdout=out)
    assert "L'entrepôt est vide" in out.getvalue()
    assert "mot de passe : autre-mot-2-passe" in out.getvalue()
    assert Organisation.objects.get().buyers.count() == 0
