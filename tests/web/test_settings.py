"""Settings: typed environment readers, production mode passing ``check --deploy``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ancrage.web.env import env_bool, env_int, env_list, env_str

PROD_ENV = {
    "ANCRAGE_PRODUCTION": "1",
    "SECRET_KEY": "k" * 20 + "Zq8!vR2#pL9@xW4$mN7%bT1^" + "s" * 20,
    "ALLOWED_HOSTS": "ancrage.example.fr",
}


def clean_env() -> dict[str, str]:
    """The environment without the variables that tests or the shell may have set."""
    skip = {"DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in skip and not k.startswith("ANCRAGE_")}


def manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = clean_env()
    return subprocess.run(
        [sys.executable, "-m", "ancrage.web", *args],
        env={**base, "ANCRAGE_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_readers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "oui")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", " a.fr, b.fr ,,")
    assert env_bool("X_BOOL", False) is True
    assert env_bool("X_ABSENT", True) is True
    assert env_int("X_INT", 3) == 12
    assert env_list("X_LIST", []) == ["a.fr", "b.fr"]
    assert env_str("X_ABSENT", "défaut") == "défaut"
    monkeypatch.setenv("X_BOOL", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL='peut-être' doit valoir 1/0"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "douze")
    with pytest.raises(ImproperlyConfigured, match="doit être un nombre entier"):
        env_int("X_INT", 0)


def test_production_settings_pass_check_deploy(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_settings_do_not_pass_check_deploy(tmp_path):
    # The check is meaningful: the development defaults are flagged.
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {**PROD_ENV}
    del env["SECRET_KEY"]
    result = manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire en production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = manage(tmp_path, "check", **{**PROD_ENV, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS est obligatoire en production" in result.stderr


def test_oidc_needs_its_endpoints(tmp_path):
    result = manage(tmp_path, "check", ANCRAGE_OIDC_RP_CLIENT_ID="ancrage")
    assert result.returncode != 0
    assert "ANCRAGE_OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr


def test_oidc_enabled_shows_the_proconnect_button(tmp_path):
    oidc = {
        "ANCRAGE_OIDC_RP_CLIENT_ID": "ancrage",
        "ANCRAGE_OIDC_RP_CLIENT_SECRET": "secret",
        "ANCRAGE_OIDC_OP_AUTHORIZATION_ENDPOINT": "https://proconnect.example/authorize",
        "ANCRAGE_OIDC_OP_TOKEN_ENDPOINT": "https://proconnect.example/token",
        "ANCRAGE_OIDC_OP_USER_ENDPOINT": "https://proconnect.example/userinfo",
        "ANCRAGE_OIDC_OP_JWKS_ENDPOINT": "https://proconnect.example/jwks",
    }
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "html = Client().get('/compte/connexion/').content.decode()\n"
        "print('ProConnect' in html, '/oidc/authenticate/' in html)\n"
    )
    base = clean_env()
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **base,
            **oidc,
            "DJANGO_SETTINGS_MODULE": "ancrage.web.settings",
            "ANCRAGE_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "True True", result.stderr


def test_database_url_selects_postgresql(tmp_path):
    script = (
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(db['ENGINE'], db['NAME'], db['HOST'], db['PORT'])\n"
    )
    base = clean_env()
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "ancrage.web.settings",
            "ANCRAGE_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://ancrage@db.example:5433/ancrage",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "ancrage",
        "db.example",
        "5433",
    ]


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    script = (
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(db['ENGINE'], db['NAME'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean_env(), "DJANGO_SETTINGS_MODULE": "ancrage.web.settings",
             "ANCRAGE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(tmp_path / "app.sqlite3"),
    ], result.stderr


def test_migrations_are_up_to_date(tmp_path):
    result = manage(tmp_path, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
