"""Public, read-only, paginated endpoints over the warehouse."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router

from ancrage.web.api.schemas import BuyerDetail, BuyerPage, ContractPage, Error, SupplierDetail
from ancrage.web.observatory import queries
from ancrage.web.observatory.warehouse import connection

router = Router(tags=["Données publiques"])
ERRORS = {400: Error, 404: Error, 422: Error}


def _page(page: queries.Page, rows: list[dict]) -> dict:
    return {
        "count": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
        "results": rows,
    }


def _buyer_row(row: dict) -> dict:
    return {**row, "siret": row["buyer_id"]}


@router.get("/buyers", response={200: BuyerPage, **ERRORS}, summary="Rechercher des acheteurs")
def list_buyers(
    request: HttpRequest,
    q: str = Query("", description="Nom, SIRET ou SIREN, code commune ou département"),
    departement: str = Query("", description="Code du département de l'acheteur"),
    page: int = 1,
    page_size: int = 20,
):
    result = queries.search_buyers(connection(), q, departement, page, page_size)
    return _page(result, [_buyer_row(r) for r in result.rows])


@router.get("/buyers/{siret}", response={200: BuyerDetail, **ERRORS}, summary="Un acheteur")
def get_buyer(request: HttpRequest, siret: str):
    buyer = queries.buyer_summary(connection(), siret)
    if buyer is None:
        raise Http404(f"Acheteur {siret} introuvable dans les données.")
    return buyer


@router.get(
    "/buyers/{siret}/contracts",
    response={200: ContractPage, **ERRORS},
    summary="Marchés d'un acheteur",
)
def buyer_contracts(
    request: HttpRequest,
    siret: str,
    year: int | None = None,
    family: str | None = Query(None, description="works, supplies ou services"),
    procedure: str | None = None,
    q: str | None = Query(None, description="Texte cherché dans l'objet du marché"),
    page: int = 1,
    page_size: int = 20,
):
    con = connection()
    if queries.buyer_summary(con, siret) is None:
        raise Http404(f"Acheteur {siret} introuvable dans les données.")
    filters = queries.ContractFilters(year=year, family=family, procedure=procedure, q=q)
    result = queries.buyer_contracts(con, siret, filters, page, page_size)
    return _page(result, _contracts(result.rows))


def _contracts(rows: list[dict]) -> list[dict]:
    return [{**r, "awardees": r.get("awardees") or []} for r in rows]


@router.get(
    "/suppliers/{supplier_id}", response={200: SupplierDetail, **ERRORS}, summary="Un fournisseur"
)
def get_supplier(request: HttpRequest, supplier_id: str, page: int = 1, page_size: int = 20):
    con = connection()
    supplier = queries.supplier_summary(con, supplier_id)
    if supplier is None:
        raise Http404(f"Fournisseur {supplier_id} introuvable dans les données.")
    contracts = queries.supplier_contracts(con, supplier_id, page, page_size)
    return {
        **supplier,
        "buyers": queries.supplier_buyers(con, supplier_id),
        "contracts": _page(contracts, _contracts(contracts.rows)),
    }
