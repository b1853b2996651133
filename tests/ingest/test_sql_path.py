"""The SQL fast path and the Python normaliser give the same warehouse, row for row."""

from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

import pytest

from ancrage.generate import generate
from ancrage.ingest.pipeline import run_import
from ancrage.warehouse import connect
from ancrage.warehouse.schema import TABLES

REAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
# The content hash is computed differently by the two paths (MD5 of the minified record in SQL,
# BLAKE2 of the key-sorted record in Python); everything else must be equal.
SKIP = {"content_hash", "raw", "import_id", "duplicate_of"}
COMPARED = ("contracts", "awardees", "modifications", "quality_issues", "quarantine", "duplicates")


@pytest.fixture(autouse=True)
def _sql_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are the SQL path's: the compiled normaliser, which takes its place for
    marchés when built, is compared with it in test_compiled.py."""
    monkeypatch.setenv("ANCRAGE_COMPILED", "0")


def _rows(data_dir: Path) -> dict[str, list]:
    con = connect(data_dir)
    out = {}
    for table in COMPARED:
        columns = ", ".join(f'"{f.name}"' for f in TABLES[table] if f.name not in SKIP)
        out[table] = sorted(con.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
    return out


def _import_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sources: list[str]):
    results = {}
    for mode in ("0", "1"):
        monkeypatch.setenv("ANCRAGE_SQL_NORMALISE", mode)
        data_dir = tmp_path / f"sql-{mode}"
        report = run_import(sources, data_dir=data_dir)
        results[mode] = (report["total"], _rows(data_dir))
    return results


def _agreeing(results: dict) -> tuple[dict, dict]:
    """The Python path's (totals, rows), once checked equal to the SQL path's, table by table."""
    python_total, python_rows = results["0"]
    sql_total, sql_rows = results["1"]
    assert sql_total == python_total
    for table in COMPARED:
        assert sql_rows[table] == python_rows[table], table
    return python_total, python_rows


def _spy_back_to_python(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """(position in its file, kind) of every staged record the SQL path hands back to Python."""
    import ancrage.ingest.fast_path as fast_path
    from ancrage.ingest.routing import FILE_ORDER_SHIFT

    back: list[tuple[int, str]] = []
    original = fast_path.FastPath._route_staged

    def spy(self, router, by_index, handle, index, orders, kind):
        back.extend((order % FILE_ORDER_SHIFT, kind) for order in orders.tolist())
        original(self, router, by_index, handle, index, orders, kind)

    monkeypatch.setattr(fast_path.FastPath, "_route_staged", spy)
    return back


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gen") / "decp.json"
    generate(6_000, 11, path)
    return path


def test_paths_agree_on_synthetic_data_with_defects(synthetic, tmp_path, monkeypatch) -> None:
    python_total, python_rows = _agreeing(_import_both(tmp_path, monkeypatch, [str(synthetic)]))
    assert python_total["loaded"] > 5_900 and python_rows["quality_issues"]


def test_paths_agree_on_real_2022_files(tmp_path, monkeypatch) -> None:
    sources = [
        str(REAL_DIR / "records" / "decp-2022"),
        str(REAL_DIR / "examples" / "decp-2022"),
        str(REAL_DIR / "records" / "test-fixtures"),
    ]
    results = _import_both(tmp_path, monkeypatch, sources)
    assert results["1"] == results["0"]


def test_most_synthetic_records_take_the_fast_path(synthetic, tmp_path, monkeypatch) -> None:
    import ancrage.ingest.fast_path as fast_path

    seen = {}
    original = fast_path.FastPath.finish

    def spy(self, router, files):
        seen["staged"] = self.total_staged
        original(self, router, files)

    monkeypatch.setattr(fast_path.FastPath, "finish", spy)
    report = run_import([str(synthetic)], data_dir=tmp_path / "w")
    # Concessions and records carrying a null stay on the Python path; marchés are staged.
    assert seen["staged"] > 0.9 * report["total"]["records_read"]


def test_chunks_give_the_same_warehouse_as_one_pass(synthetic, tmp_path, monkeypatch) -> None:
    """The staged lines are normalised by chunks; cutting them small (records that are not clean
    and lines DuckDB cannot read fall in every chunk) changes nothing in the result."""
    import ancrage.ingest.fast_path as fast_path

    broken = tmp_path / "broken.json"
    lines = synthetic.read_text(encoding="utf-8").splitlines()
    # An invalid escape: DuckDB cannot read the line, found missing in its chunk, the Python path
    # repairs it.
    index = next(i for i, line in enumerate(lines[4000:], 4000) if line.startswith('{"id"'))
    lines[index] = lines[index].replace('"objet":"', '"objet":"\\x', 1)
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")

    monkeypatch.setenv("ANCRAGE_SQL_NORMALISE", "1")
    whole = run_import([str(broken)], data_dir=tmp_path / "whole")
    monkeypatch.setattr(fast_path, "CHUNK_LINES", 700)
    chunked = run_import([str(broken)], data_dir=tmp_path / "chunked")
    assert chunked["total"] == whole["total"]
    assert _rows(tmp_path / "chunked") == _rows(tmp_path / "whole")
    # Every staged record is kept verbatim: its stored text is its line, accents included.
    con = connect(tmp_path / "chunked")
    stored = dict(con.execute("SELECT content_hash, raw FROM raw_records").fetchall())
    records = [line.rstrip(",") for line in lines if line.startswith('{"id"')]
    accented = next(r for r in records if "é" in r and "null" not in r)
    digest = hashlib.md5(accented.encode()).hexdigest()
    assert stored[digest] == accented


def positions_twice(synthetic: Path, tmp_path: Path) -> list[int]:
    """The source positions of the contracts, in warehouse order, after importing ``synthetic``
    twice, checked the same both times (with the same contents)."""
    orders = []
    for run in ("a", "b"):
        run_import([str(synthetic)], data_dir=tmp_path / run)
        con = connect(tmp_path / run)
        orders.append(con.execute("SELECT content_hash, source_position FROM contracts").fetchall())
    assert orders[0] == orders[1]
    return [position for _, position in orders[0]]


def test_contracts_come_out_in_the_same_order_every_time(synthetic, tmp_path, monkeypatch) -> None:
    """Contracts are not sorted at import (the web cache sorts its own copy), but their order is
    stable: the Python-normalised parts, then the SQL chunks, each in reading order."""
    import ancrage.ingest.fast_path as fast_path

    monkeypatch.setenv("ANCRAGE_SQL_NORMALISE", "1")
    monkeypatch.setattr(fast_path, "CHUNK_LINES", 700)  # several chunks, as on a national file
    positions = positions_twice(synthetic, tmp_path)
    # Two runs in reading order: the records that are not clean (handed to Python chunk after
    # chunk), then the clean ones (SQL, chunk after chunk); marchés, then concessions, in each.
    descents = sum(1 for a, b in pairwise(positions) if b < a)
    assert len(positions) > 5000 and descents == 1


def _records(path: Path) -> list[str]:
    """The record lines of a generated file (marchés, then concessions), without their comma."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.rstrip(",") for line in lines if line.startswith("{") and '"marches"' not in line]


def without_envelope(synthetic: Path, tmp_path: Path, layout: str) -> Path:
    """The records of a generated file, one per line (``ndjson``) or in a bare list."""
    records = _records(synthetic)
    path = tmp_path / f"sans-enveloppe.{layout}.json"
    if layout == "ndjson":
        path.write_text("\n".join(records) + "\n", encoding="utf-8")
    else:
        path.write_text("[\n" + ",\n".join(records) + "\n]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", ["ndjson", "bare_list"])
def test_paths_agree_on_files_without_envelope(synthetic, tmp_path, monkeypatch, layout) -> None:
    # Without an envelope, nothing says a record is a marché: the Python normaliser tells each
    # record's kind, and the SQL path must take only what it would call a marché.
    path = without_envelope(synthetic, tmp_path, layout)
    python_total, python_rows = _agreeing(_import_both(tmp_path, monkeypatch, [str(path)]))
    kinds = {row[2] for row in python_rows["contracts"]}
    assert kinds == {"marche", "concession"} and python_total["loaded"] > 5_900


def test_kind_markers_without_envelope_keep_records_off_the_fast_path(tmp_path, monkeypatch):
    # Marché-shaped records whose marker says concession are concessions for the Python
    # normaliser when no envelope says otherwise (checked by hand against normalise._kind).
    import json

    from ingest_builders import marche

    cases = {
        "K1": {},  # no marker: a marché
        "K2": {"_type": "Marché"},  # accented marker, not a concession: a marché
        "K3": {"_type": "Contrat de concession"},
        "K4": {"typeContrat": "CONCESSION"},
        "K5": {"_type": "Marche"},
    }
    lines = [
        json.dumps(marche(id=key, **extra), ensure_ascii=False) for key, extra in cases.items()
    ]
    path = tmp_path / "marqueurs.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = _import_both(tmp_path, monkeypatch, [str(path)])
    assert results["1"] == results["0"]
    con = connect(tmp_path / "sql-1")
    assert con.execute("SELECT id, kind FROM contracts ORDER BY id").fetchall() == [
        ("K1", "marche"),
        ("K2", "marche"),
        ("K3", "concession"),
        ("K4", "concession"),
        ("K5", "marche"),
    ]


def _modification(id_, **fields) -> dict:
    return {"modification": {"id": id_, **fields}}


def test_modifications_on_the_fast_path(tmp_path, monkeypatch) -> None:
    """Modifications given as new totals with integer ids in increasing order are applied in
    SQL; any other shape goes back to Python. Values checked by hand: each modification
    carries new totals, the last one given is the current one."""
    import json
    from datetime import timedelta

    from ingest_builders import marche

    from ancrage.ingest import values

    dates = {
        "dateNotificationModification": "2024-06-01",
        "datePublicationDonneesModification": "2024-06-10",
    }
    soon = (values.today() + timedelta(days=20)).isoformat()
    cases = {
        "M1": [_modification(1, montant=90000, **dates)],
        "M2": [_modification(1, montant=95000, **dates), _modification(2, dureeMois=18, **dates)],
        "M3": [_modification(2, montant=70000), _modification(1, montant=60000)],  # sorted by id
        "M4": [_modification(1, montant=70000), _modification(1, montant=60000)],
        "M5": [_modification(1, montant=5000)],  # written below with "montant" twice
        "M6": [_modification(1, **dates)],  # no new data
        "M7": [
            _modification(
                1,
                montant=91000,
                dateNotificationModification=soon,
                datePublicationDonneesModification="1999-12-31",
            ),
            _modification(2, dureeMois=14, dateNotificationModification="2999-01-01"),
        ],
        "M8": [_modification(1, titulaires=[{"titulaire": {"id": "38012986600021"}}])],
        "M9": [_modification(1, montant="100000")],
    }
    lines = [
        json.dumps(marche(id=key, modifications=mods), ensure_ascii=False)
        for key, mods in cases.items()
    ]
    lines[4] = lines[4].replace('"montant": 5000', '"montant": 5000, "montant": 7000')
    # Two revisions of one contract, one modification each: the one whose modification was
    # published last is kept, although it is read first.
    for amount, published in ((99000, "2024-09-01"), (98000, "2024-07-01")):
        mod = _modification(1, montant=amount, datePublicationDonneesModification=published)
        lines.append(json.dumps(marche(id="R", modifications=[mod]), ensure_ascii=False))
    path = tmp_path / "modifications.json"
    path.write_text('{"marches": {"marche": [\n' + ",\n".join(lines) + "\n]}}\n", encoding="utf-8")

    back_to_python = _spy_back_to_python(monkeypatch)
    _agreeing(_import_both(tmp_path, monkeypatch, [str(path)]))
    keys = [*cases, "R", "R"]
    assert sorted(keys[p] for p, _ in back_to_python) == [
        "M3",
        "M4",
        "M5",
        "M6",
        "M8",
        "M9",
    ]

    con = connect(tmp_path / "sql-1")
    current = con.execute(
        """SELECT id, current_amount_ht, current_duration_months, modification_count
           FROM contracts WHERE id IN ('M1', 'M2', 'M3', 'M5', 'M7', 'R') ORDER BY id"""
    ).fetchall()
    assert current == [
        ("M1", 90000.0, 12.0, 1),
        ("M2", 95000.0, 18.0, 2),
        ("M3", 70000.0, 12.0, 2),
        ("M5", 7000.0, 12.0, 1),
        ("M7", 91000.0, 14.0, 2),
        ("R", 99000.0, 12.0, 1),
    ]
    rows = con.execute(
        """SELECT m.seq, m.modification_id, m.amount_ht, m.duration_months,
                  m.notification_date::VARCHAR, m.publication_date::VARCHAR, m.awardee_count
           FROM modifications m JOIN contracts c USING (contract_id) WHERE c.id = 'M2'
           ORDER BY m.seq"""
    ).fetchall()
    assert rows == [
        (1, "1", 95000.0, None, "2024-06-01", "2024-06-10", 0),
        (2, "2", None, 18.0, "2024-06-01", "2024-06-10", 0),
    ]
    issues = con.execute(
        """SELECT field, value, rule FROM quality_issues JOIN contracts USING (contract_id)
           WHERE id = 'M7' ORDER BY field, value"""
    ).fetchall()
    assert issues == [
        ("dateNotificationModification", soon, "date_in_future"),
        ("dateNotificationModification", "2999-01-01", "date_implausible"),
        ("datePublicationDonneesModification", "1999-12-31", "date_implausible"),
    ]
    assert con.execute("SELECT rule FROM duplicates").fetchall() == [("older_revision",)]


def test_concessions_on_the_fast_path(tmp_path, monkeypatch) -> None:
    """Concessions of a 2022 envelope are normalised in SQL under their own field names; one
    that carries a marché field the Python normaliser would fall back to, or anything the SQL
    path does not apply, goes back to Python. Values checked by hand."""
    import json

    from ingest_builders import concession, marche

    supplier = {"concessionnaire": {"typeIdentifiant": "SIRET", "id": "21350238800019"}}
    cases = {
        "C1": {},
        "C2": {"codeCpv": "55000000"},
        "C3": {"codeCPV": "55000000"},
        "C4": {"montant": 1000},
        "C5": {"titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "81223113200026"}}]},
        "C6": {"modifications": [{"modification": {"id": 1, "valeurGlobale": 1300000}}]},
        "C7": {"valeurGlobale": 150, "dateSignature": "2999-01-01", "concessionnaires": [supplier]},
        "C8": {"montantSubventionPublique": "1000"},
        "C9": {"autoriteConcedante": {"id": "21350238800019", "nom": "Commune de Rennes"}},
    }
    concessions = [
        json.dumps(concession(id=key, **extra), ensure_ascii=False) for key, extra in cases.items()
    ]
    path = tmp_path / "concessions.json"
    path.write_text(
        '{"marches": {"marche": [\n'
        + json.dumps(marche(id="M1"), ensure_ascii=False)
        + '\n], "contrat-concession": [\n'
        + ",\n".join(concessions)
        + "\n]}}\n",
        encoding="utf-8",
    )
    back_to_python = _spy_back_to_python(monkeypatch)
    _agreeing(_import_both(tmp_path, monkeypatch, [str(path)]))
    keys = ["M1", *cases]  # (positions run on from one list of the file to the next)
    assert sorted((keys[p], kind) for p, kind in back_to_python) == [
        ("C2", "concession"),
        ("C3", "concession"),
        ("C4", "concession"),
        ("C5", "concession"),
        ("C6", "concession"),
        ("C8", "concession"),
    ]

    con = connect(tmp_path / "sql-1")
    rows = con.execute(
        """SELECT id, kind, buyer_id, amount_ht, public_subsidy, notification_date::VARCHAR,
                  cpv, family, schema_version, awardee_count
           FROM contracts WHERE id IN ('C1', 'C2', 'C9', 'M1') ORDER BY id"""
    ).fetchall()
    assert rows == [
        ("C1", "concession", "21350238800019", 1250000.5, 40000.0, "2024-04-02", None, None, "2022", 1),
        ("C2", "concession", "21350238800019", 1250000.5, 40000.0, "2024-04-02", "55000000", "services", "2022", 1),
        ("C9", "concession", "21350238800019", 1250000.5, 40000.0, "2024-04-02", None, None, "hybrid", 1),
        ("M1", "marche", "21350238800019", 85000.0, None, "2024-03-01", "77310000", "services", "2022", 1),
    ]  # fmt: skip
    awardees = con.execute(
        """SELECT a.supplier_id, a.supplier_id_type FROM awardees a
           JOIN contracts c USING (contract_id) WHERE c.id = 'C1'"""
    ).fetchall()
    assert awardees == [("81223113200026", "SIRET")]
    issues = con.execute(
        """SELECT field, value, rule FROM quality_issues JOIN contracts USING (contract_id)
           WHERE id = 'C7' ORDER BY field, rule"""
    ).fetchall()
    assert issues == [
        ("concessionnaire.id", "21350238800019", "supplier_is_buyer"),
        ("datePublicationDonnees", "2024-04-20", "publication_before_notification"),
        ("dateSignature", "2999-01-01", "date_implausible"),
        ("montant", "150 € / 60 mois", "amount_duration_incoherent"),
        ("valeurGlobale", "150", "amount_implausible_low"),
    ]


def test_blanks_at_the_ends_of_texts(tmp_path, monkeypatch) -> None:
    """Texts lose the blanks at their ends (tab to carriage return, and space), as
    ``values.text`` does, and keep any other character there (checked by hand: a backspace,
    a shift-out, a unit separator, a no-break space). All these records stay on the SQL path."""
    import json

    from ingest_builders import marche

    ends = {"\t": "", "\n": "", "\x0b": "", "\x0c": "", "\r": "", " ": ""}
    ends |= {c: c for c in ("\x08", "\x0e", "\x1f", "\xa0")}
    lines = [
        json.dumps(marche(id=f"{c}B{n}{c}", objet=f"{c}Voirie{c}")) for n, c in enumerate(ends)
    ]
    path = tmp_path / "blancs.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    back_to_python = _spy_back_to_python(monkeypatch)
    results = _import_both(tmp_path, monkeypatch, [str(path)])
    assert results["1"] == results["0"] and back_to_python == []
    con = connect(tmp_path / "sql-1")
    rows = con.execute("SELECT id, object FROM contracts").fetchall()
    assert sorted(rows) == sorted(
        (f"{kept}B{n}{kept}", f"{kept}Voirie{kept}") for n, kept in enumerate(ends.values())
    )
