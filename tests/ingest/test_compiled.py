"""The compiled normaliser of clean marchés (``_marches.c``) gives the warehouse the Python
normaliser gives, row for row, and takes the records the SQL path would take."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pyarrow as pa
import pytest
from ingest_builders import marche
from test_sql_path import REAL_DIR, _modification, _rows, positions_twice, without_envelope

from ancrage.generate import generate
from ancrage.ingest import _marches, compiled, quality, sql_normalise
from ancrage.ingest.pipeline import run_import

# The C module is built by ``make install`` (gcc and OpenSSL's headers are on the machine): its
# absence would silently slow every import down (the SQL path would take its place), so it
# fails here.
assert _marches.keys()


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

    def spy(data, today, unhinted=(), kind="marche"):
        columns, handed_back = original(data, today, unhinted, kind)
        accepted.append(len(columns["f"]))
        return columns, handed_back

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
    path = without_envelope(synthetic, tmp_path, layout)
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


TODAY = date(2026, 11, 30)


def _issues(columns: dict, *names: str) -> list[tuple]:
    """The quality issues of a compiled slice, as sorted tuples of the named columns."""
    return sorted(zip(*(columns[name].to_pylist() for name in names), strict=True))


def _contracts(lines: list[str], file_index: int = 0, unhinted=()) -> tuple[list[dict], list]:
    columns, back = compiled.normalise_slice(_staged(lines, file_index), TODAY, unhinted)
    rows = pa.table({k: v for k, v in columns.items() if len(v) == len(columns["f"])})
    return rows.to_pylist(), back.tolist()


def test_values_of_an_accepted_record() -> None:
    """Values checked by hand on one record: trimmed texts, spaces out of identifiers, labels,
    dates as days, the contract's identity, current totals, awardees, modifications, issues."""
    record = marche(
        id="  2024-77 ",
        acheteur={"id": "213 502 388 00019", "nom": " Ville "},
        objet=" Voirie  ÉTÉ ",
        codeCPV="45233140-2",
        lieuExecution={"code": "35 238", "typeCode": "Code commune"},
        montant=85000.5,
        tauxAvance=0.05,
        origineUE=0.4,
        origineFrance=0.6,
        titulaires=[
            {"titulaire": {"typeIdentifiant": "TVA", "id": "FR1", "denominationSociale": " A "}},
            {"titulaire": {"typeIdentifiant": "SIRET", "id": "812 231 132 00027"}},
        ],
        modifications=[
            _modification(1, montant=90000, dateNotificationModification="2027-06-01"),
            _modification(3, dureeMois=18, datePublicationDonneesModification="2024-09-01"),
        ],
        considerationsSociales={"considerationSociale": []},
    )
    line = json.dumps(record, ensure_ascii=False)
    columns, back = compiled.normalise_slice(_staged([line]), TODAY)
    assert back.tolist() == []
    row = {name: values[0].as_py() for name, values in columns.items() if len(values) == 1}
    key = "marche|21350238800019|2024-77|2024-03-01|81223113200027,FR1|voirie été"
    assert row["contract_id"] == hashlib.md5(key.encode()).hexdigest()[:16]
    assert (row["id"], row["uid"], row["buyer_id"], row["buyer_name"]) == (
        "2024-77",
        "213502388000192024-77",
        "21350238800019",
        "Ville",
    )
    assert (row["object"], row["cpv"], row["cpv_raw"], row["family"]) == (
        "Voirie  ÉTÉ",
        "45233140",
        "45233140-2",
        "works",
    )
    assert (row["place_code"], row["place_code_type"]) == ("35238", "Code commune")
    assert (row["amount_ht"], row["current_amount_ht"]) == (85000.5, 90000.0)
    assert (row["duration_months"], row["current_duration_months"]) == (12.0, 18.0)
    assert row["notification_date"] == date(2024, 3, 1) and row["execution_start_date"] is None
    assert row["_last_publication"] == date(2024, 9, 1)  # (the modification's, the latest)
    assert row["social_considerations"] is None and row["has_social_consideration"] is None
    assert row["reserved"] is None and row["has_environmental_consideration"] is False
    assert row["techniques"] == ["Sans objet"] and row["price_types"] == ["Définitif ferme"]
    assert (row["advance"], row["advance_rate"], row["offers_received"]) == (False, 0.05, 3)
    assert (row["modification_count"], row["awardee_count"], row["subcontract_count"]) == (
        2,
        2,
        None,
    )
    assert row["schema_version"] == "hybrid"  # (a buyer's "nom", an awardee's name)
    assert columns["supplier_id"].to_pylist() == ["FR1", "81223113200027"]
    assert columns["supplier_name"].to_pylist() == ["A", None]
    assert columns["awardee_position"].to_pylist() == [0, 1]
    assert columns["modification_seq"].to_pylist() == [1, 2]
    assert columns["modification_id"].to_pylist() == ["1", "3"]
    issues = _issues(columns, "issue_field", "issue_value", "issue_rule")
    assert issues == [
        ("dateNotificationModification", "2027-06-01", "date_in_future"),
        ("origineFrance", "0.60 > 0.40", "origin_france_above_eu"),
        ("titulaire.id", "81223113200027", "supplier_siret_malformed"),
    ]


