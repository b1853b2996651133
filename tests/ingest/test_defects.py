"""The known defects of decp-format.md §6: read, flagged, never replaced by invented values."""

from __future__ import annotations

import datetime as dt
import json

from ingest_builders import concession, marche, write_decp_2022


def _issues(query, contract_ref: str) -> set[tuple[str, str | None, str]]:
    return set(
        query(
            "SELECT q.field, q.value, q.rule FROM quality_issues q JOIN contracts c USING (contract_id) WHERE c.id = ?",
            contract_ref,
        )
    )


def test_strings_placeholders_and_lost_zero(tmp_path, ingest, query) -> None:
    record = marche(
        id="D1", montant="12 500,50", dureeMois="NC", codeCPV="9310000", offresRecues="3"
    )
    ingest(write_decp_2022(tmp_path / "d.json", [record]))
    (row,) = query(
        "SELECT amount_ht, duration_months, cpv, cpv_raw, family, offers_received FROM contracts"
    )
    assert row == (12500.5, None, "09310000", "9310000", "supplies", 3)
    issues = _issues(query, "D1")
    assert ("montant", "12 500,50", "number_as_text") in issues
    assert ("dureeMois", "NC", "placeholder_value") in issues
    assert ("codeCPV", "9310000", "cpv_leading_zero_lost") in issues


def test_dates_with_time_zone_typos_and_english(tmp_path, ingest, query) -> None:
    records = [
        marche(id="T1", dateNotification="2024-03-01+01:00", datePublicationDonnees="2024-02-01"),
        marche(id="T2", dateNotification="0222-04-29"),
        marche(id="T3", dateNotification="September, 16 2021 00:00:00"),
        marche(id="T4", dateNotification="pas une date"),
    ]
    ingest(write_decp_2022(tmp_path / "d.json", records))
    dates = dict(query("SELECT id, notification_date FROM contracts"))
    # The typo year stays as given (never "corrected" by guessing) and is flagged.
    assert dates == {
        "T1": dt.date(2024, 3, 1),
        "T2": dt.date(222, 4, 29),
        "T3": dt.date(2021, 9, 16),
        "T4": None,
    }
    assert ("datePublicationDonnees", "2024-02-01", "publication_before_notification") in _issues(
        query, "T1"
    )
    assert ("dateNotification", "0222-04-29", "date_implausible") in _issues(query, "T2")
    assert (
        "dateNotification",
        "September, 16 2021 00:00:00",
        "date_nonstandard_format",
    ) in _issues(query, "T3")
    assert ("dateNotification", "pas une date", "not_a_date") in _issues(query, "T4")


def test_enum_variants_and_legacy_labels(tmp_path, ingest, query) -> None:
    records = [
        marche(
            id="E1",
            nature="MARCHE",
            procedure="Appel d offres ouvert",
            lieuExecution={"code": "35", "typeCode": "CODE DEPARTEMENT"},
        ),
        marche(id="E2", procedure="Marché négocié sans publicité ni mise en concurrence préalable"),
        marche(id="E3", procedure="Procédure inventée"),
    ]
    ingest(write_decp_2022(tmp_path / "d.json", records))
    rows = dict(
        (r[0], r[1:]) for r in query("SELECT id, nature, procedure, place_code_type FROM contracts")
    )
    assert rows["E1"] == ("Marché", "Appel d'offres ouvert", "Code département")
    assert rows["E2"][1] == "Marché passé sans publicité ni mise en concurrence préalable"
    assert rows["E3"][1] == "Procédure inventée"  # kept as given
    assert (
        "procedure",
        "Marché négocié sans publicité ni mise en concurrence préalable",
        "procedure_legacy_label",
    ) in _issues(query, "E2")
    assert ("procedure", "Procédure inventée", "enum_unknown") in _issues(query, "E3")


def test_dotted_keys_nested_and_empty_awardees(tmp_path, ingest, query) -> None:
    dotted = marche(id="K1")
    del dotted["acheteur"]
    dotted["acheteur.id"] = "21350238800019"
    nested = marche(
        id="K2",
        titulaires=[
            [[{"titulaire": {"typeIdentifiant": "SIRET", "id": "81223113200026"}}]],
            {},
            {"titulaire": {}},
        ],
    )
    empty = marche(id="K3", titulaires=[])
    ingest(write_decp_2022(tmp_path / "d.json", [dotted, nested, empty]))
    counts = dict(
        query(
            "SELECT c.id, count(a.supplier_id) FROM contracts c LEFT JOIN awardees a USING (contract_id) GROUP BY 1"
        )
    )
    assert counts == {"K1": 1, "K2": 1, "K3": 0}
    assert ("titulaires", None, "awardees_missing") in _issues(query, "K3")


