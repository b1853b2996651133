"""Values checked by hand against the real files and the official examples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

REAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"


def test_megalis_2024_record(ingest, query) -> None:
    ingest(REAL_DIR / "records/decp-2022/megalis_decp-59920013600241-2024-07-09-01.json")
    row = query(
        """SELECT buyer_id, amount_ht, cpv, family, procedure, duration_months, notification_date,
                  publication_date, offers_received, has_social_consideration,
                  has_environmental_consideration, reserved, place_code, place_code_type, schema_version
           FROM contracts WHERE id = 'H9O2024T0000256'"""
    )
    assert row == [
        (
            "59920013600241",
            32122.0,
            "45111100",
            "works",
            "Appel d'offres ouvert",
            4.0,
            dt.date(2024, 5, 30),
            dt.date(2024, 7, 9),
            11,
            False,
            False,
            False,
            "22",
            "Code département",
            "2022",
        )
    ]
    awardees = query(
        "SELECT supplier_id, supplier_id_type, is_current FROM awardees a JOIN contracts c USING (contract_id) WHERE c.id = 'H9O2024T0000256'"
    )
    assert awardees == [("32933888305269", "SIRET", True)]
    # The file still carries "_type", forbidden since schema 2.0.3: recorded, not fatal.
    (n,) = query("SELECT count(*) FROM quality_issues WHERE rule = 'schema_type_field'")[0]
    assert n == 5


def test_2022_modification_gives_new_totals_and_awardees(ingest, query) -> None:
    ingest(REAL_DIR / "examples/decp-2022/json/marches_avec_modifications.json")
    rows = query(
        """SELECT amount_ht, current_amount_ht, duration_months, current_duration_months,
                  modification_count, social_considerations, reserved
           FROM contracts WHERE id = 'TEST2022'"""
    )
    assert rows == [
        (575000.0, 123457.87, 48.0, 12.0, 1, ["Clause sociale", "Critère social"], False)
    ]
    awardees = query(
        """SELECT supplier_id, origin, is_current FROM awardees a JOIN contracts c USING (contract_id)
           WHERE c.id = 'TEST2022' ORDER BY origin"""
    )
    assert awardees == [
        ("55204599900869", "initial", False),
        ("868768687576575", "modification:1", True),
    ]
    # 868768687576575 has 15 digits: not a SIRET, flagged.
    flagged = query("SELECT value FROM quality_issues WHERE rule = 'supplier_siret_malformed'")
    assert ("868768687576575",) in flagged


def test_2019_modification_replaces_awardees(ingest, query) -> None:
    ingest(REAL_DIR / "examples/decp-2019/json/mar-avec-modifications.json")
    (row,) = query(
        "SELECT amount_ht, current_amount_ht, buyer_name, modification_count, has_social_consideration, awardee_count FROM contracts"
    )
    # The modification changes the awardees only: amount stays 127 000; no considerations in 2019.
    assert row == (127000.0, 127000.0, "Ville de Rennes", 1, None, 2)
    current = query(
        "SELECT supplier_id, supplier_name FROM awardees WHERE is_current ORDER BY supplier_id"
    )
    assert current == [("81223113200026", "Garami SARL"), ("87127639200012", "Amandier SA")]
    (mod,) = query("SELECT seq, object, notification_date FROM modifications")
    assert mod == (
        1,
        "Changement de titulaire : remplacement d'Hellman par Amandier.",
        dt.date(2008, 7, 20),
    )


def test_pes_record_with_time_zone_dates(ingest, query) -> None:
    ingest(REAL_DIR / "records/decp-2019/decp-rama_2019-04-05_data.gouv.fr_pes.json")
    (row,) = query(
        "SELECT buyer_name, amount_ht, cpv, notification_date, publication_date, duration_months FROM contracts WHERE id = '2019I1703000'"
    )
    assert row == (
        "INOVALYS",
        153900.0,
        "50700000",
        dt.date(2018, 12, 17),
        dt.date(2019, 3, 19),
        38.0,
    )


def test_hybrid_2024_xml_record(ingest, query) -> None:
    report = ingest(REAL_DIR / "records/decp-2022/decp-rama_test_tri_hybrid-2024.xml")
    assert report["files"][0]["format"] == "decp-2022-xml"
    (row,) = query(
        "SELECT schema_version, buyer_name, cpv, amount_ht, has_social_consideration, social_considerations, offers_received FROM contracts"
    )
    # Empty 2022 elements mean "not published": null, never "no consideration" or 0 offers.
    assert row == (
        "hybrid",
        "CC DU PAYS DE DOL ET DE LA BAIE DU MONT SAINT-MICHEL",
        "03417000",
        73500.0,
        None,
        None,
        None,
    )


def test_aife_file_counts(ingest, query) -> None:
    report = ingest(REAL_DIR / "records/decp-2019/decp-rama_2019-04-04_data.gouv.fr_aife.json")
    (entry,) = report["files"]
    assert entry["records_read"] == 4530
    # Records without an id or buyer cannot be identified: quarantined with their reason.
    assert entry["quarantine_reasons"] == {"no_contract_id": 5, "no_buyer": 1}
    (missing_dates,) = query(
        "SELECT count(*) FROM quality_issues WHERE rule = 'notification_date_missing'"
    )[0]
    assert missing_dates > 2000
    raw = query("SELECT raw FROM quarantine WHERE reason = 'no_buyer'")[0][0]
    assert '"acheteur"' in raw or '"id"' in raw


def test_tabular_extract_groups_rows_by_contract(ingest, query) -> None:
    import csv

    path = REAL_DIR / "records/tabular/decp-processing-extract_2024H2_travaux_cpv4521.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = ingest(path)
    assert report["files"][0]["records_read"] == len(rows) == 8957
    uids = {r["uid"] for r in rows}
    (contracts, distinct_uids) = query("SELECT count(*), count(DISTINCT uid) FROM contracts")[0]
    assert distinct_uids == len(uids)
    # One contract per uid and version: every awardee of a uid is attached to it.
    pairs = {(r["uid"], r["titulaire_id"]) for r in rows if r["titulaire_id"]}
    # Two rows have no awardee id: their contracts are loaded and flagged, not dropped.
    assert sum(1 for r in rows if not r["titulaire_id"]) == 2
    (flagged,) = query("SELECT count(*) FROM quality_issues WHERE rule = 'awardees_missing'")[0]
    assert flagged == 2
    (awardee_pairs,) = query(
        "SELECT count(DISTINCT (c.uid, a.supplier_id)) FROM awardees a JOIN contracts c USING (contract_id)"
    )[0]
    assert awardee_pairs == len(pairs)
    assert contracts >= distinct_uids


def test_minef_markers_are_recorded_not_loaded_as_values(ingest, query) -> None:
    ingest(REAL_DIR / "records/tabular/minef_decp_augmente_valides_2022_sample.csv")
    (row,) = query(
        "SELECT advance, innovative, considerations FROM (SELECT advance, innovative, social_considerations AS considerations FROM contracts WHERE id = '202404')"
    )
    assert row == (None, None, ["Pas de considération sociale"])
    markers = query(
        "SELECT field FROM quality_issues q JOIN contracts c USING (contract_id) WHERE c.id = '202404' AND rule = 'minef_marker' ORDER BY field"
    )
    assert ("attributionAvance",) in markers and ("marcheInnovant",) in markers
