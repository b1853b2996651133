"""The indicator sections of the buyer page (registered with ``register_buyer_section``).

Query string (shareable URLs): ``territoire`` (``departement`` by default, ``commune``, ``epci``,
``region``, ``rayon:30``, or ``communes`` with ``communes=35238,35288``, a list of INSEE codes)
and ``annee_indicateurs`` (the most recent year by default).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import duckdb
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from ancrage.enrichment import Territory, TerritoryError
from ancrage.indicators import get
from ancrage.web.observatory import charts, indicator_context, indicator_data, maps, supplier_data
from ancrage.web.observatory.indicator_context import BREAKDOWN_IDS, TREND_IDS
from ancrage.web.observatory.queries import FAMILY_LABELS, QueryError
from ancrage.web.observatory.sections import register_buyer_section
from ancrage.web.observatory.warehouse import memo

SUPPLIERS_SHOWN = 20
# Beyond a few hundred circles a map is unreadable (and heavy): the largest amounts are drawn.
MAP_POINTS = 400
DIMENSIONS = {
    "family": "Famille d'achat",
    "cpv_division": "Division CPV",
    "procedure": "Procédure",
}
TERRITORY_CHOICES = [
    ("commune", "Même commune que l'acheteur"),
    ("epci", "Même EPCI (intercommunalité)"),
    ("departement", "Même département (par défaut)"),
    ("region", "Même région"),
    ("rayon", "Rayon autour de l'acheteur (km)"),
]
CUSTOM_CHOICE = ("communes", "Liste de communes (codes INSEE)")


def selection(request: HttpRequest, allow_custom: bool = True) -> Territory:
    """The territory of the query string (French ``QueryError`` when unreadable).

    The form sends the radius and the list of communes in their own fields (``rayon_km``,
    ``communes``); ``communes`` alone also selects the list.
    """
    text = request.GET.get("territoire", "").strip()
    communes = request.GET.get("communes", "").strip()
    if text == "rayon":
        text = f"rayon:{request.GET.get('rayon_km', '').strip() or '30'}"
    elif text == "communes" or (not text and communes):
        text = f"communes:{communes}"
    try:
        territory = indicator_data.parse_territory(text)
    except TerritoryError as error:
        raise QueryError(str(error)) from None
    if territory.kind == "custom" and not allow_custom:
        raise QueryError(
            "Une liste de communes ne s'applique qu'à la page d'un acheteur : sur une page de "
            "territoire, choisissez commune, EPCI, département, région ou rayon."
        )
    return territory


def year_of(request: HttpRequest, rows: list[dict[str, Any]]) -> int | None:
    text = request.GET.get("annee_indicateurs", "").strip()
    if not text:
        return indicator_context.default_year(rows)
    try:
        return int(text)
    except ValueError:
        raise QueryError("Le paramètre « annee_indicateurs » doit être une année.") from None


def cpv_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute("SELECT division, label FROM ref_cpv WHERE level = 1").fetchall()
    except duckdb.Error:
        return {}
    return {division: f"{division} — {label}" for division, label in rows}


def territory_form(territory: Territory, allow_custom: bool = True) -> dict[str, Any]:
    kind = {"radius": "rayon", "custom": "communes"}.get(territory.kind, territory.kind)
    radius = f"{territory.value:g}" if territory.kind == "radius" else "30"
    communes = ", ".join(territory.value) if territory.kind == "custom" else ""  # type: ignore[arg-type]
    choices = [*TERRITORY_CHOICES, CUSTOM_CHOICE] if allow_custom else TERRITORY_CHOICES
    return {
        "choices": choices,
        "kind": kind,
        "radius": radius,
        "custom": allow_custom,
        "communes": communes,
    }


def _points(suppliers: list[dict[str, Any]]) -> list[maps.Point]:
    points = []
    for s in suppliers:
        if s["latitude"] is None or s["longitude"] is None:
            continue
        label = f"{s['display_name']} — {s['locality_label']}"
        if s["amount"] is not None:
            label += f" — {charts.number_fr(s['amount'], 0)} € HT"
        weight = s["amount"] if s["amount"] is not None else 0.0
        points.append(maps.Point(s["longitude"], s["latitude"], label, s["local"], weight))
    return points


def supplier_maps(
    place: dict[str, Any] | None, territory: Territory, suppliers: list[dict[str, Any]]
) -> dict[str, Any]:
    """Two SVG maps (France or the buyer's overseas département, and a zoom) and their summary."""
    located = _points(suppliers)
    points = sorted(located, key=lambda p: -p.weight)[:MAP_POINTS]
    centre = None
    departement = place.get("departement") if place else None
    if place and place.get("latitude") is not None:
        centre = maps.Point(place["longitude"], place["latitude"], f"Acheteur : {place['name']}")
    features = maps.outlines("departements")
    if territory.kind == "region" and place and place.get("region"):
        highlight = [c for c, f in features.items() if f["region"] == place["region"]]
    else:
        highlight = [departement] if departement else []
    wide = maps.Frame.around([departement]) if maps.is_overseas(departement) else maps.metro_frame()
    zoom = maps.Frame.around(highlight or ([departement] if departement else []), margin=0.35)
    outside = sum(1 for p in points if not wide.contains(p.lon, p.lat))
    summary = supplier_data.locality_summary(suppliers)
    unlocated = sum(1 for s in suppliers if s["latitude"] is None)
    text = (
        f"{len(suppliers)} titulaires ; parts de contrats : "
        f"{charts.number_fr(summary['local'])} locales, "
        f"{charts.number_fr(summary['not_local'])} non locales, "
        f"{charts.number_fr(summary['unknown'])} non déterminées. "
        f"{unlocated} titulaire(s) sans position connue et {outside} hors du cadre de la carte "
        "(outre-mer ou étranger) ne sont pas dessinés."
    )
    if len(located) > MAP_POINTS:
        text += f" Seuls les {MAP_POINTS} titulaires aux plus gros montants sont dessinés."
    title = "Carte des titulaires de l'acheteur"
    return {
        "wide": maps.points_map(
            wide, points, title=title, desc=text, centre=centre, highlight=highlight
        ),
        "zoom": maps.points_map(
            zoom,
            points,
            title="Carte du territoire de l'acheteur et des titulaires proches",
            desc=text,
            centre=centre,
            highlight=highlight,
        )
        if highlight
        else None,
        "text": text,
        "attribution": maps.ATTRIBUTION,
    }


def trend_charts(years: list[int], lines: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    labels = [str(y) for y in years]
    for indicator_id in TREND_IDS:
        values = indicator_context.trend_series(lines, indicator_id)
        if not values or all(v is None for v in values):
            continue
        ind = get(indicator_id)
        text = "Évolution par année : " + ", ".join(
            f"{y} : {'non disponible' if v is None else charts.number_fr(v) + ' %'}"
            for y, v in zip(labels, values, strict=True)
        )
        if ind.target is not None:
            text += f". Objectif national : {charts.number_fr(ind.target, 0)} %."
        svg = charts.line_chart(
            labels,
            [charts.Series(ind.label, values)],
            unit="%",
            title=ind.label,
            desc=text,
            target=ind.target,
            y_max=100.0,
            height=200,
        )
        out.append({"id": indicator_id, "label": ind.label, "svg": svg, "text": text})
    return out


def buyer_context(
    request: HttpRequest, buyer: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> dict[str, Any]:
    """Everything the indicator sections show for one buyer, territory and year."""
    siret = buyer["siret"]
    territory = selection(request)
    rows = indicator_data.buyer_rows(con, siret, territory)
    year = year_of(request, rows)
    years, lines = indicator_context.trend_table(rows)
    groups = indicator_context.cards_by_theme(rows, year)
    all_cards = {c["id"]: c for g in groups for c in g["cards"]}
    pnad = []
    for indicator_id in indicator_context.PNAD_IDS:
        c = all_cards.get(indicator_id)
        if c and c.get("target") is not None:
            c = {**c, "svg": charts.progress(c["value"], c["target"], label=c["label"])}
            pnad.append(c)
    year_rows = [r for r in rows if r["year"] == year and r["category"] is None]
    peer_group = next((r["peer_group"] for r in year_rows if r.get("peer_group")), None)
    distance = indicator_context.category_rows(rows, "distance_distribution", year)
    cross = indicator_context.category_rows(rows, "local_share_by_responsible", year)
    quality = indicator_context.category_rows(rows, "data_quality", year)
    labels = {"family": FAMILY_LABELS, "cpv_division": cpv_labels(con), "procedure": {}}
    breakdowns = []
    for dimension, title in DIMENSIONS.items():
        raw = indicator_data.buyer_breakdown(con, siret, territory, dimension, BREAKDOWN_IDS)
        columns, blines = indicator_context.breakdown_table(raw, dimension, year, labels[dimension])
        breakdowns.append({"id": dimension, "title": title, "columns": columns, "lines": blines})
    suppliers = supplier_data.buyer_suppliers(con, siret, territory, year)
    place = supplier_data.buyer_place(con, siret)
    params = indicator_data.territory_query(territory)
    if year is not None:
        params["annee_indicateurs"] = str(year)
    return {
        "siret": siret,
        "territory": territory,
        "territory_label": territory.label,
        "territory_form": territory_form(territory),
        "year": year,
        "years": years,
        "groups": groups,
        "pnad": pnad,
        "peer_group": indicator_context.peer_group_label(peer_group),
        "trend_years": years,
        "trend_lines": lines,
        "trend_charts": trend_charts(years, lines),
        "distance": distance,
        "distance_svg": _category_chart(distance, "Répartition des titulaires par distance"),
        "cross": cross,
        "cross_svg": _category_chart(cross, "Part locale selon les considérations responsables"),
        "quality": quality,
        "breakdowns": breakdowns,
        "suppliers": suppliers[:SUPPLIERS_SHOWN],
        "supplier_total": len(suppliers),
        "place": place,
        "maps": supplier_maps(place, territory, suppliers),
        "params": params,
        "query": urlencode(params),
        # Territory pages take no list of communes: their links keep the default definition.
        "territory_link": "departement" if territory.kind == "custom" else params["territoire"],
        "custom": territory.kind == "custom",
        "stored": territory.kind != "custom" and indicator_data.values_source(con, territory)[1],
    }


def _category_chart(rows: list[dict[str, Any]], title: str) -> str | None:
    if not rows or all(r["value"] is None for r in rows):
        return None
    bars = [(r["category_label"], r["value"]) for r in rows]
    text = "; ".join(
        f"{label} : {'non disponible' if v is None else charts.number_fr(v) + ' %'}"
        for label, v in bars
    )
    return charts.bar_chart(bars, unit="%", title=title, desc=text, x_max=100.0)


# Rendered sections by (snapshot, buyer, query string): the figures of a snapshot never change,
# and building a section costs tens of milliseconds. The snapshot is part of the key (see
# ``warehouse.memo``); the oldest entries go first. One cache per process.
SECTION_CACHE_SIZE = 512


@register_buyer_section
def indicators_section(
    request: HttpRequest, buyer: dict[str, Any], con: duckdb.DuckDBPyConnection
) -> str:
    key = (
        buyer["siret"],
        *(request.GET.get(name, "") for name in ("territoire", "rayon_km", "communes")),
        request.GET.get("annee_indicateurs", ""),
    )
    return memo(con, "buyer_section", key, lambda: _render(request, buyer, con), SECTION_CACHE_SIZE)


def _render(request: HttpRequest, buyer: dict[str, Any], con: duckdb.DuckDBPyConnection) -> str:
    try:
        context = buyer_context(request, buyer, con)
    except QueryError as error:
        return render_to_string(
            "observatory/indicators/section_error.html", {"error": error}, request=request
        )
    context["export_base"] = reverse("buyer_indicator_export", args=[buyer["siret"], "synthese"])
    return render_to_string("observatory/indicators/buyer_section.html", context, request=request)
