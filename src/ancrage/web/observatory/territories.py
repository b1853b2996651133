"""Territory pages (département, région, EPCI): indicators over the territory's buyers.

The indicators are computed by the engine on the contracts of the buyers located in the
territory (so medians and concentrations are real ones, not averages of buyers). The choropleth
and the ranking read the per-buyer values; a place's value on the map is Σ numerators /
Σ denominators of its buyers, which is why only additive indicators can be mapped.

Query string: ``territoire`` (definition of "local" for each buyer), ``annee_indicateurs``,
``indicateur`` (mapped and ranked), ``export`` + ``tableau`` (indicateurs, classement, carte).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import duckdb
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ancrage.indicators import get
from ancrage.web.observatory import charts, exports, indicator_context, indicator_data, maps
from ancrage.web.observatory.indicator_sections import (
    selection,
    territory_form,
    trend_charts,
    year_of,
)
from ancrage.web.observatory.indicator_views import ROW_COLUMNS, labelled
from ancrage.web.observatory.queries import QueryError
from ancrage.web.observatory.warehouse import connection, memo

KINDS = {"departement": "Département", "region": "Région", "epci": "EPCI"}
MAP_CHOICES = (
    "social_share",
    "environmental_share",
    "local_share",
    "local_share_amount",
    "sme_share",
    "social_economy_share",
    "inclusive_supplier_share_amount",
    "single_bid_rate",
)
RANKED_SHOWN = 50


def territory_rows(
    con: duckdb.DuckDBPyConnection, kind: str, code: str, territory: indicator_data.Territory
) -> list[dict[str, Any]]:
    """``indicator_data.territory_rows``, kept per snapshot (callers must not mutate them): the
    engine query over every contract of a territory is the page's main cost."""
    return memo(
        con,
        "territory_rows",
        (kind, code, str(territory)),
        lambda: indicator_data.territory_rows(con, kind, code, territory),
    )


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict[str, Any] | None:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


def identity(con: duckdb.DuckDBPyConnection, kind: str, code: str) -> dict[str, Any] | None:
    """Name, région (code and name) and the départements of a territory (reference tables)."""
    row = _identity(con, kind, code)
    if row is not None:
        name = con.execute("SELECT name FROM ref_regions WHERE code = ?", [row.get("region")])
        found = name.fetchone()
        row["region_name"] = found[0] if found else None
    return row


def _identity(con: duckdb.DuckDBPyConnection, kind: str, code: str) -> dict[str, Any] | None:
    if kind == "departement":
        row = _one(con, "SELECT code, name, region FROM ref_departements WHERE code = ?", [code])
        return row and {**row, "departements": [code]}
    if kind == "region":
        row = _one(con, "SELECT code, name, code AS region FROM ref_regions WHERE code = ?", [code])
        if row:
            depts = con.execute(
                "SELECT code FROM ref_departements WHERE region = ? ORDER BY code", [code]
            ).fetchall()
            row["departements"] = [d[0] for d in depts]
        return row
    if kind == "epci":
        row = _one(con, "SELECT siren AS code, name FROM ref_epci WHERE siren = ?", [code])
        if row:
            depts = con.execute(
                "SELECT c.departement, any_value(c.region), count(*) FROM ref_epci_members m "
                "JOIN ref_communes c ON c.code = m.commune_code WHERE m.epci_siren = ? "
                "GROUP BY 1 ORDER BY 3 DESC",
                [code],
            ).fetchall()
            row["departements"] = [d[0] for d in depts]
            row["region"] = depts[0][1] if depts else None
        return row
    return None


