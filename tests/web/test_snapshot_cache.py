"""The snapshot cache and the per-process memory of the site: same figures, new snapshot, privacy.

The cache (``snapshot_cache``) precomputes for every buyer and place what the pages used to
compute per request; these tests compare each precomputed table with the per-request computation
it replaces, on the hand-checked warehouse of ``indicator_warehouse``.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client

from ancrage.warehouse import connect, snapshot
from ancrage.web.observatory import indicator_data, queries, snapshot_cache, supplier_data
from ancrage.web.observatory import warehouse as web_warehouse
from ancrage.web.observatory.indicator_context import BREAKDOWN_IDS

from .conftest import make_user, page_text
from .indicator_warehouse import M, R, build
from .warehouse_data import B1

pytestmark = pytest.mark.django_db
DEFAULT = indicator_data.DEFAULT


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("cache") / "data")


@pytest.fixture
def con(cache_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(cache_dir))
    cursor = web_warehouse.connection()
    assert web_warehouse.served().cache is not None
    return cursor


def same(cached: list[dict], computed: list[dict]) -> None:
    assert len(cached) == len(computed) > 0
    for a, b in zip(cached, computed, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(a[key], float):
                assert a[key] == pytest.approx(b[key]), key
            else:
                assert a[key] == b[key], key


def test_breakdowns_equal_the_per_buyer_computation(con):
    for siret in (R, M):
        for dimension in indicator_data.BREAKDOWN_DIMENSIONS:
            cached = indicator_data.buyer_breakdown(con, siret, DEFAULT, dimension, BREAKDOWN_IDS)
            computed = indicator_data._run(con, DEFAULT, ["year", dimension], BREAKDOWN_IDS, siret)
            same(cached, computed)


def test_suppliers_equal_the_per_buyer_computation(con):
    for siret, years in ((R, (2023, 2024)), (M, (2024,))):
        for year in years:
            cached = supplier_data.buyer_suppliers(con, siret, DEFAULT, year)
            indicator_data.scope(con, DEFAULT, siret)
            where = "c.buyer_id = ? AND year(c.notification_date) = ?"
            tables = [
                indicator_data.SCOPE[n] for n in ("contracts", "awardees", "awardee_locality")
            ]
            sql = supplier_data.suppliers_sql(*tables, where, by_year=False)
            computed = supplier_data._dicts(con.execute(sql, [siret, year]))
            same([{k: r[k] for k in computed[0]} for r in cached], computed)


@pytest.mark.parametrize(
    ("kind", "code"),
    [("departement", "35"), ("region", "53"), ("epci", "243500139")],
)
def test_territory_figures_equal_the_per_place_computation(con, kind, code):
    cached = indicator_data.territory_rows(con, kind, code, DEFAULT)
    computed = indicator_data._run(con, DEFAULT, ["year"], None, code, place=kind)
    same([{k: r[k] for k in computed[0]} for r in cached], computed)
    # A place without buyers has no figures either way (never zeros).
    assert indicator_data.territory_rows(con, "departement", "29", DEFAULT) == []
    assert indicator_data._run(con, DEFAULT, ["year"], None, "29", place="departement") == []


def test_buyer_totals_and_filters_equal_a_direct_reading(con, cache_dir):
    plain = connect(cache_dir)  # the snapshot's own tables, with the same optional layers
    web_warehouse._register_optional_layers(plain)
    try:
        for siret in (R, M, "00000000000000"):
            assert queries.buyer_summary(con, siret) == queries.buyer_summary(plain, siret)
            assert queries.buyer_facets(con, siret) == queries.buyer_facets(plain, siret)
            assert (
                queries.buyer_contracts(con, siret).rows
                == queries.buyer_contracts(plain, siret).rows
            )
        assert queries.national_figures(con) == queries.national_figures(plain)
    finally:
        plain.close()


def _publish_without(data: Path, contract_id: str) -> str:
    """A new snapshot of the warehouse without one contract (as an import would publish it)."""
    current = snapshot.current(data)
    source = Path(current.source("contracts"))  # (a file, or a glob of parts)
    contracts = pq.read_table(source.parent if "*" in source.name else source)
    kept = contracts.filter(pa.compute.not_equal(contracts["contract_id"], contract_id))
    work = data / "work"
    work.mkdir(exist_ok=True)
    pq.write_table(kept, work / "contracts.parquet")
    return snapshot.derive({"contracts": work / "contracts.parquet"}, "test", data).id


def test_a_new_snapshot_shows_new_figures(tmp_path, monkeypatch):
    data = build(tmp_path / "data")
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    client = Client()

    def figures() -> tuple[str, str, int]:
        home = page_text(client.get("/"))
        national = re.search(
            r'class="ancrage-figure">([^<]+)</p><p class="ancrage-figure-label">'
            r"marchés et concessions",
            home,
        ).group(1)
        buyer = re.search(
            r'class="ancrage-figure">([^<]+)</p><p class="ancrage-figure-label">'
            r"marchés publiés",
            page_text(client.get(f"/acheteurs/{R}/")),
        ).group(1)
        return national, buyer, client.get(f"/api/buyers/{R}/contracts").json()["count"]

    assert figures() == ("6", "5", 5)
    assert figures() == ("6", "5", 5)  # now from the memory of the process
    new = _publish_without(data, "r5")
    assert figures() == ("5", "4", 4)
    assert client.get("/healthz").json()["warehouse_snapshot"] == new


def test_while_the_new_cache_builds_the_previous_snapshot_is_served(tmp_path, monkeypatch):
    data = build(tmp_path / "data")
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    monkeypatch.setenv("ANCRAGE_WEB_CACHE_BUILD", "background")
    client = Client()
    old = client.get("/healthz").json()["warehouse_snapshot"]
    assert client.get(f"/api/buyers/{R}/contracts").json()["count"] == 5
    release, real_build = threading.Event(), snapshot_cache.build

    def slow_build(*args, **kwargs):
        release.wait(30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(snapshot_cache, "build", slow_build)
    new = _publish_without(data, "r5")
    # The site answers at once, from the previous snapshot, while the new cache is written.
    assert client.get("/healthz").json()["warehouse_snapshot"] == old
    assert client.get(f"/api/buyers/{R}/contracts").json()["count"] == 5
    release.set()
    web_warehouse._building[new].join(30)
    assert client.get("/healthz").json()["warehouse_snapshot"] == new
    assert client.get(f"/api/buyers/{R}/contracts").json()["count"] == 4


def test_cache_of_a_removed_snapshot_is_pruned(tmp_path, monkeypatch):
    data = build(tmp_path / "data")
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    first = snapshot.current(data).id
    leftovers = data / "web-cache" / first
    leftovers.mkdir(parents=True)
    for name in (
        "web-0-0.0.1-base.duckdb",
        "web-0-0.0.1-base.duckdb.lock",
        "indicator_values.parquet",
    ):
        (leftovers / name).write_text("older format")
    assert Client().get("/healthz").status_code == 200
    assert [p.name for p in leftovers.glob("web-*.duckdb")] == [
        snapshot_cache.path_for(data, snapshot.current(data), web_warehouse.layers()).name
    ]
    assert not (leftovers / "indicator_values.parquet").exists()
    for contract in ("r5", "r4"):  # two imports: the first snapshot is removed (2 kept)
        _publish_without(data, contract)
        assert Client().get("/healthz").status_code == 200
    assert not (data / "snapshots" / first).exists()
    assert not (data / "web-cache" / first).exists()


def test_read_only_data_directory_gets_a_cache_elsewhere(tmp_path, monkeypatch):
    data = build(tmp_path / "data")
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    monkeypatch.setenv("ANCRAGE_WEB_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert Client().get(f"/api/buyers/{R}/contracts").json()["count"] == 5
    assert list((tmp_path / "elsewhere").glob("*/web-*.duckdb"))
    assert not (data / "web-cache").exists()


def test_memory_of_the_process_holds_public_figures_only(world, located_warehouse):
    """The process keeps rendered public sections; a signed-in member's page is rendered
    around them, never into them: nothing of one visitor reaches another."""
    admin = Client()
    admin.force_login(make_user("membre@example.fr"))
    signed_in = page_text(admin.get(f"/acheteurs/{B1}/"))
    assert "Se déconnecter" in signed_in
    anonymous = page_text(Client().get(f"/acheteurs/{B1}/"))
    assert "Se connecter" in anonymous
    for private in ("Se déconnecter", "Mon espace", "membre@example.fr", "csrfmiddlewaretoken"):
        assert private not in anonymous
    # And the other way round: the member does not get the anonymous page from memory.
    assert "Se déconnecter" in page_text(admin.get(f"/acheteurs/{B1}/"))


def test_cache_command_prepares_the_current_snapshot(tmp_path, monkeypatch):
    from django.core.management import call_command

    data = build(tmp_path / "data")
    monkeypatch.setenv("ANCRAGE_DATA_DIR", str(data))
    call_command("ancrage_web_cache")
    current = snapshot.current(data)
    assert snapshot_cache.is_ready(snapshot_cache.path_for(data, current, web_warehouse.layers()))
