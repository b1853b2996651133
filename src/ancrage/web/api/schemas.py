"""Response and request bodies of the API (documented in the OpenAPI schema)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class Error(Schema):
    message: str = Field(description="Explication en français.")


class BuyerOut(Schema):
    siret: str
    name: str | None = Field(None, description="Nom publié ; null si les données n'en ont pas.")
    contract_count: int | None
    commune_code: str | None = None
    commune_name: str | None = None
    departement: str | None = None


class BuyerPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[BuyerOut]


class BuyerDetail(BuyerOut):
    amount_ht: float = Field(
        description="Somme des montants actuels HT (maximum des accords-cadres)."
    )
    first_notification: date | None
    last_notification: date | None
    supplier_count: int


class AwardeeOut(Schema):
    supplier_id: str | None
    name: str | None


class ContractOut(Schema):
    contract_id: str
    uid: str | None
    id: str | None
    buyer_id: str | None
    notification_date: date | None
    object: str | None
    family: str | None
    procedure: str | None
    cpv: str | None
    amount_ht: float | None
    current_amount_ht: float | None
    duration_months: float | None
    has_social_consideration: bool | None
    has_environmental_consideration: bool | None
    awardee_count: int | None
    awardees: list[AwardeeOut]


class ContractPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ContractOut]


class SupplierBuyer(Schema):
    buyer_id: str
    name: str | None
    contract_count: int
    amount_ht: float | None


class SupplierDetail(Schema):
    supplier_id: str
    supplier_id_type: str | None
    name: str | None
    contract_count: int
    amount_ht: float
    buyers: list[SupplierBuyer]
    contracts: ContractPage


class TerritoryOut(Schema):
    kind: str
    code: str
    radius_km: int | None
    communes: list[str]
    label: str
    spec: str = Field(description="Forme texte, par exemple « radius:30 » ou « departement:35 ».")


class TerritoryIn(Schema):
    kind: str = Field(description="commune, epci, departement, region, radius ou custom")
    code: str = ""
    radius_km: int | None = None
    communes: list[str] | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    buyers: list[str]
    territory: TerritoryOut
    peer_group: str
    targets: dict[str, float | None]