def test_quality_rules_of_the_contract() -> None:
    """Each rule the SQL path applies to a clean record, on values computed by hand."""
    lines = [
        json.dumps(marche(id="Q1", montant=123456789, dureeMois=400), ensure_ascii=False),
        json.dumps(
            marche(
                id="identifiant trop long",
                acheteur={"id": "21350238800018"},
                montant=150,
                offresRecues=0,
                datePublicationDonnees="2024-02-01",
                dateDebutExecution="1999-05-01",
                considerationsSociales={
                    "considerationSociale": ["Pas de considération sociale", "Clause sociale"]
                },
                origineUE=1.5,
                _type="Marché",
            ),
            ensure_ascii=False,
        ),
        json.dumps(
            marche(
                id="Q3",
                montant=1500,
                dureeMois=365,
                titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "21350238800019"}}],
                considerationsSociales={
                    "considerationSociale": ["Marché réservé", "Clause sociale"]
                },
            ),
            ensure_ascii=False,
        ),
    ]
    columns, back = compiled.normalise_slice(_staged(lines), TODAY)
    assert back.tolist() == []
    issues = _issues(columns, "issue_row", "issue_field", "issue_value", "issue_rule")
    assert issues == [
        (0, "dureeMois", "400", "duration_implausible"),
        (0, "montant", "123456789", "amount_sentinel"),
        (1, "_type", "Marché", "schema_type_field"),
        (1, "acheteur.id", "21350238800018", "buyer_siret_checksum"),
        (1, "considerationsSociales", "Pas de considération sociale | Clause sociale",
         "social_no_consideration_combined"),
        (1, "dateDebutExecution", "1999-05-01", "date_implausible"),
        (1, "datePublicationDonnees", "2024-02-01", "publication_before_notification"),
        (1, "id", "identifiant trop long", "contract_id_nonstandard"),
        (1, "montant", "150", "amount_implausible_low"),
        (1, "montant", "150 € / 12 mois", "amount_duration_incoherent"),
        (1, "offresRecues", "0", "offers_received_zero"),
        (1, "origineUE", "1.50", "origin_share_out_of_range"),
        (2, "considerationsSociales", "Marché réservé | Clause sociale", "reserved_not_alone"),
        (2, "dureeMois", "365", "duration_implausible"),
        (2, "montant", "1500 € / 365 mois", "amount_duration_incoherent"),
        (2, "titulaire.id", "21350238800019", "supplier_is_buyer"),
    ]  # fmt: skip
    assert columns["reserved"].to_pylist() == [False, False, True]
    assert columns["has_social_consideration"].to_pylist() == [True, True, True]


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
    columns, back = compiled.normalise_slice(_staged([base, line, base]), TODAY)
    assert back.tolist() == [1] and len(columns["f"]) == 2


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
    columns, back = compiled.normalise_slice(_staged(lines, 3), TODAY, unhinted=[3])
    orders = [order - (3 << 40) for order in back.tolist()]
    assert columns["id"].to_pylist() == ["K1", "K5"] and orders == [1, 2, 3]
    # In a file with an envelope, the same markers are not read.
    columns, back = compiled.normalise_slice(_staged(lines, 3), TODAY, unhinted=[])
    assert len(columns["id"]) == 5 and back.tolist() == []


