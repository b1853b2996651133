"""Indicator sections of the buyer page, definition pages, exports: values checked by hand.

The warehouse is ``indicator_warehouse`` (its docstring holds the hand computations).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest
from django.test import Client

from .conftest import page_text
from .indicator_warehouse import M, R, build

pytestmark = pytest.mark.django_db
NNBSP = "\u202f"


@pytest.fixture(scope="session")
def indicator_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("indicateurs") / "data")


@pytest.fixture
def indicators(indicator_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(indicator_dir))
    return indicator_dir


def row_text(html: str, marker: str) -> str:
    """The text of the table row carrying ``marker`` (tags removed, spaces collapsed)."""
    match = re.search(rf"<tr[^>]*{re.escape(marker)}.*?</tr>", html, re.S)
    assert match, f"ligne introuvable : {marker}"
    text = re.sub(r"<[^>]+>", " ", match.group(0))
    return re.sub(r"\s+", " ", text).strip()


def plain(html: str) -> str:
    """The page as text: tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_rows(html: str, table_id: str) -> list[str]:
    match = re.search(rf'id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, f"tableau introuvable : {table_id}"
    rows = re.findall(r"<tr.*?</tr>", match.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]


def test_buyer_page_shows_every_indicator_with_hand_checked_values(indicators):
    html = page_text(Client().get(f"/acheteurs/{R}/"))
    text = plain(html)
    assert "Valeurs de l'année 2024" in text
    assert "Définition du « local » utilisée : Même département que l'acheteur" in text
    assert "groupe de pairs : Communes, 100 000 habitants ou plus" in text
    social = row_text(html, 'data-indicateur="social_share"')
    assert "25,0 %" in social and "1 / 4" in social
    assert "objectif 30,0 %, écart −5,0 points" in social
    assert "50ᵉ centile sur 1" in social  # alone in its peer group: 50th percentile
    env = row_text(html, 'data-indicateur="environmental_share"')
    assert "50,0 %" in env and "2 / 4" in env and "−50,0 points" in env
    local = row_text(html, 'data-indicateur="local_share"')
    assert "50,0 %" in local and "1,50 / 3" in local
    sme = row_text(html, 'data-indicateur="sme_share"')
    assert "83,3 %" in sme and "2,50 / 3" in sme
    assert "25,0 %" in row_text(html, 'data-indicateur="single_bid_rate"')
    # Every indicator of the catalogue links to its definition.
    from ancrage.indicators import CATALOGUE

    for ind in CATALOGUE:
        assert f'href="/indicateurs/{ind.id}/"' in html, ind.id


def test_pnad_gap_trend_quality_cross_and_breakdowns(indicators):
    html = page_text(Client().get(f"/acheteurs/{R}/"))
    assert "Objectif : 30,0 % — écart : −5,0 points (1 contrat(s) sur 4)" in plain(html)
    assert "Objectif : 100,0 % — écart : −50,0 points (2 contrat(s) sur 4)" in plain(html)
    trend = table_rows(html, "table-tendance")
    assert trend[0] == (  # 2023: r4 (1/1), 2024: 1/4
        "Part des contrats avec une considération sociale (en nombre) 100,0 % 25,0 %"
    )
    quality = table_rows(html, "table-qualite")
    assert quality == ["Code CPV invalide. 25,0 % 1 / 4 25,0 %"]
    cross = table_rows(html, "table-croisee")
    assert cross[0].startswith("Avec considération sociale ou environnementale 75,0 % 1,50 / 2")
    assert cross[1].startswith("Sans considération sociale ni environnementale 0,0 % 0 / 1")
    family = table_rows(html, "ventilation-family")
    assert [line.split(" ")[0] for line in family] == ["Services", "Fournitures", "Travaux"]
    assert family[2].startswith("Travaux 100,0 % 1 / 1")  # social share of works: r1
    assert family[0].startswith("Services 0,0 % 0 / 2")  # r2 and r5


def test_suppliers_badges_and_map(indicators):
    html = page_text(Client().get(f"/acheteurs/{R}/"))
    rows = table_rows(html, "table-titulaires")
    assert [r.split(" ")[0] for r in rows] == ["BATIMENT", "INSERTION", "BREST", "GB123456789"]
    assert rows[0] == "BATIMENT RENNAIS Rennes (35) Local PME 1,50 130 000 € local 2 km"
    paris = haversine_km(48.093066, -1.67494, 48.86, 2.35)  # Rennes town hall → S3
    assert f"PME ESS Inclusif (EI) 1 40 000 € non local {paris:.0f} km" in rows[1]
    assert "non déterminé : entreprise établie à l'étranger" in rows[3]
    summary = re.search(r'id="resume-carte">(.*?)</p>', html, re.S).group(1)
    assert (
        "4 titulaires ; parts de contrats : 1,5 locales, 1,5 non locales, 1,0 non déterminées. "
        "1 titulaire(s) sans position connue et 0 hors du cadre" in summary
    )
    maps = re.search(r'id="cartes-titulaires">(.*?)</div>\s*<p', html, re.S).group(1)
    wide = maps.split("</svg>")[0]
    assert 'role="img"' in wide and "<desc" in wide
    # Three located suppliers drawn (plus three legend dots), the buyer as a star.
    assert wide.count("<circle") == 6
    assert "BATIMENT RENNAIS — local — 130" in wide
    assert "Acheteur : Ville de Rennes" in wide


def test_changing_the_territory_changes_the_local_share(indicators):
    client = Client()
    html = page_text(client.get(f"/acheteurs/{R}/?territoire=region"))
    assert "Même région que l'acheteur" in plain(html)
    assert "Valeurs calculées à la demande" in plain(html)
    local = row_text(html, 'data-indicateur="local_share"')
    assert "66,7 %" in local and "2 / 3" in local  # S2 (Brest, région 53) becomes local
    # 250 km around Rennes: Brest (about 211 km) is in, Paris (about 308 km) is out.
    html = page_text(client.get(f"/acheteurs/{R}/?territoire=rayon&rayon_km=250"))
    assert "Dans un rayon de 250 km autour de l'acheteur" in plain(html)
    assert "66,7 %" in row_text(html, 'data-indicateur="local_share"')
    html = page_text(client.get(f"/acheteurs/{R}/?territoire=rayon:100"))
    assert "50,0 %" in row_text(html, 'data-indicateur="local_share"')


def test_a_list_of_communes_defines_local_on_the_buyer_page(indicators):
    client = Client()
    # Paris only: S3 (Paris) is local, S1 (Rennes) and S2 (Brest) are not; GB stays apart.
    html = page_text(client.get(f"/acheteurs/{R}/?territoire=communes&communes=75056"))
    text = plain(html)
    assert "Liste personnalisée de 1 commune" in text
    assert "sans comparaison aux pairs" in text
    local = row_text(html, 'data-indicateur="local_share"')
    assert "33,3 %" in local and "1 / 3" in local
    # Rennes and Brest, written with spaces and semicolons; the list alone selects it.
    html = page_text(client.get(f"/acheteurs/{R}/?communes=35238%20;29019"))
    assert "Liste personnalisée de 2 communes" in plain(html)
    assert "66,7 %" in row_text(html, 'data-indicateur="local_share"')
    # The form shows the list back, and the shareable links carry it.
    assert 'value="29019, 35238"' in html  # sorted
    assert "territoire=communes&communes=29019%2C35238" in html
    # Suppliers' badges follow the list: S3 is local only with Paris.
    paris = page_text(client.get(f"/acheteurs/{R}/?territoire=communes&communes=75056"))
    suppliers = table_rows(paris, "table-titulaires")
    assert any("INSERTION PARIS" in r and "Local" in r for r in suppliers)
    assert not any("BREST INDUSTRIES" in r and "Local" in r for r in suppliers)


def test_a_list_of_communes_in_exports_and_api(indicators):
    client = Client()
    response = client.get(
        f"/acheteurs/{R}/indicateurs/synthese/?export=csv&territoire=communes&communes=75056"
    )
    assert response.status_code == 200
    assert f"indicateurs-synthese-{R}-communes-1" in response["Content-Disposition"]
    rows = _csv(response)
    local = next(r for r in rows if r[0] == "local_share")
    assert float(local[5]) == pytest.approx(100 / 3) and local[6:8] == ["1.0", "3.0"]
    assert local[-1] == "custom:75056"
    api = client.get(f"/api/buyers/{R}/indicators?year=2024&territory=communes:75056").json()
    share = next(r for r in api["results"] if r["id"] == "local_share")
    assert share["value"] == pytest.approx(100 / 3) and share["peer_median"] is None
    assert api["territory"]["label"] == "Liste personnalisée de 1 commune"
    assert api["source"] == "calcul"
    # Territory pages compare places with the standard definitions only.
    response = client.get("/territoires/departement/35/?territoire=communes&communes=75056")
    assert response.status_code == 400
    assert "ne s'applique qu'à la page d'un acheteur" in page_text(response)
    api = client.get("/api/territories/departement/35/indicators?territory=communes:75056")
    assert api.status_code == 400


def test_a_list_of_communes_must_be_readable(indicators):
    for query, message in (
        ("territoire=communes", "au moins un code commune"),
        ("communes=3523", "Codes commune INSEE invalides"),
        ("communes=" + ",".join(f"{35000 + i}" for i in range(1001)), "au plus 1000 communes"),
    ):
        html = page_text(Client().get(f"/acheteurs/{R}/?{query}"))
        assert message in html, query


def test_unreadable_territory_is_explained_in_french(indicators):
    html = page_text(Client().get(f"/acheteurs/{R}/?territoire=planete"))
    assert "Paramètre invalide" in html and "Territoire inconnu : 'planete'" in html
    response = Client().get(f"/acheteurs/{R}/indicateurs/synthese/?territoire=rayon:0")
    assert response.status_code == 400
    assert "Rayon invalide" in page_text(response)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a 6 371 km sphere, written out independently of the code."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_indicator_exports_follow_the_query_string(indicators):
    client = Client()
    response = client.get(f"/acheteurs/{R}/indicateurs/synthese/?export=csv&annee_indicateurs=2024")
    assert response["Content-Disposition"] == (
        f'attachment; filename="indicateurs-synthese-{R}-departement-2024.csv"'
    )
    rows = _csv(response)
    header = rows[0]
    social = next(r for r in rows if r[0] == "social_share")
    record = dict(zip(header, social, strict=True))
    assert record["Valeur"] == "25.0" and record["Numérateur"] == "1.0"
    assert record["Dénominateur"] == "4.0" and record["Écart à l'objectif"] == "-5.0"
    assert record["Définition du local"] == "departement"
    assert {r[2] for r in rows[1:]} == {"2024"}
    response = client.get(f"/acheteurs/{R}/indicateurs/synthese/?export=csv&territoire=region")
    local = dict(zip(header, next(r for r in _csv(response) if r[0] == "local_share"), strict=True))
    assert local["Numérateur"] == "2.0" and local["Définition du local"] == "region"
    trend = _csv(client.get(f"/acheteurs/{R}/indicateurs/tendance/?export=csv"))
    assert [r[2] for r in trend if r[0] == "social_share"] == ["2023", "2024"]
    suppliers = client.get(f"/acheteurs/{R}/indicateurs/titulaires/?export=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(suppliers.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == (
        "Identifiant du titulaire",
        "Type d'identifiant",
        "Nom",
        "Contrats (nombre)",
    )
    assert values[1][2:6] == ("BATIMENT RENNAIS", 2, 1.5, 130000.0)
    breakdowns = _csv(client.get(f"/acheteurs/{R}/indicateurs/ventilations/?export=csv"))
    works = [r for r in breakdowns if r[:3] == ["Famille d'achat", "works", "social_share"]]
    assert works and works[0][7:10] == ["100.0", "1.0", "1.0"]


def test_export_errors(indicators):
    assert Client().get(f"/acheteurs/{R}/indicateurs/inconnu/?export=csv").status_code == 404
    assert Client().get("/acheteurs/00000000000000/indicateurs/synthese/").status_code == 404
    response = Client().get(f"/acheteurs/{R}/indicateurs/synthese/?export=pdf")
    assert response.status_code == 400 and "csv ou xlsx" in page_text(response)


def test_definition_pages(indicators):
    html = page_text(Client().get("/indicateurs/social_share/"))
    assert "Part des contrats avec une considération sociale (en nombre)" in html
    assert "objectif national : 30 %" in plain(html)
    assert "considerationsSociales" in html
    assert Client().get("/indicateurs/inconnu/").status_code == 404
    catalogue = page_text(Client().get("/indicateurs/"))
    assert catalogue.count('href="/indicateurs/') >= 30


def test_home_links_to_territories_and_buyer_page_to_its_territories(indicators):
    assert 'href="/territoires/"' in page_text(Client().get("/"))
    html = page_text(Client().get(f"/acheteurs/{M}/"))
    assert 'href="/territoires/departement/35/?territoire=departement"' in html
    assert 'href="/territoires/region/53/?territoire=departement"' in html
    assert 'href="/territoires/epci/243500782/?territoire=departement"' in html
