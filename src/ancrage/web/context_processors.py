"""Template context shared by every page: site identity for the DSFR header and footer."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# Stands in for django-dsfr's database-backed DsfrConfig: the identity is fixed, and reading it
# from the database on every request would cost a query per page for nothing.
SITE_CONFIG = {
    "site_title": "Ancrage",
    "site_tagline": "Achat public local et responsable",
    "header_brand": "République française",
    "header_brand_html": "République<br>française",
    "footer_brand": "République française",
    "footer_brand_html": "République<br>française",
    "footer_description": (
        "Ancrage aide les acheteurs publics à pratiquer un achat local et responsable et à le "
        "mesurer, à partir des données essentielles de la commande publique (DECP)."
    ),
    "beta_tag": True,
}


def site(request: HttpRequest) -> dict:
    return {"SITE_CONFIG": SITE_CONFIG, "OIDC_ENABLED": settings.OIDC_ENABLED}