def ranked_buyers(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    code: str,
    indicator_id: str,
    year: int | None,
    territory: indicator_data.Territory,
) -> list[dict[str, Any]]:
    """The territory's buyers with their value of ``indicator_id``, best value first."""
    table, _ = indicator_data.values_source(con, territory)
    places = indicator_data.ensure_places(con)
    ind = get(indicator_id)
    order = "DESC" if ind.higher_is_better is not False else "ASC"
    cursor = con.execute(
        f"""SELECT p.buyer_id, p.name, p.commune_name, p.contract_count, v.value, v.numerator,
                   v.denominator, v.peer_percentile
            FROM {places} p LEFT JOIN {table} v
              ON v.buyer_id = p.buyer_id AND v.indicator_id = ? AND v.year IS NOT DISTINCT FROM ?
             AND v.category IS NULL AND v.territory = ?
            WHERE p.{kind} = ?
            ORDER BY v.value {order} NULLS LAST, p.contract_count DESC, p.buyer_id""",
        [indicator_id, year, str(territory), code],
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank if row["value"] is not None else None
        row["value_text"] = indicator_context.format_value(row["value"], ind.unit)
    return rows


def choropleth(
    con: duckdb.DuckDBPyConnection,
    ident: dict[str, Any],
    kind: str,
    indicator_id: str,
    year: int | None,
    territory: indicator_data.Territory,
) -> dict[str, Any]:
    """The départements of the territory's région coloured by ``indicator_id``."""
    region = ident.get("region")
    values = indicator_data.aggregated_by_place(
        con, "departement", indicator_id, year, territory, within=("region", region)
    )
    features = maps.outlines("departements")
    codes = [c for c, f in features.items() if f["region"] == region] or ident["departements"]
    shown = {c: (values.get(c) or {}).get("value") for c in codes}
    ind = get(indicator_id)
    rows = [
        {
            "code": c,
            "name": features[c]["name"] if c in features else c,
            "value_text": indicator_context.format_value(shown[c], ind.unit),
            "numerator": (values.get(c) or {}).get("numerator"),
            "denominator": (values.get(c) or {}).get("denominator"),
            "detail": "{} / {}".format(
                indicator_context.quantity((values.get(c) or {}).get("numerator"), ind.id),
                indicator_context.quantity((values.get(c) or {}).get("denominator"), ind.id),
            ),
            "buyers": (values.get(c) or {}).get("buyers", 0),
            "value": shown[c],
        }
        for c in codes
    ]
    text = f"{ind.label}, {year}, par département de la région : " + "; ".join(
        f"{r['name']} {r['value_text']}" for r in rows
    )
    highlight = ident["code"] if kind == "departement" else None
    frame = maps.Frame.around(codes, margin=0.08)
    area, area_text = None, None
    if kind == "epci":
        area, area_text = epci_area(con, ident)
        if area is not None:
            text += ". " + area_text
            # Zoom on the EPCI's départements: an EPCI is small on the map of its région.
            frame = maps.Frame.around(ident["departements"] or codes, margin=0.35)
    svg = maps.choropleth(
        shown,
        level="departements",
        frame=frame,
        unit=ind.unit,
        title=f"Carte : {ind.label}",
        desc=text,
        highlight=highlight,
        area=area,
    )
    return {
        "svg": svg,
        "rows": rows,
        "text": text,
        "area_text": area_text,
        "attribution": maps.ATTRIBUTION,
    }


def epci_area(
    con: duckdb.DuckDBPyConnection, ident: dict[str, Any]
) -> tuple[maps.PointArea | None, str | None]:
    """An EPCI drawn by its member communes: the reference tables give each commune a point (its
    town hall, else its centre) but no outline, so the map shows the points and their convex
    hull, and says that the hull only approximates the EPCI's territory."""
    rows = con.execute(
        "SELECT c.longitude, c.latitude FROM ref_epci_members m "
        "JOIN ref_communes c ON c.code = m.commune_code "
        "WHERE m.epci_siren = ? AND c.latitude IS NOT NULL AND c.longitude IS NOT NULL",
        [ident["code"]],
    ).fetchall()
    members = con.execute(
        "SELECT count(*) FROM ref_epci_members WHERE epci_siren = ?", [ident["code"]]
    ).fetchone()[0]
    if not rows:
        return None, None
    count = len(rows)
    label = f"{ident['name']} : ses {count} communes membres et leur enveloppe"
    text = (
        f"Les données de référence n'ont pas le contour des EPCI : {ident['name']} est dessiné "
        f"par ses {count} communes membres (point de la mairie, à défaut centre de la commune) "
        "et par l'enveloppe convexe de ces points, en pointillés rouges, qui n'est qu'une "
        "approximation de son territoire"
    )
    if members > count:
        text += f" ({members - count} commune(s) sans position connue ne sont pas dessinées)"
    return maps.PointArea(tuple((lon, lat) for lon, lat in rows), label), text + "."


def _indicator_choice(request: HttpRequest) -> str:
    choice = request.GET.get("indicateur", "social_share")
    if choice not in MAP_CHOICES:
        raise QueryError(
            f"Indicateur non cartographiable : {choice!r}. Choix possibles : "
            + ", ".join(MAP_CHOICES)
            + "."
        )
    return choice


def _bad_request(request: HttpRequest, error: Exception) -> HttpResponse:
    return render(
        request, "observatory/error.html", {"title": "Requête invalide", "error": error}, status=400
    )


def territory_index(request: HttpRequest) -> HttpResponse:
    con = connection()
    places = indicator_data.ensure_places(con)
    counts = dict(con.execute(f"SELECT departement, count(*) FROM {places} GROUP BY 1").fetchall())
    regions = con.execute("SELECT code, name FROM ref_regions ORDER BY name").fetchall()
    depts = con.execute("SELECT code, name, region FROM ref_departements ORDER BY code").fetchall()
    listing = [
        {
            "code": code,
            "name": name,
            "departements": [
                {"code": d, "name": n, "buyers": counts.get(d, 0)} for d, n, r in depts if r == code
            ],
        }
        for code, name in regions
    ]
    return render(
        request,
        "observatory/indicators/territory_index.html",
        {
            "title": "Territoires",
            "regions": [r for r in listing if r["departements"]],
            "breadcrumb_data": {"links": [], "current": "Territoires"},
        },
    )


def territory_detail(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("Type de territoire inconnu.")
    con = connection()
    ident = memo(con, "territory_identity", (kind, code), lambda: identity(con, kind, code))
    if ident is None:
        raise Http404("Territoire inconnu.")
    try:
        territory = selection(request, allow_custom=False)
        indicator_id = _indicator_choice(request)
        rows = territory_rows(con, kind, code, territory)
        year = year_of(request, rows)
        fmt = request.GET.get("export")
        if fmt and fmt not in exports.FORMATS:
            raise QueryError("Format d'export inconnu : choisissez csv ou xlsx.")
    except QueryError as error:
        return _bad_request(request, error)
    key = (kind, code, indicator_id, year, str(territory))
    ranked = memo(
        con,
        "territory_ranked",
        key,
        lambda: ranked_buyers(con, kind, code, indicator_id, year, territory),
    )
    carto = memo(
        con,
        "territory_map",
        key,
        lambda: choropleth(con, ident, kind, indicator_id, year, territory),
    )
    if fmt:
        return _export(request, fmt, kind, code, territory, year, rows, ranked, carto)
    years, lines = indicator_context.trend_table(rows)
    groups = indicator_context.cards_by_theme(rows, year)
    pnad = [
        {**c, "svg": charts.progress(c["value"], c["target"], label=c["label"])}
        for g in groups
        for c in g["cards"]
        if c["id"] in indicator_context.PNAD_IDS and c.get("target") is not None
    ]
    params = {"territoire": indicator_data.territory_param(territory), "indicateur": indicator_id}
    if year is not None:
        params["annee_indicateurs"] = str(year)
    label = f"{KINDS[kind]} : {ident['name']}"
    return render(
        request,
        "observatory/indicators/territory_detail.html",
        {
            "title": label,
            "label": label,
            "kind": kind,
            "ident": ident,
            "territory_label": territory.label,
            "territory_form": territory_form(territory, allow_custom=False),
            "extra_hidden": {"indicateur": indicator_id},
            "year": year,
            "years": years,
            "groups": groups,
            "pnad": pnad,
            "trend_years": years,
            "trend_lines": lines,
            "trend_charts": trend_charts(years, lines),
            "indicator": get(indicator_id),
            "map_choices": [(i, get(i).label) for i in MAP_CHOICES],
            "carto": carto,
            "ranked": ranked[:RANKED_SHOWN],
            "ranked_total": len(ranked),
            "ranked_with_value": sum(1 for r in ranked if r["value"] is not None),
            "query": urlencode(params),
            "breadcrumb_data": {
                "links": [{"url": reverse("territory_index"), "title": "Territoires"}],
                "current": label,
            },
        },
    )


def _export(request, fmt, kind, code, territory, year, rows, ranked, carto) -> HttpResponse:
    table = request.GET.get("tableau", "indicateurs")
    name = f"territoire-{kind}-{code}-{table}-{indicator_data.territory_tag(territory)}"
    if table == "classement":
        columns = [
            ("rank", "Rang"),
            ("buyer_id", "SIRET"),
            ("name", "Acheteur"),
            ("commune_name", "Commune"),
            ("contract_count", "Marchés publiés"),
            ("value", "Valeur"),
            ("numerator", "Numérateur"),
            ("denominator", "Dénominateur"),
            ("peer_percentile", "Rang centile parmi les pairs"),
        ]
        return exports.export_response(fmt, f"{name}-{year}", columns, ranked, "Classement")
    if table == "carte":
        columns = [
            ("code", "Département"),
            ("name", "Nom"),
            ("value", "Valeur"),
            ("numerator", "Numérateur"),
            ("denominator", "Dénominateur"),
            ("buyers", "Acheteurs"),
        ]
        return exports.export_response(fmt, f"{name}-{year}", columns, carto["rows"], "Carte")
    if table != "indicateurs":
        raise Http404("Tableau inconnu.")
    out = [{**r, "territory": str(territory)} for r in labelled(rows)]
    columns = [c for c in ROW_COLUMNS if not c[0].startswith("peer_")]
    return exports.export_response(fmt, name, columns, out, "Indicateurs")