def test_considerations_no_consideration_combined(tmp_path, ingest, query) -> None:
    record = marche(
        id="C1",
        considerationsSociales={
            "considerationSociale": ["Pas de considération sociale", "Clause sociale"]
        },
    )
    reserved = marche(id="C2", considerationsSociales={"considerationSociale": ["Marché réservé"]})
    ingest(write_decp_2022(tmp_path / "d.json", [record, reserved]))
    rows = dict(
        (r[0], r[1:]) for r in query("SELECT id, has_social_consideration, reserved FROM contracts")
    )
    assert rows == {"C1": (True, False), "C2": (True, True)}
    rules = {r for _, _, r in _issues(query, "C1")}
    assert "social_no_consideration_combined" in rules


def test_implausible_amounts_are_kept_and_flagged(tmp_path, ingest, query) -> None:
    records = [
        marche(id="A1", montant=1),
        marche(id="A2", montant=1.0e17, dureeMois=40),
        marche(id="A3", montant=999999999, dureeMois=12),
        marche(id="A4", montant=50000, dureeMois=365),
    ]
    ingest(write_decp_2022(tmp_path / "d.json", records))
    amounts = dict(query("SELECT id, amount_ht FROM contracts"))
    assert amounts == {"A1": 1.0, "A2": 1.0e17, "A3": 999999999.0, "A4": 50000.0}
    assert {r for _, _, r in _issues(query, "A1")} >= {"amount_implausible_low"}
    assert {r for _, _, r in _issues(query, "A2")} >= {"amount_implausible_high"}
    assert {r for _, _, r in _issues(query, "A3")} >= {"amount_sentinel"}
    assert {r for _, _, r in _issues(query, "A4")} >= {
        "amount_duration_incoherent",
        "duration_implausible",
    }


def test_quarantine_reasons_and_verbatim_content(tmp_path, ingest, query) -> None:
    no_buyer = marche(id="Q1")
    del no_buyer["acheteur"]
    no_id = marche(id="")
    zero_id = marche(id="0000000000000000")
    path = tmp_path / "q.json"
    body = json.dumps(
        {"marches": {"marche": [no_buyer, no_id, zero_id, "pas un objet", marche(id="OK")]}}
    )
    path.write_text(body)
    report = ingest(path)
    assert report["files"][0]["quarantine_reasons"] == {
        "no_contract_id": 2,
        "no_buyer": 1,
        "not_an_object": 1,
    }
    assert report["total"]["loaded"] == 1
    raws = [json.loads(r[0]) for r in query("SELECT raw FROM quarantine WHERE reason = 'no_buyer'")]
    assert raws[0]["id"] == "Q1" and raws[0]["objet"] == "Entretien des espaces verts"


def test_broken_json_record_is_quarantined_and_reading_continues(tmp_path, ingest, query) -> None:
    good = json.dumps(marche(id="G1"))
    broken = '{"id": "B1", "acheteur": {"id": "21350238800019"}, "objet": "oups" "montant": 3}'
    path = tmp_path / "broken.json"
    path.write_text(
        '{"marches": {"marche": ['
        + good
        + ",\n"
        + broken
        + ",\n"
        + json.dumps(marche(id="G2"))
        + "]}}"
    )
    report = ingest(path)
    entry = report["files"][0]
    assert (entry["records_read"], entry["loaded"], entry["quarantined"]) == (3, 2, 1)
    (raw,) = query("SELECT raw FROM quarantine WHERE reason = 'unparseable'")[0]
    assert raw == broken


def test_invalid_backslash_escape_is_repaired(tmp_path, ingest, query) -> None:
    path = tmp_path / "aws.json"
    record = json.dumps(marche(id="W1", objet="PLACEHOLDER"))
    path.write_text(
        '{"marches": {"marche": [' + record.replace("PLACEHOLDER", r"Lot 1 \ voirie") + "]}}"
    )
    ingest(path)
    assert query("SELECT object FROM contracts") == [("Lot 1 \\ voirie",)]


def test_concession_fields(tmp_path, ingest, query) -> None:
    record = concession(
        id="DSP-2024-1",
        objet="Exploitation de la piscine",
        procedure="Procédure négociée ouverte",
        dateSignature="2024-02-01",
        datePublicationDonnees="2024-02-10",
        dateDebutExecution="2024-03-01",
        valeurGlobale=2500000,
        montantSubventionPublique=100000,
        considerationsSociales={"considerationSociale": ["Concession réservée"]},
        considerationsEnvironnementales={
            "considerationEnvironnementale": ["Critère environnemental"]
        },
    )
    ingest(write_decp_2022(tmp_path / "c.json", [], [record]))
    (row,) = query(
        "SELECT kind, buyer_id, amount_ht, public_subsidy, notification_date, execution_start_date, reserved, has_environmental_consideration FROM contracts"
    )
    assert row == (
        "concession",
        "21350238800019",
        2500000.0,
        100000.0,
        dt.date(2024, 2, 1),
        dt.date(2024, 3, 1),
        True,
        True,
    )