def test_letters_whose_lowercase_is_not_known_are_handed_back() -> None:
    """The contract's identity lowercases its object: outside ASCII, Latin-1, Œ, Ÿ and the
    punctuation and currency blocks, the record goes to Python (İ lowercases differently in
    Python and DuckDB)."""
    lines = _lines({"L1": {"objet": "Œuvre « été » – 5 €"}, "L2": {"objet": "İzmir"}})
    columns, back = compiled.normalise_slice(_staged(lines), TODAY)
    assert columns["id"].to_pylist() == ["L1"] and back.tolist() == [1]


def test_compiled_contracts_keep_reading_order(synthetic, tmp_path, monkeypatch) -> None:
    """Not sorted on the compiled path (its columns come in reading order, and DuckDB keeps
    them so): the same order every run, the records not clean first, then the chunks'."""
    from itertools import pairwise

    import ancrage.ingest.fast_path as fast_path

    monkeypatch.setattr(fast_path, "COMPILED_CHUNK_LINES", 700)
    positions = positions_twice(synthetic, tmp_path)
    assert len(positions) > 5000 and sum(1 for a, b in pairwise(positions) if b < a) == 1


def test_compiled_chunks_give_the_same_warehouse_as_one_pass(synthetic, tmp_path, monkeypatch):
    import ancrage.ingest.fast_path as fast_path

    whole = run_import([str(synthetic)], data_dir=tmp_path / "whole")
    monkeypatch.setattr(fast_path, "COMPILED_CHUNK_LINES", 700)
    chunked = run_import([str(synthetic)], data_dir=tmp_path / "chunked")
    assert chunked["total"] == whole["total"]
    assert _rows(tmp_path / "chunked") == _rows(tmp_path / "whole")


def test_concessions_read_under_the_marche_names() -> None:
    """A concession's own fields in place of the marché's (autoriteConcedante, valeurGlobale,
    dateSignature, concessionnaires, montantSubventionPublique), its issues under its own
    names; one that also carries a marché field goes back to Python. Checked by hand."""
    from ingest_builders import concession

    lines = [
        json.dumps(
            concession(
                valeurGlobale=150,
                dateSignature="2027-02-01",
                datePublicationDonnees="2027-02-10",
                concessionnaires=[
                    {"concessionnaire": {"typeIdentifiant": "SIRET", "id": "21350238800019"}}
                ],
            ),
            ensure_ascii=False,
        ),
        json.dumps(concession(montant=1000), ensure_ascii=False),
        json.dumps(concession(modifications=[_modification(1, montant=2)]), ensure_ascii=False),
    ]
    columns, back = compiled.normalise_slice(_staged(lines), TODAY, kind="concession")
    assert back.tolist() == [1, 2]
    row = {name: values[0].as_py() for name, values in columns.items() if len(values) == 1}
    key = "concession|21350238800019|2024-DSP-01|2027-02-01|21350238800019|exploitation du camping municipal"
    assert row["contract_id"] == hashlib.md5(key.encode()).hexdigest()[:16]
    assert (row["cpv"], row["family"], row["public_subsidy"]) == (None, None, 40000.0)
    assert (row["amount_ht"], row["notification_date"]) == (150.0, date(2027, 2, 1))
    issues = _issues(columns, "issue_field", "issue_rule")
    assert issues == [
        ("concessionnaire.id", "supplier_is_buyer"),
        ("datePublicationDonnees", "date_in_future"),
        ("dateSignature", "date_in_future"),
        ("montant", "amount_duration_incoherent"),
        ("valeurGlobale", "amount_implausible_low"),
    ]


