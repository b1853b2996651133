"""Duplicate and revision rules (docs/import.md)."""

from __future__ import annotations

import json

from ingest_builders import marche, write_decp_2022


def _mod(n: int, amount: float, date: str) -> dict:
    return {
        "modification": {
            "id": n,
            "montant": amount,
            "dateNotificationModification": date,
            "datePublicationDonneesModification": date,
        }
    }


def test_republished_revision_replaces_the_older_one(tmp_path, ingest, query) -> None:
    original = marche(id="R1")
    revised = marche(id="R1", modifications=[_mod(1, 99000, "2024-09-01")])
    report = ingest(
        write_decp_2022(tmp_path / "a.json", [original]),
        write_decp_2022(tmp_path / "b.json", [revised]),
    )
    a, b = report["files"]
    assert (a["loaded"], a["duplicates"]) == (0, 1)
    assert (b["loaded"], b["duplicates"]) == (1, 0)
    assert query("SELECT current_amount_ht, modification_count FROM contracts") == [(99000.0, 1)]
    # The older revision's content stays in raw_records, found by its content hash.
    (rule, raw) = query(
        "SELECT d.rule, r.raw FROM duplicates d JOIN raw_records r USING (content_hash)"
    )[0]
    assert rule == "older_revision"
    assert json.loads(raw)["id"] == "R1" and "modifications" not in json.loads(raw)


def test_revision_arriving_in_a_later_import_supersedes(tmp_path, ingest, query) -> None:
    ingest(write_decp_2022(tmp_path / "a.json", [marche(id="R2")]))
    report = ingest(
        write_decp_2022(
            tmp_path / "b.json", [marche(id="R2", modifications=[_mod(1, 120000, "2024-10-01")])]
        )
    )
    assert report["total"]["loaded"] == 1 and report["total"]["superseded_previous"] == 1
    assert query("SELECT count(*), max(current_amount_ht) FROM contracts") == [(1, 120000.0)]
    # The superseded record is kept, with its content, among the duplicates.
    (raw,) = query(
        "SELECT r.raw FROM duplicates d JOIN raw_records r USING (content_hash) WHERE d.rule = 'older_revision'"
    )[0]
    assert json.loads(raw)["montant"] == 85000
    # Its awardees and issues went with it: one awardee row remains.
    assert query("SELECT count(*) FROM awardees") == [(1,)]


def test_same_id_for_distinct_lots_are_two_contracts(tmp_path, ingest, query) -> None:
    lot1 = marche(id="202117F000000000", objet="Lot 1 : voirie")
    lot2 = marche(
        id="202117F000000000",
        objet="Lot 2 : éclairage",
        titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "35600000000048"}}],
    )
    ingest(write_decp_2022(tmp_path / "lots.json", [lot1, lot2]))
    assert query("SELECT count(*), count(DISTINCT contract_id) FROM contracts") == [(2, 2)]
    assert query(
        "SELECT count(*) FROM quality_issues WHERE rule = 'duplicate_uid_distinct_lots'"
    ) == [(2,)]


def test_exact_duplicate_within_and_across_files(tmp_path, ingest, query) -> None:
    record = marche(id="X1")
    report = ingest(
        write_decp_2022(tmp_path / "a.json", [record, record]),
        write_decp_2022(tmp_path / "b.json", [record]),
    )
    assert [(f["loaded"], f["duplicates"]) for f in report["files"]] == [(1, 1), (0, 1)]
    kept = query("SELECT contract_id FROM contracts")[0][0]
    assert query("SELECT DISTINCT rule, duplicate_of FROM duplicates") == [("same_content", kept)]


def test_reimported_quarantined_record_is_not_quarantined_twice(tmp_path, ingest, query) -> None:
    bad = marche(id="")
    path = write_decp_2022(tmp_path / "q.json", [bad])
    ingest(path)
    report = ingest(path)
    assert report["total"]["duplicates"] == 1 and report["total"]["quarantined"] == 0
    assert query("SELECT count(*) FROM quarantine") == [(1,)]
    assert query("SELECT rule FROM duplicates") == [("already_quarantined",)]
