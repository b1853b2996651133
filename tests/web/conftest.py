"""Fixtures of the web tests: a tiny warehouse, organisations A and B, logged-in clients."""

from __future__ import annotations

import os
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ancrage.web.accounts import actions
from ancrage.web.accounts.models import Membership, Organisation
from ancrage.web.observatory import warehouse as web_warehouse

from .warehouse_data import B1, B3, write_warehouse

# Playwright's sync API runs an event loop in the test thread; Django would refuse ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A new snapshot is served as soon as its web cache is built, by the request that needs it.
os.environ.setdefault("ANCRAGE_WEB_CACHE_BUILD", "wait")

PASSWORD = "correct-horse-battery-42"


@pytest.fixture(autouse=True)
def fast_settings(settings) -> None:
    """The production hasher is slow on purpose; tests only need passwords to match."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test client builds its own middleware; without autorefresh WhiteNoise would index
    # all the DSFR static files (about a second) each time.
    settings.WHITENOISE_AUTOREFRESH = True


def page_text(response) -> str:
    """The page as text, HTML entities decoded (Django escapes apostrophes in variables)."""
    return unescape(response.content.decode())


@pytest.fixture
def located_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny warehouse of ``warehouse_data``, set as ``ANCRAGE_DATA_DIR``, read with the
    optional reference and enrichment layers (buyer locations) when they are installed."""
    data = tmp_path / "data"
    write_warehouse(data)
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    return data


@pytest.fixture
def warehouse(located_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tiny warehouse alone: figures depend only on ``warehouse_data``."""
    monkeypatch.setattr(web_warehouse, "OPTIONAL_LAYERS", ())
    return located_warehouse


@pytest.fixture
def empty_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "empty"
    data.mkdir()
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    return data


def make_user(email: str):
    return get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)


@pytest.fixture
def world(db):
    """Organisation A (Rennes, admin + viewer) and organisation B (Saint-Malo, admin)."""
    admin_a, viewer_a, admin_b = (
        make_user("admin-a@example.fr"),
        make_user("lecteur-a@example.fr"),
        make_user("admin-b@example.fr"),
    )
    org_a = actions.do_create_organisation(
        "Ville de Rennes", Organisation.Kind.BUYER, admin_a, [B1]
    )
    Membership.objects.create(user=viewer_a, organisation=org_a, role=Membership.Role.VIEWER)
    org_b = actions.do_create_organisation("Saint-Malo", Organisation.Kind.BUYER, admin_b, [B3])
    return {
        "admin_a": admin_a,
        "viewer_a": viewer_a,
        "admin_b": admin_b,
        "org_a": org_a,
        "org_b": org_b,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Browser tests (pytest-playwright with Debian's Chromium) ----------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "fr-FR",
        "accept_downloads": True,
    }
