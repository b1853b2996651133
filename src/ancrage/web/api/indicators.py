"""Indicator endpoints of the API: a buyer's indicators and a territory's, public and read-only.

Same figures as the pages (``ancrage.web.observatory.indicator_data``): values of
``indicator_values`` when it holds the territory definition asked for, computed otherwise.
Paginated like the other public endpoints (``page``, ``page_size`` ≤ 100); errors are JSON with a
French ``message``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from ancrage.enrichment import TerritoryError
from ancrage.web.api.schemas import Error
from ancrage.web.observatory import indicator_data, queries
from ancrage.web.observatory.indicator_views import labelled
from ancrage.web.observatory.territories import KINDS, identity, territory_rows
from ancrage.web.observatory.warehouse import connection, memo

router = Router(tags=["Indicateurs"])
ERRORS = {400: Error, 404: Error, 422: Error}
TERRITORY_HELP = (
    "Définition du « local » : commune, epci, departement (défaut), region, radius:KM "
    "(rayon:KM accepté) ou, pour un acheteur, une liste de communes communes:CODE,CODE "
    "(codes INSEE ; valeurs calculées sur ses seuls marchés, sans comparaison aux pairs)"
)


class IndicatorValue(Schema):
    id: str = Field(description="Identifiant de l'indicateur (voir /indicateurs/).")
    label: str
    year: int | None = Field(None, description="Année de notification ; null = date inconnue.")
    category: str | None = None
    category_label: str | None = None
    value: float | None = Field(None, description="null = non disponible (voir reason), jamais 0.")
    numerator: float | None = None
    denominator: float | None = None
    unit: str
    target: float | None = None
    gap: float | None = None
    available: bool
    reason: str | None = None
    peer_group: str | None = None
    peer_median: float | None = None
    peer_percentile: float | None = None
    peer_count: int | None = None


class TerritoryDefinition(Schema):
    spec: str = Field(description="Forme texte, par exemple « departement » ou « radius:30 ».")
    label: str


class IndicatorPage(Schema):
    subject: dict[str, Any] = Field(description="L'acheteur ou le territoire concerné.")
    territory: TerritoryDefinition
    year: int | None
    source: str = Field(description="« indicator_values » (précalculé) ou « calcul ».")
    count: int
    page: int
    page_size: int
    pages: int
    results: list[IndicatorValue]


def _territory(text: str | None) -> indicator_data.Territory:
    try:
        return indicator_data.parse_territory(text)
    except TerritoryError as error:
        raise queries.QueryError(str(error)) from None


def _page(
    subject: dict[str, Any],
    territory: indicator_data.Territory,
    rows: list[dict[str, Any]],
    year: int | None,
    source: str,
    page: int,
    page_size: int,
) -> dict[str, Any]:
    page, page_size = queries.check_page(page, page_size)
    if year is not None:
        rows = [r for r in rows if r["year"] == year]
    total = len(rows)
    start = (page - 1) * page_size
    results = [{**r, "id": r["indicator_id"]} for r in labelled(rows[start : start + page_size])]
    return {
        "subject": subject,
        "territory": {"spec": str(territory), "label": territory.label},
        "year": year,
        "source": source,
        "count": total,
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-total // page_size)),
        "results": results,
    }


def _buyer_name(con, siret: str) -> str | None:
    """The buyer's name from the directory of the connection (404 if the buyer is unknown).

    ``queries.buyer_summary`` would also sum the buyer's contracts: not needed here, and about
    80 ms for the largest buyer of a national warehouse.
    """
    if queries.exists(con, queries.DIRECTORY):
        row = con.execute(
            f"SELECT name FROM {queries.DIRECTORY} WHERE buyer_id = ?", [siret]
        ).fetchone()
        if row is not None:
            return row[0]
    buyer = queries.buyer_summary(con, siret)
    if buyer is None:
        raise Http404(f"Acheteur {siret} introuvable dans les données.")
    return buyer["name"]


@router.get(
    "/buyers/{siret}/indicators",
    response={200: IndicatorPage, **ERRORS},
    summary="Indicateurs d'un acheteur",
)
def buyer_indicators(
    request: HttpRequest,
    siret: str,
    year: int | None = Query(None, description="Année de notification (toutes si absente)"),
    territory: str = Query("departement", description=TERRITORY_HELP),
    page: int = 1,
    page_size: int = 100,
):
    con = connection()
    queries.check_page(page, page_size)
    parsed = _territory(territory)
    name = _buyer_name(con, siret)
    rows = memo(
        con,
        "buyer_rows",
        (siret, str(parsed)),
        lambda: indicator_data.buyer_rows(con, siret, parsed),
        1024,
    )
    stored = parsed.kind != "custom" and indicator_data.values_source(con, parsed)[1]
    subject = {"siret": siret, "name": name}
    source = "indicator_values" if stored else "calcul"
    return _page(subject, parsed, rows, year, source, page, page_size)


@router.get(
    "/territories/{kind}/{code}/indicators",
    response={200: IndicatorPage, **ERRORS},
    summary="Indicateurs d'un territoire (département, région, EPCI)",
)
def territory_indicators(
    request: HttpRequest,
    kind: str,
    code: str,
    year: int | None = Query(None, description="Année de notification (toutes si absente)"),
    territory: str = Query("departement", description=TERRITORY_HELP),
    page: int = 1,
    page_size: int = 100,
):
    if kind not in KINDS:
        raise queries.QueryError(
            f"Type de territoire inconnu : {kind!r} (departement, region ou epci)."
        )
    con = connection()
    queries.check_page(page, page_size)
    parsed = _territory(territory)
    if parsed.kind == "custom":
        raise queries.QueryError(
            "Une liste de communes ne s'applique qu'aux indicateurs d'un acheteur."
        )
    ident = identity(con, kind, code)
    if ident is None:
        raise Http404(f"Territoire {kind} {code} inconnu.")
    rows = territory_rows(con, kind, code, parsed)
    subject = {"kind": kind, "code": code, "name": ident["name"]}
    return _page(subject, parsed, rows, year, "calcul", page, page_size)
