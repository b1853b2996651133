"""Public pages of the référentiel: search with filters, one page per entry, downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from ancrage.clauses import KIND_LABELS, PILLAR_LABELS
from ancrage.compliance import RULES
from ancrage.web.referentiel import catalogue

app_name = "referentiel"
PAGE_SIZE = 20
# format -> (content type, file name)
DOWNLOADS = {
    "json": ("application/json", "referentiel-ancrage.json"),
    "csv": ("text/csv; charset=utf-8", "referentiel-ancrage.csv"),
    "html": ("text/html; charset=utf-8", "clausier-ancrage.html"),
    "pdf": ("application/pdf", "clausier-ancrage.pdf"),
}
_EXPORTS = {
    "json": catalogue.export_json,
    "csv": catalogue.export_csv,
    "html": catalogue.export_html,
    "pdf": catalogue.export_pdf,
}


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1").strip() or "1"
    if not raw.isdigit():
        raise catalogue.CatalogueError(f"Numéro de page invalide : « {raw} ».")
    return int(raw)


def entry_list(request: HttpRequest) -> HttpResponse:
    library = catalogue.library()
    raw = {key: request.GET.get(param, "") for key, param in _PARAMS.items()}
    context = {
        "title": "Référentiel de critères et clauses",
        "raw": raw,
        "families": catalogue.family_choices(library),
        "kinds": list(KIND_LABELS.items()),
        "pillars": list(PILLAR_LABELS.items()),
        "library_size": len(library),
        "breadcrumb_data": {"links": [], "current": "Référentiel"},
        "downloads": list(DOWNLOADS),
    }
    try:
        filters = catalogue.clean_filters(library, **raw)
        page = catalogue.paginate(
            catalogue.entries(library, filters), _page_number(request), PAGE_SIZE
        )
    except catalogue.CatalogueError as error:
        return render(
            request, "referentiel/list.html", {**context, "error": str(error)}, status=400
        )
    query = {param: raw[key] for key, param in _PARAMS.items() if raw[key]}
    return render(
        request,
        "referentiel/list.html",
        {
            **context,
            "page": page,
            "filtered": any(query.values()),
            "prev_query": urlencode({**query, "page": page.page - 1}),
            "next_query": urlencode({**query, "page": page.page + 1}),
            "family_labels": dict(catalogue.family_choices(library)),
        },
    )


# filter name of ``catalogue.clean_filters`` -> French query parameter of the page
_PARAMS = {"q": "q", "family": "famille", "kind": "type", "pillar": "pilier", "cpv": "cpv"}


def entry_detail(request: HttpRequest, entry_id: str) -> HttpResponse:
    library = catalogue.library()
    try:
        clause = library.get(entry_id)
    except KeyError as error:
        raise Http404(f"Entrée inconnue du référentiel : {entry_id}") from error
    return render(
        request,
        "referentiel/detail.html",
        {
            "title": f"{clause.id} — {clause.title}",
            "clause": clause,
            "family_label": library.family_label(clause.family),
            "means": [catalogue.MEANS_LABELS.get(m, m) for m in clause.verification.means],
            "legal_basis": [(rule, RULES.get(rule, "")) for rule in clause.legal_basis],
            "breadcrumb_data": {
                "links": [{"url": reverse("referentiel:list"), "title": "Référentiel"}],
                "current": clause.id,
            },
        },
    )


def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404(f"Format inconnu : {fmt} (json, csv, html ou pdf).")
    content_type, filename = DOWNLOADS[fmt]
    response = HttpResponse(_EXPORTS[fmt](), content_type=content_type)
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


urlpatterns = [
    path("", entry_list, name="list"),
    path("telecharger/<str:fmt>/", download, name="download"),
    path("<str:entry_id>/", entry_detail, name="detail"),
]
