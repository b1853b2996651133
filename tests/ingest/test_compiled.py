"""The compiled normaliser of clean marchés (``_marches.c``) gives the warehouse the Python
normaliser gives, row for row, and takes the records the SQL path would take."""

from __future__ import annotations

import json
from datetime import date

import pytest
from ingest_builders import marche
from test_sql_path import REAL_DIR, _modification, _records, _rows

from ancrage.generate import generate
from ancrage.ingest import compiled, sql_normalise
from ancrage.ingest.pipeline import run_import

pytestmark = pytest.mark.skipif(not compiled.available(), reason="module C _marches non construit")


def _import_three_ways(tmp_path, monkeypatch, sources: list[str]) -> dict:
    """(report totals, rows) of the Python normaliser (``python``), the SQL path alone
    (``sql``) and the compiled normaliser with SQL for what it leaves (``compiled``)."""
    modes = {
        "python": {"ANCRAGE_SQL_NORMALISE": "0"},
        "sql": {"ANCRAGE_SQL_NORMALISE": "1", "ANCRAGE_COMPILED": "0"},
        "compiled": {"ANCRAGE_SQL_NORMALISE": "1", "ANCRAGE_COMPILED": "1"},
    }
    results = {}
    for mode, env in modes.items():
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        report = run_import(sources, data_dir=tmp_path / mode)
        results[mode] = (report["total"], _rows(tmp_path / mode))
    return results


def _agree(results: dict) -> None:
    assert results["compiled"][0] == results["python"][0]
    for table, rows in results["python"][1].items():
        assert results["compiled"][1][table] == rows, table
        assert results["sql"][1][table] == rows, table


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "decp.json"
    generate(6_000, 11, path)
    return path


def test_the_c_module_reads_the_keys_the_sql_path_reads() -> None:
    expected = (*sql_normalise.SCALARS, *sql_normalise.OFF_PATH, *sql_normalise.KIND_MARKERS)
    assert compiled.record_keys() == expected


def test_compiled_agrees_on_synthetic_data_with_defects(synthetic, tmp_path, monkeypatch):
    accepted = []
    original = compiled.normalise_slice

    def spy(data, unhinted=()):
        table, handed_back = original(data, unhinted)
        accepted.append(table.num_rows)
        return table, handed_back

    monkeypatch.setattr(compiled, "normalise_slice", spy)
    results = _import_three_ways(tmp_path, monkeypatch, [str(synthetic)])
    _agree(results)
    # The compiled normaliser took most marchés of the compiled run (the others: the defects,
    # and escapes or exponents, which SQL decodes and C hands back).
    assert results["python"][0]["loaded"] > 5_900 and sum(accepted) > 5_000


def test_compiled_agrees_on_real_2022_files(tmp_path, monkeypatch) -> None:
    sources = [
        str(REAL_DIR / "records" / "decp-2022"),
        str(REAL_DIR / "examples" / "decp-2022"),
        str(REAL_DIR / "records" / "test-fixtures"),
    ]
    _agree(_import_three_ways(tmp_path, monkeypatch, sources))


@pytest.mark.parametrize("layout", ["ndjson", "bare_list"])
def test_compiled_agrees_without_envelope(synthetic, tmp_path, monkeypatch, layout) -> None:
    records = _records(synthetic)
    path = tmp_path / f"sans-enveloppe.{layout}.json"
    if layout == "ndjson":
        path.write_text("\n".join(records) + "\n", encoding="utf-8")
    else:
        path.write_text("[\n" + ",\n".join(records) + "\n]\n", encoding="utf-8")
    _agree(_import_three_ways(tmp_path, monkeypatch, [str(path)]))


def _lines(records: dict[str, dict]) -> list[str]:
    return [
        json.dumps(marche(id=key, **extra), ensure_ascii=False) for key, extra in records.items()
    ]


def _staged(lines: list[str], file_index: int = 0) -> bytes:
    """Chunk lines as the fast path stages them (the hash is a placeholder: C copies it)."""
    return b"".join(
        b'{"f":%d,"p":%d,"h":"%032x","r":%s}\n' % (file_index, i, i, line.encode())
        for i, line in enumerate(lines)
    )