# Mutations of a clean marché, each a small change a real file may carry; combined at random
# (fixed seed) below. Each value is checked by none of the tests: the three paths must agree.
_MUTATIONS = [
    lambda r: r.update(objet=f"  {r.get('objet', '')}  "),
    lambda r: r.update(objet="Œuvre  d'art « été » — 5 € ÉCOLE"),
    lambda r: r.update(objet="İstanbul ß ǅ µ ÿ Ÿ"),  # (İ: another lowercase in DuckDB)
    lambda r: r.update(objet="Façade ß µ ÿ Ÿ ª º Æ Ø Þ ×"),
    lambda r: r.update(objet="Travaux\u00a0de voirie"),
    lambda r: r.update(objet=""),
    lambda r: r.pop("objet"),
    lambda r: r.update(id=" 0000 "),
    lambda r: r.update(id="2024/ABC#12-x_y.z"),
    lambda r: r.update(id="un identifiant bien trop long"),
    lambda r: r.update(procedure="procédure adaptée"),
    lambda r: r.update(nature="Marché de partenariat"),
    lambda r: r.update(nature=" Marché "),
    lambda r: r.update(montant=123456789),
    lambda r: r.update(montant=1111111111.0),
    lambda r: r.update(montant=quality.SENTINEL_AMOUNT),
    lambda r: r.update(montant=150.125),
    lambda r: r.update(montant=0.5),
    lambda r: r.update(montant=-5),
    lambda r: r.update(montant="85000"),
    lambda r: r.update(dureeMois=0),
    lambda r: r.update(dureeMois=365, montant=9_000_000),
    lambda r: r.update(dureeMois=12.5),
    lambda r: r.update(dateNotification="2031-01-01"),
    lambda r: r.update(dateNotification="1999-12-31"),
    lambda r: r.update(dateNotification="2024-02-29"),
    lambda r: r.update(datePublicationDonnees="2023-01-01"),
    lambda r: r.update(dateDebutExecution="2027-01-15"),
    lambda r: r.update(offresRecues=0),
    lambda r: r.update(offresRecues=-1),
    lambda r: r.update(origineUE=0.3, origineFrance=0.5),
    lambda r: r.update(origineUE=1.2),
    lambda r: r.update(tauxAvance=0.05, attributionAvance=True),
    lambda r: r.update(codeCPV="03000000-1"),
    lambda r: r.update(codeCPV="48000000"),
    lambda r: r.update(codeCPV=" 45000000 "),
    lambda r: r.update(acheteur={"id": "21350238800018", "nom": "Ville"}),
    lambda r: r.update(acheteur={"id": " 213 502 388 00019 "}),
    lambda r: r.update(lieuExecution={"code": "35 238", "typeCode": "Code postal", "nom": "X"}),
    lambda r: r.update(lieuExecution={"typeCode": "Code commune"}),
    lambda r: r.update(
        titulaires=[
            {"titulaire": {"typeIdentifiant": "SIRET", "id": "81223113200026"}},
            {"titulaire": {"typeIdentifiant": "SIRET", "id": "81223113200026"}},
            {"titulaire": {"typeIdentifiant": "HORS-UE", "id": "ZZ-9", "denominationSociale": "Z"}},
        ]
    ),
    lambda r: r.update(
        titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "21350238800019"}}]
    ),
    lambda r: r.update(titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "123"}}]),
    lambda r: r.update(
        considerationsSociales={
            "considerationSociale": ["Clause sociale", "Marché réservé", "Clause sociale"]
        }
    ),
    lambda r: r.update(
        considerationsEnvironnementales={
            "considerationEnvironnementale": [
                "Pas de considération environnementale",
                "Clause environnementale",
            ]
        }
    ),
    lambda r: r.update(techniques={"technique": []}),
    lambda r: r.update(actesSousTraitance=[{"acteSousTraitance": {"id": 1}}]),
    lambda r: r.update(actesSousTraitance=[]),
    lambda r: r.update(
        modifications=[
            {"modification": {"id": 1, "montant": 90000.5, "dureeMois": 14}},
            {
                "modification": {
                    "id": 2,
                    "datePublicationDonneesModification": "2024-05-02",
                    "montant": 95000,
                }
            },
        ]
    ),
    lambda r: r.update(modifications=[]),
    lambda r: r.update(_type="Marché"),
    lambda r: r.update(uid="2135023880001924001"),
    lambda r: r.update(champInconnu={"a": [1, 2, {"b": "c"}]}),
]


def test_compiled_agrees_on_mutated_records(tmp_path, monkeypatch) -> None:
    import random

    rng = random.Random(2026)
    records = []
    for n in range(400):
        # (a key no path reads, so that no two records have the same content: two copies of
        # one content written differently are an older revision for the fast path, the same
        # content for Python, as docs/import.md says)
        record = marche(id=f"F{n}", numero=n)
        for mutation in rng.sample(_MUTATIONS, rng.randint(0, 4)):
            mutation(record)
        records.append(json.dumps(record, ensure_ascii=rng.random() < 0.1))
    path = tmp_path / "mutations.json"
    path.write_text(
        '{"marches": {"marche": [\n' + ",\n".join(records) + "\n]}}\n", encoding="utf-8"
    )
    _agree(_import_three_ways(tmp_path, monkeypatch, [str(path)]))
