"""Public pages: home with search and national figures, buyer list, buyer page, supplier page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ancrage.web.observatory import exports, indicator_sections, queries  # noqa: F401 (registers)
from ancrage.web.observatory.sections import render_buyer_sections
from ancrage.web.observatory.warehouse import connection, memo, snapshot_id

PAGE_SIZE = 20


def _int(request: HttpRequest, name: str, default: int | None) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise queries.QueryError(f"Le paramètre « {name} » doit être un nombre entier.") from None


def _bad_request(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(
        request, "observatory/error.html", {"title": "Requête invalide", "error": error}, status=400
    )


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export")
    if fmt and fmt not in exports.FORMATS:
        raise queries.QueryError("Format d'export inconnu : choisissez csv ou xlsx.")
    return fmt


def _check_export_size(total: int) -> None:
    if total > exports.EXPORT_MAX_ROWS:
        raise queries.QueryError(
            f"L'export compterait {total} lignes, au-delà de la limite de "
            f"{exports.EXPORT_MAX_ROWS} : ajoutez des filtres ou utilisez l'API."
        )


def home(request: HttpRequest) -> HttpResponse:
    con = connection()
    top = memo(con, "search", ("", "", 1, 10), lambda: queries.search_buyers(con, page_size=10))
    return render(
        request,
        "observatory/home.html",
        {
            "title": "Accueil",
            "figures": memo(con, "national", None, lambda: queries.national_figures(con)),
            "top_buyers": top.rows,
            "snapshot": snapshot_id(),
        },
    )


def buyer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    departement = request.GET.get("departement", "").strip()
    con = connection()
    try:
        fmt = _export_format(request)
        if fmt:
            total = queries.search_buyers(con, q, departement, page_size=1).total
            _check_export_size(total)
            rows = queries.search_buyers(con, q, departement, limit=total).rows
            return exports.export_response(
                fmt, "acheteurs", exports.BUYER_COLUMNS, rows, "Acheteurs"
            )
        number = _int(request, "page", 1)
        page = memo(
            con,
            "search",
            (q, departement, number, PAGE_SIZE),
            lambda: queries.search_buyers(con, q, departement, number, PAGE_SIZE),
        )
    except queries.QueryError as error:
        return _bad_request(request, error)
    return render(
        request,
        "observatory/buyer_list.html",
        {
            "title": f"Acheteurs — « {q} »" if q else "Acheteurs",
            "q": q,
            "departement": departement,
            "page": page,
            "breadcrumb_data": {"links": [], "current": "Acheteurs"},
        },
    )


def _contract_filters(request: HttpRequest) -> queries.ContractFilters:
    return queries.ContractFilters(
        year=_int(request, "annee", None),
        family=request.GET.get("famille") or None,
        procedure=request.GET.get("procedure") or None,
        q=request.GET.get("objet") or None,
    )


def buyer_detail(request: HttpRequest, siret: str) -> HttpResponse:
    con = connection()
    buyer = memo(con, "buyer_summary", siret, lambda: queries.buyer_summary(con, siret), 1024)
    if buyer is None:
        raise Http404("Acheteur introuvable dans les données.")
    try:
        filters = _contract_filters(request)
        fmt = _export_format(request)
        if fmt:
            total = queries.buyer_contracts(con, siret, filters, page_size=1).total
            _check_export_size(total)
            rows = queries.buyer_contracts(con, siret, filters, limit=total).rows
            return _contracts_export(fmt, f"marches-{siret}", rows)
        number = _int(request, "page", 1)
        page = memo(
            con,
            "buyer_contracts",
            (siret, filters.key(), number, PAGE_SIZE),
            lambda: queries.buyer_contracts(con, siret, filters, number, PAGE_SIZE),
        )
    except queries.QueryError as error:
        return _bad_request(request, error)
    label = buyer["name"] or f"Acheteur {siret}"
    return render(
        request,
        "observatory/buyer_detail.html",
        {
            "title": label,
            "label": label,
            "buyer": buyer,
            "filters": filters,
            "facets": memo(
                con, "buyer_facets", siret, lambda: queries.buyer_facets(con, siret), 1024
            ),
            "families": queries.FAMILY_LABELS,
            "page": page,
            "contracts": list(exports.contract_rows(page.rows)),
            "sections": render_buyer_sections(request, buyer, con),
            "breadcrumb_data": {
                "links": [{"url": reverse("buyer_list"), "title": "Acheteurs"}],
                "current": label,
            },
        },
    )


def _contracts_export(fmt: str, filename: str, rows: list) -> HttpResponse:
    """A list of contracts as CSV or XLSX, the same columns wherever it is exported from."""
    return exports.export_response(
        fmt, filename, exports.CONTRACT_COLUMNS, exports.contract_rows(rows), "Marchés"
    )


def supplier_detail(request: HttpRequest, supplier_id: str) -> HttpResponse:
    con = connection()
    supplier = queries.supplier_summary(con, supplier_id)
    if supplier is None:
        raise Http404("Fournisseur introuvable dans les données.")
    try:
        fmt = _export_format(request)
        if fmt:
            total = supplier["contract_count"]
            _check_export_size(total)
            rows = queries.supplier_contracts(con, supplier_id, limit=total).rows
            return _contracts_export(fmt, "marches-fournisseur", rows)
        page = queries.supplier_contracts(con, supplier_id, _int(request, "page", 1), PAGE_SIZE)
    except queries.QueryError as error:
        return _bad_request(request, error)
    label = supplier["name"] or f"Fournisseur {supplier_id}"
    return render(
        request,
        "observatory/supplier_detail.html",
        {
            "title": label,
            "label": label,
            "supplier": supplier,
            "buyers": queries.supplier_buyers(con, supplier_id),
            "page": page,
            "contracts": list(exports.contract_rows(page.rows)),
            "breadcrumb_data": {"links": [], "current": label},
        },
    )
