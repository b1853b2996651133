"""Warehouse queries of the public pages, checked against the hand-written tiny warehouse."""

from __future__ import annotations

import datetime as dt

import pytest

from ancrage.warehouse import connect
from ancrage.web.observatory import queries

from .warehouse_data import B1, B2, B3, B4, S1, S2, S3


@pytest.fixture
def con(warehouse):
    return connect(warehouse)


def test_national_figures(con):
    figures = queries.national_figures(con)
    # 120 000 + 50 000 + 30 000 + 250 000 + 80 000 + 40 000 (current amount, else initial)
    assert figures == {"contracts": 6, "amount_ht": 570_000.0, "buyers": 4, "suppliers": 3}


def test_national_figures_of_an_empty_warehouse(empty_warehouse):
    figures = queries.national_figures(connect(empty_warehouse))
    assert figures == {"contracts": 0, "amount_ht": 0.0, "buyers": 0, "suppliers": 0}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", [B1, B3, B2, B4]),  # most contracts first, then by SIRET
        ("rennes", [B1]),
        ("RENNES", [B1]),
        ("etablissement", [B4]),  # accents ignored
        ("Saint-Malo", [B3]),
        ("213502", [B1, B3]),  # SIRET prefix
        ("213 502 388", [B1]),  # SIREN with spaces
        (B2, [B2]),
        ("introuvable", []),
    ],
)
def test_search_buyers(con, q, expected):
    page = queries.search_buyers(con, q)
    assert [row["buyer_id"] for row in page.rows] == expected
    assert page.total == len(expected)


def test_search_pages(con):
    page = queries.search_buyers(con, page=2, page_size=3)
    assert (page.total, page.pages, [r["buyer_id"] for r in page.rows]) == (4, 2, [B4])


@pytest.mark.parametrize(("page", "size"), [(0, 20), (1, 0), (1, 101)])
def test_search_rejects_bad_paging(con, page, size):
    with pytest.raises(queries.QueryError):
        queries.search_buyers(con, page=page, page_size=size)


def test_search_by_location_when_profiles_exist(con):
    # Buyer profiles come from the enrichment layer; here a stand-in view with its columns.
    con.execute(
        "CREATE VIEW buyer_profiles AS SELECT * FROM (VALUES "
        f"('{B1}', NULL, '35238', '35'), ('{B3}', NULL, '35288', '35'), "
        f"('{B2}', 'Département d''Ille-et-Vilaine', '35238', '35'), ('{B4}', NULL, '35238', '35')"
        ") t(buyer_id, name, commune_code, departement)"
    )
    con.execute(
        "CREATE VIEW ref_communes AS SELECT * FROM (VALUES ('35238', 'Rennes'), "
        "('35288', 'Saint-Malo')) t(code, name)"
    )
    assert [r["buyer_id"] for r in queries.search_buyers(con, "35").rows] == [B1, B3, B2, B4]
    assert [r["buyer_id"] for r in queries.search_buyers(con, "35288").rows] == [B3]
    # « Rennes » matches B1 by name and B2/B4 by their commune.
    assert [r["buyer_id"] for r in queries.search_buyers(con, "rennes").rows] == [B1, B2, B4]
    # The profile's name fills in when the DECP has none.
    row = queries.search_buyers(con, B2).rows[0]
    assert (row["name"], row["commune_name"]) == ("Département d'Ille-et-Vilaine", "Rennes")
    assert queries.search_buyers(con, departement="22").total == 0
    # The per-connection directory used by the site gives the same answers.
    queries.materialise_buyer_directory(con)
    assert queries.DIRECTORY in queries.views(con)
    assert [r["buyer_id"] for r in queries.search_buyers(con, "rennes").rows] == [B1, B2, B4]
    assert queries.buyer_summary(con, B2)["name"] == "Département d'Ille-et-Vilaine"


def test_buyer_summary(con):
    summary = queries.buyer_summary(con, B1)
    assert summary == {
        "siret": B1,
        "name": "Ville de Rennes",
        "commune_code": None,
        "commune_name": None,
        "departement": None,
        "contract_count": 3,
        "amount_ht": 200_000.0,  # 120 000 + 50 000 + 30 000
        "first_notification": dt.date(2023, 6, 15),
        "last_notification": dt.date(2024, 9, 10),
        "supplier_count": 3,  # S1, S2 on c1, S3 on c3
    }
    assert queries.buyer_summary(con, "00000000000000") is None


def test_buyer_contracts_with_awardees(con):
    page = queries.buyer_contracts(con, B1)
    assert [r["contract_id"] for r in page.rows] == ["c3", "c1", "c2"]  # most recent first
    c1 = page.rows[1]
    assert c1["awardees"] == [
        {"supplier_id": S1, "name": "Bâtiment Breton"},
        {"supplier_id": S2, "name": "Écoconstruction SARL"},
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (queries.ContractFilters(year=2024), ["c3", "c1"]),
        (queries.ContractFilters(family="supplies"), ["c2"]),
        (queries.ContractFilters(procedure="Procédure adaptée"), ["c3", "c1"]),
        (queries.ContractFilters(q="VOIRIE"), ["c1"]),
        (queries.ContractFilters(year=2023, family="works"), []),
    ],
)
def test_buyer_contract_filters(con, filters, expected):
    assert [r["contract_id"] for r in queries.buyer_contracts(con, B1, filters).rows] == expected


def test_unknown_family_is_refused(con):
    with pytest.raises(queries.QueryError, match="Famille d'achat inconnue"):
        queries.buyer_contracts(con, B1, queries.ContractFilters(family="food"))


def test_supplier_pages_count_only_current_awardees(con):
    s1 = queries.supplier_summary(con, S1)
    # c1 (120 000), c2 (50 000), c4 (250 000, S1 replaced S2 by a modification)
    assert (s1["contract_count"], s1["amount_ht"], s1["name"]) == (3, 420_000.0, "Bâtiment Breton")
    s2 = queries.supplier_summary(con, S2)
    assert (s2["contract_count"], s2["amount_ht"]) == (2, 160_000.0)  # c1 + c6, not c4
    buyers = queries.supplier_buyers(con, S1)
    assert [(b["buyer_id"], b["contract_count"], b["amount_ht"]) for b in buyers] == [
        (B1, 2, 170_000.0),
        (B2, 1, 250_000.0),
    ]
    assert [r["contract_id"] for r in queries.supplier_contracts(con, S3).rows] == ["c3", "c5"]
    assert queries.supplier_summary(con, "99999999999999") is None
    assert queries.supplier_buyers(con, S3)[1]["name"] == "Commune de Saint-Malo"
    assert B3 in {b["buyer_id"] for b in queries.supplier_buyers(con, S3)}