def test_values_of_an_accepted_record() -> None:
    """Values checked by hand on one record: trimmed texts, spaces out of identifiers, labels,
    dates as days, modifications, awardees, the 2019 and 2022 markers."""
    record = marche(
        id="  2024-77 ",
        acheteur={"id": "213 502 388 00019", "nom": " Ville "},
        objet=" Voirie ",
        codeCPV="45233140-2",
        lieuExecution={"code": "35 238", "typeCode": "Code commune"},
        montant=85000.5,
        tauxAvance=0.05,
        titulaires=[
            {"titulaire": {"typeIdentifiant": "SIRET", "id": "812 231 132 00026"}},
            {"titulaire": {"typeIdentifiant": "TVA", "id": "FR1", "denominationSociale": " A "}},
        ],
        modifications=[
            _modification(1, montant=90000, dateNotificationModification="2024-06-01"),
            _modification(3, dureeMois=18),
        ],
        considerationsSociales={"considerationSociale": []},
    )
    table, back = compiled.normalise_slice(_staged([json.dumps(record, ensure_ascii=False)]))
    assert back.tolist() == []
    row = table.to_pylist()[0]
    assert (row["contract_ref"], row["buyer_id"], row["buyer_name"]) == (
        "2024-77",
        "21350238800019",
        "Ville",
    )
    assert (row["object"], row["cpv_raw"], row["place_code"]) == ("Voirie", "45233140-2", "35238")
    assert row["place_code_type"] == "Code commune" and row["procedure"] == "Procédure adaptée"
    assert (row["amount"], row["duration"], row["tauxAvance"]) == (85000.5, 12.0, "0.05")
    assert row["notified"] == date(2024, 3, 1) and row["notified_raw"] == "2024-03-01"
    assert row["started"] is None and row["social"] is None  # ([] is no consideration)
    assert row["techniques"] == ["Sans objet"] and row["price_types"] == ["Définitif ferme"]
    assert row["attributionAvance"] == "false" and row["offresRecues"] == "3"
    assert row["awardees"] == [
        {"supplier_id": "81223113200026", "supplier_id_type": "SIRET", "supplier_name": None},
        {"supplier_id": "FR1", "supplier_id_type": "TVA", "supplier_name": "A"},
    ]
    assert row["mods"] == [
        {
            "id": "1",
            "notified": date(2024, 6, 1),
            "notified_raw": "2024-06-01",
            "published": None,
            "published_raw": None,
            "amount": 90000.0,
            "duration": None,
        },
        {
            "id": "3",
            "notified": None,
            "notified_raw": None,
            "published": None,
            "published_raw": None,
            "amount": None,
            "duration": 18.0,
        },
    ]
    assert row["has_2022"] and row["has_2019"]  # (a buyer's "nom", an awardee's name)


@pytest.mark.parametrize(
    "text",
    [
        '"objet": "Voirie \\u00e9"',  # an escape
        '"montant": 8.5e4',  # an exponent
        '"montant": -0',
        '"objet": "A", "Objet": "B"',  # a known key in another case
        '"nature": "Marché", "nature": "Marché"',  # a key twice
        '"acheteur.id": "21350238800019"',  # a dotted key
        '"codeCPV": "4523314"',  # a CPV that lost its leading zero
        '"codeCPV": "99000000"',  # no such division
        '"dateNotification": "2024-02-30"',
        '"dateNotification": "2024-03-01T00:00:00+01:00"',
        '"procedure": "Appel d\'offres"',  # not an official label
        '"offresRecues": 3.0',
        '"marcheInnovant": "non"',
        '"lieuExecution": {}',
        '"titulaires": []',
        '"titulaires": [{"titulaire": {"id": "1", "typeIdentifiant": "siret"}}]',
        '"titulaires": [{"titulaire": {"id": "1", "typeIdentifiant": "SIRET", "nom": "A"}}]',
        '"titulaires": [{"titulaire": {"id": "1", "typeIdentifiant": "SIRET", '
        '"denominationSociale": "A {B}"}}]',
        '"modifications": [{"modification": {"id": 2, "montant": 1}}, '
        '{"modification": {"id": 1, "montant": 2}}]',
        '"modifications": [{"modification": {"id": "1", "montant": 1}}]',
        '"actesSousTraitance": [{"acteSousTraitance": {}}]',
        '"tauxAvance": null',
    ],
)
def test_records_handed_back(text: str) -> None:
    """Each of these is handed back whole (the Python normaliser takes it), as SQL does, or
    where SQL would decode what C does not (escapes, exponents)."""
    base = json.dumps(marche(), ensure_ascii=False)
    keys = json.loads("{" + text + "}", object_pairs_hook=lambda pairs: [k for k, _ in pairs])
    record = json.loads(base)
    for key in keys:
        record.pop(key, None)
    line = json.dumps(record, ensure_ascii=False)[:-1] + ", " + text + "}"
    table, back = compiled.normalise_slice(_staged([base, line, base]))
    assert back.tolist() == [1] and table.num_rows == 2


def test_files_without_envelope_keep_concession_markers_back() -> None:
    lines = _lines(
        {
            "K1": {},
            "K2": {"_type": "Marché"},  # not plain ASCII: its text is checked by Python
            "K3": {"_type": "Contrat de CONCESSION"},
            "K4": {"typeContrat": "Marché"},
            "K5": {"_type": "Marche"},
        }
    )
    table, back = compiled.normalise_slice(_staged(lines, 3), unhinted=[3])
    orders = [order - (3 << 40) for order in back.tolist()]
    assert table.column("contract_ref").to_pylist() == ["K1", "K5"] and orders == [1, 2, 3]
    # In a file with an envelope, the same markers are not read.
    table, back = compiled.normalise_slice(_staged(lines, 3), unhinted=[])
    assert table.num_rows == 5 and back.tolist() == []


def test_compiled_contracts_keep_reading_order(synthetic, tmp_path, monkeypatch) -> None:
    """Not sorted on the compiled path (its columns come in reading order, and DuckDB keeps
    them so): the same order every run, the records not clean first, then the chunks'."""
    from itertools import pairwise

    import ancrage.ingest.fast_path as fast_path
    from ancrage.warehouse import connect

    monkeypatch.setattr(fast_path, "CHUNK_LINES", 700)
    orders = []
    for run in ("a", "b"):
        run_import([str(synthetic)], data_dir=tmp_path / run)
        con = connect(tmp_path / run)
        orders.append(con.execute("SELECT content_hash, source_position FROM contracts").fetchall())
    assert orders[0] == orders[1]
    positions = [position for _, position in orders[0]]
    assert len(positions) > 5000 and sum(1 for a, b in pairwise(positions) if b < a) == 1
