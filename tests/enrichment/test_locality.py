"""Profiles and locality on the Lyon scenario, one test per territory kind (values by hand).

Expected distances come from the reference points and a haversine written out in the test; the
expected local / non-local verdicts are read off the map (Lyon 3e is in Lyon, Villeurbanne is
in the Métropole de Lyon and the Rhône, Paris and Ouessant are elsewhere).
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from ancrage import enrichment
from ancrage.enrichment import Territory, locality, unlocated_counts

from . import builders as b

# Reference points (ref_communes) used by the scenario.
LYON_TOWN_HALL = (45.767691, 4.835371)
LYON_3 = (45.760292, 4.849019)
VILLEURBANNE = (45.766295, 4.879662)
PARIS = (48.856589, 2.342915)


def km(p: tuple[float, float], q: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = map(lambda t: tuple(map(math.radians, t)), (p, q))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.fixture
def con(data_dir: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    b.scenario_warehouse(data_dir)
    establishments, units = b.write_sirene_csv(tmp_path)
    enrichment.import_sirene([establishments, units], data_dir)
    return b.connection(data_dir)


def verdicts(con: duckdb.DuckDBPyConnection, territory: Territory, **kwargs: object) -> dict:
    locality(con, territory, **kwargs)
    rows = con.execute(
        "SELECT contract_id, local, reason_unlocated FROM awardee_locality ORDER BY contract_id"
    ).fetchall()
    return {contract_id: (local, reason) for contract_id, local, reason in rows}


UNLOCATED = {
    "L-E": (None, "foreign"),
    "L-F": (None, "not_in_sirene"),
    "L-G": (None, "missing_siret"),
    "L-K": (None, "not_in_sirene"),
}


def test_one_row_per_current_awardee(con: duckdb.DuckDBPyConnection) -> None:
    relation = locality(con, Territory("departement"))
    assert relation.aggregate("count(*)").fetchall() == [(16,)]  # 11 + 2 + 1 + 2
    columns = relation.columns
    assert columns[:8] == [
        "contract_id",
        "buyer_id",
        "supplier_id",
        "supplier_id_type",
        "local",
        "distance_km",
        "located",
        "reason_unlocated",
    ]


def test_departement(con: duckdb.DuckDBPyConnection) -> None:
    result = verdicts(con, Territory("departement"))
    assert result == {
        "H-A": (True, None),
        "L-A": (True, None),
        "L-B": (True, None),
        "L-C": (False, None),
        "L-D": (False, None),
        "L-H": (True, None),  # VAT number → A's head office in Lyon 3e
        "L-I": (False, None),  # Ain
        "L-J": (False, None),  # Guadeloupe
        "M-A": (True, None),  # the Métropole is located through its main commune
        "M-B": (True, None),
        "U-A": (None, "no_buyer_location"),
        "U-B": (None, "no_buyer_location"),
        **UNLOCATED,
    }


def test_commune(con: duckdb.DuckDBPyConnection) -> None:
    result = verdicts(con, Territory("commune"))
    # Lyon 3e arrondissement belongs to the commune of Lyon; Villeurbanne does not.
    assert result["L-A"] == (True, None)
    assert result["L-B"] == (False, None)
    assert result["H-A"] == (True, None)  # hospital in Lyon 1er, supplier in Lyon 3e
    # An EPCI is not in one commune: its commune perimeter is undefined.
    assert result["M-A"] == (None, "no_buyer_location")
    assert {k: v for k, v in result.items() if k in UNLOCATED} == UNLOCATED


def test_epci(con: duckdb.DuckDBPyConnection) -> None:
    result = verdicts(con, Territory("epci"))
    assert result["L-A"] == (True, None)
    assert result["L-B"] == (True, None)  # Villeurbanne is in the Métropole de Lyon
    assert result["L-D"] == (False, None)  # Ouessant belongs to no EPCI: not local
    assert result["M-B"] == (True, None)
    assert result["L-C"] == (False, None)


def test_region(con: duckdb.DuckDBPyConnection) -> None:
    result = verdicts(con, Territory("region"))
    assert result["L-I"] == (True, None)  # Ain is in Auvergne-Rhône-Alpes too
    assert result["L-C"] == (False, None)


def test_radius_and_distances(con: duckdb.DuckDBPyConnection) -> None:
    # Lyon 3e is 1.34 km from Lyon's town hall, Villeurbanne 3.44 km: a 2 km radius splits them.
    assert km(LYON_TOWN_HALL, LYON_3) == pytest.approx(1.3408, abs=1e-4)
    assert km(LYON_TOWN_HALL, VILLEURBANNE) == pytest.approx(3.4390, abs=1e-4)
    result = verdicts(con, Territory("radius", 2))
    assert result["L-A"] == (True, None)
    assert result["L-B"] == (False, None)
    assert result["U-A"] == (None, "no_buyer_location")
    distances = dict(
        con.execute("SELECT contract_id, distance_km FROM awardee_locality").fetchall()
    )
    assert distances["L-A"] == pytest.approx(km(LYON_TOWN_HALL, LYON_3), abs=1e-9)
    assert distances["L-C"] == pytest.approx(km(LYON_TOWN_HALL, PARIS), abs=1e-9)
    assert distances["L-C"] == pytest.approx(392, abs=1)  # Paris–Lyon
    # Ouessant: the establishment's own Lambert-93 point, not the commune centre.
    assert distances["L-D"] == pytest.approx(km(LYON_TOWN_HALL, b.OUESSANT_WGS84), abs=1e-3)
    assert distances["L-E"] is None and distances["U-A"] is None


def test_custom_list_and_buyer_overrides(con: duckdb.DuckDBPyConnection) -> None:
    territory = Territory("departement")
    overrides = {
        b.UNKNOWN_BUYER: Territory.parse("custom:69266"),  # needs no buyer location
        b.METROPOLE: Territory("radius", 2),
    }
    result = verdicts(con, territory, buyer_territories=overrides)
    assert result["U-A"] == (False, None)
    assert result["U-B"] == (True, None)
    assert result["M-A"] == (True, None)  # 1.34 km from Lyon, the Métropole's main commune
    assert result["M-B"] == (False, None)
    assert result["L-B"] == (True, None)  # other buyers keep the département
    kinds = dict(
        con.execute("SELECT DISTINCT buyer_id, territory_kind FROM awardee_locality").fetchall()
    )
    assert kinds == {
        b.LYON: "departement",
        b.HOSPITAL: "departement",
        b.METROPOLE: "radius",
        b.UNKNOWN_BUYER: "custom",
    }


def test_unlocated_suppliers_are_counted(con: duckdb.DuckDBPyConnection) -> None:
    locality(con, Territory("departement"))
    assert unlocated_counts(con) == {
        "foreign": 1,
        "missing_siret": 1,
        "not_in_sirene": 2,
        "no_buyer_location": 2,
    }
    # Never counted as non-local: 16 rows = 6 local + 4 not local + 6 unknown.
    assert con.execute(
        "SELECT count(*) FILTER (WHERE local), count(*) FILTER (WHERE NOT local), "
        "count(*) FILTER (WHERE local IS NULL) FROM awardee_locality"
    ).fetchall() == [(6, 4, 6)]


def test_supplier_profiles(con: duckdb.DuckDBPyConnection) -> None:
    rows = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT supplier_id, commune_code, departement, location_source, located, "
            '"foreign", size, social_economy, name FROM supplier_profiles'
        ).fetchall()
    }
    assert rows[b.A[0]] == (
        "69383",
        "69",
        "commune_centre",
        True,
        False,
        "sme",
        False,
        "ALPHA BATIMENT",
    )
    assert rows[b.D[0]] == (
        "29155",
        "29",
        "establishment",
        True,
        False,
        "mid_cap",
        True,
        "DELTA OUEST",
    )
    assert rows[b.I_[0]][:2] == ("01015", "01")  # former code 01340 followed
    assert rows[b.E[0]] == (None, None, None, False, True, None, None, "PUBLIÉ")
    assert rows[b.F[0]] == (None, None, None, False, False, None, None, "PUBLIÉ")


def test_buyer_profiles(con: duckdb.DuckDBPyConnection) -> None:
    rows = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT buyer_id, commune_code, departement, epci, located, legal_category, "
            "buyer_kind, population, size_band, peer_group FROM buyer_profiles"
        ).fetchall()
    }
    # The commune of Lyon without any SIRENE row: through its SIREN in the reference.
    assert rows[b.LYON] == (
        "69123",
        "69",
        "200046977",
        True,
        None,
        "commune",
        519127,
        "pop>=100k",
        "commune/pop>=100k",
    )
    assert rows[b.METROPOLE] == (
        None,
        "69",
        "200046977",
        True,
        None,
        "epci",
        1433613,
        "pop>=100k",
        "epci/pop>=100k",
    )
    # A hospital is compared by number of contracts (it has one).
    assert rows[b.HOSPITAL] == (
        "69381",
        "69",
        "200046977",
        True,
        "7364",
        "hospital",
        None,
        "ctr<10",
        "hospital/ctr<10",
    )
    assert rows[b.UNKNOWN_BUYER] == (None, None, None, False, None, None, None, "ctr<10", None)


def test_materialised_profiles_equal_the_views(con: duckdb.DuckDBPyConnection) -> None:
    query = "SELECT * FROM {} ORDER BY ALL"
    views = {
        name: con.sql(query.format(name)).fetchall()
        for name in ("supplier_profiles", "buyer_profiles")
    }
    enrichment.register(con, materialize=True)
    kinds = dict(
        con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_name IN ('supplier_profiles', 'buyer_profiles')"
        ).fetchall()
    )
    assert kinds == {"supplier_profiles": "BASE TABLE", "buyer_profiles": "BASE TABLE"}
    for name, rows in views.items():
        assert con.sql(query.format(name)).fetchall() == rows
    enrichment.register(con)  # and back to views
    assert con.sql(query.format("buyer_profiles")).fetchall() == views["buyer_profiles"]
