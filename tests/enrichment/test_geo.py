"""Lambert-93 → WGS84 and haversine, checked on published values and known places."""

from __future__ import annotations

import math

import duckdb
import pytest

from ancrage import reference
from ancrage.enrichment.geo import (
    haversine_km,
    haversine_sql,
    lambert93_sql,
    lambert93_to_wgs84,
    lambert_to_geographic,
)

from .builders import OUESSANT_L93, OUESSANT_WGS84


def test_ign_alg0004_test_vector() -> None:
    # IGN note NT/G 71, algorithm ALG0004 (Lambert → geographic), official test set:
    # X = 1 029 705,083 m, Y = 272 723,849 m with n, c, Xs, Ys, λc, e as below give
    # λ = 0,145 512 099 25 rad and φ = 0,872 664 625 67 rad.
    lon, lat = lambert_to_geographic(
        1029705.083,
        272723.849,
        n=0.760405966,
        c=11603796.9767,
        xs=600000.0,
        ys=5657616.674,
        lon0=0.04079234433,
        e=0.0824832568,
    )
    assert round(lon, 11) == 0.14551209925
    assert round(lat, 11) == 0.87266462567


def test_lambert93_origin_is_3_east_46_5_north() -> None:
    # By definition of Lambert-93 the false origin (700 000, 6 600 000) is at 3° E, 46.5° N.
    lat, lon = lambert93_to_wgs84(700000, 6600000)
    assert lat == pytest.approx(46.5, abs=1e-9)
    assert lon == pytest.approx(3.0, abs=1e-9)


def test_lambert93_known_place_ouessant() -> None:
    lat, lon = lambert93_to_wgs84(float(OUESSANT_L93[0]), float(OUESSANT_L93[1]))
    assert lat == pytest.approx(OUESSANT_WGS84[0], abs=1e-6)
    assert lon == pytest.approx(OUESSANT_WGS84[1], abs=1e-6)
    # And the point is on the island: within 1 km of Ouessant's town hall in the reference.
    con = duckdb.connect()
    reference.register(con)
    town = con.execute("SELECT latitude, longitude FROM ref_communes WHERE code = '29155'")
    town_lat, town_lon = town.fetchall()[0]
    assert haversine_km(lat, lon, town_lat, town_lon) < 1.0


def test_sql_series_matches_iterative_inverse() -> None:
    points = [
        (x, y)
        for x in (100_000, 400_000, 700_000, 1_000_000, 1_240_000)
        for y in (6_050_000, 6_300_000, 6_600_000, 6_900_000, 7_100_000)
    ]
    lat_sql, lon_sql = lambert93_sql("x", "y")
    values = ", ".join(f"({x}.0, {y}.0)" for x, y in points)
    rows = duckdb.sql(
        f"SELECT x, y, {lat_sql}, {lon_sql} FROM (VALUES {values}) t(x, y)"
    ).fetchall()
    assert len(rows) == 25
    for x, y, lat, lon in rows:
        expected_lat, expected_lon = lambert93_to_wgs84(float(x), float(y))
        assert lat == pytest.approx(expected_lat, abs=1e-9)  # about 0.1 mm
        assert lon == pytest.approx(expected_lon, abs=1e-9)


def test_sql_refuses_points_outside_lambert93() -> None:
    # Guadeloupe in UTM 20N (as SIRENE gives it) is not a Lambert-93 point.
    lat_sql, lon_sql = lambert93_sql("653000.0", "1797000.0")
    assert duckdb.sql(f"SELECT {lat_sql}, {lon_sql}").fetchall() == [(None, None)]


def test_haversine_paris_lyon() -> None:
    # Town-hall points (Lyon) and centroid (Paris) of the reference: about 392 km apart.
    distance = haversine_km(48.856589, 2.342915, 45.767691, 4.835371)
    assert distance == pytest.approx(391.46, abs=0.01)
    # Independent spherical law of cosines on the same sphere.
    p1, p2 = math.radians(48.856589), math.radians(45.767691)
    dl = math.radians(4.835371 - 2.342915)
    cosines = 6371.0088 * math.acos(
        math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    )
    assert distance == pytest.approx(cosines, abs=1e-6)
    sql = haversine_sql("48.856589", "2.342915", "45.767691", "4.835371")
    assert duckdb.sql(f"SELECT {sql}").fetchall()[0][0] == pytest.approx(distance, abs=1e-9)


def test_haversine_sql_is_null_when_a_point_is_missing() -> None:
    sql = haversine_sql("NULL::DOUBLE", "2.0", "45.0", "4.0")
    assert duckdb.sql(f"SELECT {sql}").fetchall() == [(None,)]
