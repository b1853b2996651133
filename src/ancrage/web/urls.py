"""Root URLs: public observatory, accounts, private space, API, health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from ancrage.web.accounts import views_auth, views_workspace
from ancrage.web.api.core import api
from ancrage.web.health import healthz


def api_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse({"message": f"Point d'accès inconnu : /api/{rest}"}, status=404)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("espace/", include((views_workspace.urlpatterns, "espace"))),
    path("espace/", include("ancrage.web.consultations.urls")),
    path("referentiel/", include("ancrage.web.referentiel.views")),
    path("", include(views_auth.urlpatterns)),
    path("admin/", admin.site.urls),
    path("", include("ancrage.web.observatory.urls")),
]
if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

handler404 = "ancrage.web.errors.not_found"
handler403 = "ancrage.web.errors.forbidden"
handler500 = "ancrage.web.errors.server_error"
