"""Indicator pages: the catalogue, one definition page per indicator, and the buyer's exports."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ancrage.indicators import BREAKDOWNS, CATALOGUE, get
from ancrage.indicators.base import THEMES
from ancrage.web.observatory import (
    exports,
    indicator_context,
    indicator_data,
    queries,
    supplier_data,
)
from ancrage.web.observatory.indicator_sections import DIMENSIONS, selection, year_of
from ancrage.web.observatory.warehouse import connection

# Columns of every indicator export (French headers, spreadsheet-friendly).
ROW_COLUMNS = [
    ("indicator_id", "Identifiant"),
    ("label", "Indicateur"),
    ("year", "Année de notification"),
    ("category", "Catégorie"),
    ("category_label", "Libellé de la catégorie"),
    ("value", "Valeur"),
    ("numerator", "Numérateur"),
    ("denominator", "Dénominateur"),
    ("unit", "Unité"),
    ("target", "Objectif"),
    ("gap", "Écart à l'objectif"),
    ("available", "Disponible"),
    ("reason", "Raison (si non disponible)"),
    ("peer_group", "Groupe de pairs"),
    ("peer_median", "Médiane des pairs"),
    ("peer_percentile", "Rang centile parmi les pairs"),
    ("peer_count", "Nombre de pairs"),
    ("territory", "Définition du local"),
]
TABLES = ("synthese", "tendance", "ventilations", "titulaires")


def labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the French indicator and category labels to engine rows."""
    out = []
    for row in rows:
        ind = get(row["indicator_id"])
        category = row.get("category")
        label = None
        if category is not None:
            if ind.id == "data_quality":
                label = indicator_context._quality_rule_label(category)
            else:
                label = ind.category_labels.get(category, category)
        out.append({**row, "label": ind.label, "category_label": label})
    return out


def catalogue(request: HttpRequest) -> HttpResponse:
    groups = [
        {"label": label, "indicators": [i for i in CATALOGUE if i.theme == theme]}
        for theme, label in THEMES.items()
    ]
    return render(
        request,
        "observatory/indicators/catalogue.html",
        {
            "title": "Indicateurs",
            "groups": groups,
            "breadcrumb_data": {"links": [], "current": "Indicateurs"},
        },
    )


def definition(request: HttpRequest, indicator_id: str) -> HttpResponse:
    try:
        ind = get(indicator_id)
    except KeyError:
        raise Http404("Indicateur inconnu.") from None
    return render(
        request,
        "observatory/indicators/definition.html",
        {
            "title": ind.label,
            "ind": ind,
            "theme": THEMES[ind.theme],
            "categories": ind.categories,
            "breakdowns": BREAKDOWNS.values(),
            "breadcrumb_data": {
                "links": [{"url": reverse("indicator_catalogue"), "title": "Indicateurs"}],
                "current": ind.label,
            },
        },
    )


def _bad_request(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(
        request, "observatory/error.html", {"title": "Requête invalide", "error": error}, status=400
    )


def buyer_export(request: HttpRequest, siret: str, table: str) -> HttpResponse:
    """CSV or XLSX of one indicator table of a buyer; same query string as the page."""
    if table not in TABLES:
        raise Http404("Tableau inconnu.")
    con = connection()
    if queries.buyer_summary(con, siret) is None:
        raise Http404("Acheteur introuvable dans les données.")
    fmt = request.GET.get("export", "csv")
    try:
        if fmt not in exports.FORMATS:
            raise queries.QueryError("Format d'export inconnu : choisissez csv ou xlsx.")
        territory = selection(request)
        rows = indicator_data.buyer_rows(con, siret, territory)
        year = year_of(request, rows)
    except queries.QueryError as error:
        return _bad_request(request, error)
    suffix = indicator_data.territory_tag(territory)
    name = f"indicateurs-{table}-{siret}-{suffix}"
    if table == "titulaires":
        suppliers = supplier_data.buyer_suppliers(con, siret, territory, year)
        return exports.export_response(
            fmt,
            f"{name}-{year}",
            supplier_data.SUPPLIER_COLUMNS,
            supplier_data.export_rows(suppliers),
            "Titulaires",
        )
    if table == "ventilations":
        out = []
        for dimension, title in DIMENSIONS.items():
            raw = indicator_data.buyer_breakdown(
                con, siret, territory, dimension, indicator_context.BREAKDOWN_IDS
            )
            for row in labelled(raw):
                if year is None or row["year"] == year:
                    out.append({**row, "dimension": title, "dimension_value": row[dimension]})
        columns = [("dimension", "Ventilation"), ("dimension_value", "Valeur de la ventilation")]
        columns += [c for c in ROW_COLUMNS[:8]]
        return exports.export_response(fmt, f"{name}-{year}", columns, out, "Ventilations")
    if table == "synthese":
        rows = [r for r in rows if r["year"] == year]
        name = f"{name}-{year}"
    return exports.export_response(fmt, name, ROW_COLUMNS, labelled(rows), "Indicateurs")
