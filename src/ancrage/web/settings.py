"""Django settings of the Ancrage web application, read from the environment.

Every variable is documented in ``docs/web.md``. Development is the default: SQLite in the data
directory, e-mails printed to the console, DEBUG on. ``ANCRAGE_PRODUCTION=1`` switches to the
hardened mode that passes ``manage.py check --deploy`` and refuses to start without a real secret key
and an explicit host list.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ancrage import config
from ancrage.web.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

PRODUCTION = env_bool("ANCRAGE_PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)

_DEV_SECRET = "dev-insecure-ancrage-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
if not SECRET_KEY or (PRODUCTION and SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured(
        "SECRET_KEY est obligatoire en production : définissez une longue valeur aléatoire "
        '(par exemple : python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS est obligatoire en production (liste de noms d'hôte séparés par des virgules)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# OpenID Connect (ProConnect): enabled only when the client id is configured.
OIDC_ENABLED = bool(env_str("ANCRAGE_OIDC_RP_CLIENT_ID"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "ninja",
    "ancrage.web.accounts",
    "ancrage.web.observatory",
    "ancrage.web.consultations",
    "ancrage.web.referentiel",
]
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ancrage.web.urls"
WSGI_APPLICATION = "ancrage.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ancrage.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", None) or f"sqlite:///{DATA_DIR / 'app.sqlite3'}",
        conn_max_age=env_int("ANCRAGE_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "espace:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
ANCRAGE_INVITATION_MAX_AGE = env_int("ANCRAGE_INVITATION_MAX_AGE_DAYS", 14) * 24 * 3600

if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.insert(0, "ancrage.web.accounts.oidc.ProConnectBackend")
    OIDC_RP_CLIENT_ID = env_str("ANCRAGE_OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("ANCRAGE_OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("ANCRAGE_OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = env_str("ANCRAGE_OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = env_str("ANCRAGE_OIDC_OP_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = env_str("ANCRAGE_OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_OP_LOGOUT_ENDPOINT = env_str("ANCRAGE_OIDC_OP_LOGOUT_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = env_str("ANCRAGE_OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("ANCRAGE_OIDC_RP_SCOPES", "openid email given_name usual_name")
    # ProConnect requires the acr_values and nonce parameters; nonce is on by default.
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": env_str("ANCRAGE_OIDC_ACR_VALUES", "eidas1")}
    OIDC_CREATE_USER = env_bool("ANCRAGE_OIDC_CREATE_USER", True)
    for _name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        if not globals()[f"OIDC_OP_{_name}_ENDPOINT"]:
            raise ImproperlyConfigured(
                f"ANCRAGE_OIDC_RP_CLIENT_ID est défini : ANCRAGE_OIDC_OP_{_name}_ENDPOINT "
                "doit l'être aussi (voir docs/web.md)."
            )

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("ANCRAGE_STATIC_ROOT", None) or DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic` (done by `ancrage serve`); development
        # and tests serve straight from the apps' static folders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

_email_host = env_str("EMAIL_HOST", "")
if _email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email_host
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ancrage <ne-pas-repondre@ancrage.invalid>")

# django-dsfr: the future behaviour (mark optional fields, not required ones).
DSFR_MARK_OPTIONAL_FIELDS = True

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ANCRAGE_SECURE_SSL_REDIRECT", True)
    # Load balancers probe over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("ANCRAGE_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("ANCRAGE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ANCRAGE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ANCRAGE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        # Opting out of the preload list is a deliberate choice, not an oversight.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ANCRAGE_LOG_LEVEL", "WARNING")},
}
