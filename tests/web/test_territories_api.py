"""Territory pages and the indicator API, on the hand-checked warehouse of ``indicator_warehouse``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import Client

from .conftest import page_text
from .indicator_warehouse import M, R, build
from .test_observatory_indicators import plain, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def territory_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("territoires") / "data")


@pytest.fixture
def data(territory_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(territory_dir))
    return territory_dir


def test_departement_page_aggregates_its_buyers(data):
    html = page_text(Client().get("/territoires/departement/35/"))
    assert "Département : Ille-et-Vilaine" in html
    social = table_rows(html, "indicateurs-responsible")[0]
    assert social.startswith(
        "Part des contrats avec une considération sociale (en nombre) 40,0 % 2 / 5"
    )
    assert "objectif 30,0 %, écart +10,0 points" in social
    env = table_rows(html, "indicateurs-responsible")[5]
    assert "60,0 % 3 / 5" in env and "écart −40,0 points" in env
    ranking = table_rows(html, "table-classement")
    assert ranking[0].startswith("1 Ville de Saint-Malo Saint-Malo 100,0 % 1 / 1")
    assert ranking[1].startswith("2 Ville de Rennes Rennes 25,0 % 1 / 4")
    carto = table_rows(html, "table-carte")
    assert "Ille-et-Vilaine (35) 40,0 % 2 / 5 2" in carto
    assert "Finistère (29) — — / — 0" in carto  # no buyer there: not available, never 0 %
    svg = re.search(r'id="carte-territoire">.*?</svg>', html, re.S).group(0)
    # One value only: the darkest class; départements without buyers in the "no data" grey.
    assert re.search(r'fill="#000091"[^>]*data-code="35"', svg)
    assert re.search(r'fill="#f6f6f6"[^>]*data-code="29"', svg)
    assert "Ille-et-Vilaine (35) : 40,0\u00a0%" in svg


def test_region_and_epci_pages(data):
    region = page_text(Client().get("/territoires/region/53/?indicateur=environmental_share"))
    assert "Région : Bretagne" in region
    assert table_rows(region, "table-classement")[0].startswith("1 Ville de Saint-Malo")
    assert "Ille-et-Vilaine (35) 60,0 % 3 / 5 2" in table_rows(region, "table-carte")
    epci = page_text(Client().get("/territoires/epci/243500139/"))
    assert "EPCI : Rennes Métropole" in plain(epci)
    social = table_rows(epci, "indicateurs-responsible")[0]
    assert "25,0 % 1 / 4" in social  # only the Ville de Rennes
    # No EPCI outline in the reference data: its member communes and their hull, said so.
    import duckdb

    from ancrage import reference

    ref = duckdb.connect()
    reference.register(ref)
    located = ref.execute(
        "SELECT count(*) FROM ref_epci_members m JOIN ref_communes c ON c.code = m.commune_code "
        "WHERE m.epci_siren = '243500139' AND c.latitude IS NOT NULL"
    ).fetchone()[0]
    assert located > 10
    svg = re.search(r'id="carte-territoire">.*?</svg>', epci, re.S).group(0)
    assert len(re.findall(r'<circle [^>]*r="1.8" fill="#c9191e"/>', svg)) == located + 1  # legend
    assert 'stroke-dasharray="4 3"' in svg
    assert f"Rennes Métropole : ses {located} communes membres et leur enveloppe" in svg
    caption = plain(re.search(r'id="carte-territoire">.*?</figure>', epci, re.S).group(0))
    assert "n'ont pas le contour des EPCI" in caption and "qu'une approximation" in caption
    assert Client().get("/territoires/epci/999999999/").status_code == 404
    assert Client().get("/territoires/pays/fr/").status_code == 404
    bad = Client().get("/territoires/departement/35/?indicateur=median_distance_km")
    assert bad.status_code == 400 and "non cartographiable" in page_text(bad)


def test_territory_index_and_exports(data):
    index = plain(page_text(Client().get("/territoires/")))
    assert "Ille-et-Vilaine (35) — 2 acheteurs" in index
    response = Client().get("/territoires/departement/35/?export=csv&tableau=classement")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Rang", "SIRET", "Acheteur"]
    assert [r[1] for r in rows[1:]] == [M, R]
    assert rows[2][5:8] == ["25.0", "1.0", "4.0"]
    response = Client().get("/territoires/departement/35/?export=csv&tableau=indicateurs")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    social = [r for r in csv.reader(io.StringIO(body)) if r[0] == "social_share"]
    assert [(r[2], r[5], r[6], r[7]) for r in social] == [
        ("2023", "100.0", "1.0", "1.0"),
        ("2024", "40.0", "2.0", "5.0"),
    ]


def test_buyer_indicator_api(data):
    client = Client()
    body = client.get(f"/api/buyers/{R}/indicators?year=2024").json()
    assert body["source"] == "indicator_values"
    assert body["territory"] == {"spec": "departement", "label": "Même département que l'acheteur"}
    assert body["subject"] == {"siret": R, "name": "Ville de Rennes"}
    social = next(r for r in body["results"] if r["id"] == "social_share")
    assert (social["value"], social["numerator"], social["denominator"]) == (25.0, 1.0, 4.0)
    assert (social["target"], social["gap"], social["peer_percentile"]) == (30.0, -5.0, 50.0)
    region = client.get(f"/api/buyers/{R}/indicators?year=2024&territory=region").json()
    local = next(r for r in region["results"] if r["id"] == "local_share")
    assert region["source"] == "calcul" and (local["numerator"], local["denominator"]) == (2.0, 3.0)
    radius = client.get(f"/api/buyers/{R}/indicators?year=2024&territory=rayon:250").json()
    assert radius["territory"]["spec"] == "radius:250"
    paged = client.get(f"/api/buyers/{R}/indicators?page=2&page_size=10").json()
    assert paged["page"] == 2 and paged["pages"] == -(-paged["count"] // 10)
    assert len(paged["results"]) == 10


def test_territory_indicator_api(data):
    body = Client().get("/api/territories/departement/35/indicators?year=2024").json()
    assert body["subject"] == {"kind": "departement", "code": "35", "name": "Ille-et-Vilaine"}
    social = next(r for r in body["results"] if r["id"] == "social_share")
    assert (social["value"], social["numerator"], social["denominator"]) == (40.0, 2.0, 5.0)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"/api/buyers/{R}/indicators?territory=planete", 400, "Territoire inconnu"),
        (f"/api/buyers/{R}/indicators?page_size=500", 400, "taille de page"),
        ("/api/buyers/00000000000000/indicators", 404, "introuvable"),
        ("/api/territories/pays/35/indicators", 400, "Type de territoire inconnu"),
        ("/api/territories/departement/00/indicators", 404, "inconnu"),
        (f"/api/buyers/{R}/indicators?year=deux", 422, "Paramètres invalides"),
    ],
)
def test_indicator_api_errors_are_french_json(data, url, status, message):
    response = Client().get(url)
    assert response.status_code == status
    assert message in response.json()["message"]


def test_buyer_values_are_read_from_the_snapshot_cache_sorted_by_buyer(data):
    import duckdb
    import pyarrow.parquet as pq

    assert Client().get(f"/api/buyers/{M}/indicators").status_code == 200
    snapshot = (data / "CURRENT").read_text().strip()
    (cache,) = (data / "web-cache" / snapshot).glob("web-*.duckdb")
    con = duckdb.connect(str(cache), read_only=True)
    buyers = [row[0] for row in con.execute("SELECT buyer_id FROM indicator_values").fetchall()]
    con.close()
    original = pq.read_table(data / "snapshots" / snapshot / "indicator_values.parquet")
    assert len(buyers) == original.num_rows
    assert buyers == sorted(buyers) and set(buyers) == {M, R}
