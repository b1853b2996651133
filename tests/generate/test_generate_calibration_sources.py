"""The calibration figures measured on real files are recomputed here from those files."""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ancrage.generate import calibration as cal

NO_PUBLICITY = "Marché passé sans publicité ni mise en concurrence préalable"


@pytest.fixture(scope="module")
def works_extract(real_dir: Path) -> list[dict[str, str]]:
    path = real_dir / "records" / "tabular" / "decp-processing-extract_2024H2_travaux_cpv4521.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def marches_2019(real_dir: Path) -> list[dict[str, Any]]:
    records = []
    for path in sorted((real_dir / "records" / "decp-2019").glob("*.json")):
        records += json.loads(path.read_text(encoding="utf-8"))["marches"]
    return records


def incoherent(amount: float, months: float) -> bool:
    """decp-qualite amount/duration coherence rules (decp-format.md §6.3)."""
    ratio = amount / months
    return (
        ratio < 100
        or (ratio < 1_000 and amount < 200_000)
        or (months in (360, 365, 366) and amount < 10_000_000)
        or (months > 120 and amount < 2_000_000)
    )


def _first_rows(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    contracts: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        contracts.setdefault(row["uid"], []).append(row)
    return contracts


def test_works_extract_figures(works_extract: list[dict[str, str]]) -> None:
    rows = works_extract
    same = sum(
        row["acheteur_departement_code"] == row["titulaire_departement_code"] for row in rows
    )
    same_region = sum(row["acheteur_region_code"] == row["titulaire_region_code"] for row in rows)
    assert (same, len(rows)) == (5_583, 8_957)
    assert round(same / len(rows), 3) == cal.LOCAL_SHARES["works"][0]
    assert round(same_region / len(rows), 3) == cal.LOCAL_SHARES["works"][1]
    contracts = _first_rows(rows)
    first = [group[0] for group in contracts.values()]
    assert len(first) == 5_180
    competitive = Counter(
        int(row["offresRecues"]) for row in first if row["procedure"] != NO_PUBLICITY
    )
    assert tuple(sorted(competitive.items())) == cal.OFFERS_COMPETITIVE
    no_publicity = Counter(
        int(row["offresRecues"]) for row in first if row["procedure"] == NO_PUBLICITY
    )
    assert tuple(sorted(no_publicity.items())) == cal.OFFERS_NO_PUBLICITY
    assert sum(int(row["offresRecues"]) == 1 for row in first) == 1_100  # 21.2 % single bids
    sizes = Counter(len(group) for group in contracts.values())
    assert tuple(sorted((k, n) for k, n in sizes.items() if 2 <= k <= 30)) == (
        cal.MULTI_AWARDEE_COUNTS
    )
    logs = [math.log(float(row["montant"])) for row in first]
    assert (round(statistics.mean(logs), 2), round(statistics.pstdev(logs), 2)) == (
        cal.AMOUNT_LOG["works"]
    )
    durations_by_row = [float(row["dureeMois"]) for row in first]
    durations = sorted(int(value) for value in durations_by_row)
    assert statistics.median(durations) == 14
    assert round(math.log(14), 2) == cal.DURATION_WORKS_LOG[0]
    assert round(
        statistics.correlation(logs, [math.log(value) for value in durations_by_row]), 2
    ) == (cal.DURATION_AMOUNT_CORRELATION)
    flagged = sum(incoherent(float(row["montant"]), float(row["dureeMois"])) for row in first)
    assert round(flagged / len(first), 3) == 0.016
    months = Counter(row["dateNotification"][:7] for row in first)
    assert round(months["2024-12"] / len(first), 2) == 0.25


def _family(record: dict[str, Any]) -> str | None:
    code = str(record.get("codeCPV") or "").split("-")[0].strip()
    if len(code) == 7 and code.isdigit():
        code = "0" + code
    if len(code) != 8 or not code.isdigit():
        return None
    division = int(code[:2])
    return (
        "works"
        if division == 45
        else "supplies"
        if division <= 44 or division == 48
        else "services"
    )


def test_2019_files_figures(marches_2019: list[dict[str, Any]]) -> None:
    marches = [
        record
        for record in marches_2019
        if record.get("_type", "Marché") != "Contrat de concession"
        and "autoriteConcedante" not in record
    ]
    families = Counter(_family(record) for record in marches)
    assert (families["services"], families["works"], families["supplies"]) == (2_226, 1_976, 1_917)
    assert cal.FAMILY_SHARES["services"] == 2_226 / 6_119
    for family in ("supplies", "services"):
        logs = []
        for record in marches:
            try:
                amount = float(record.get("montant"))
            except (TypeError, ValueError):
                continue
            if _family(record) == family and 1_000 < amount < 1e9:
                logs.append(math.log(amount))
        measured = (round(statistics.mean(logs), 2), round(statistics.pstdev(logs), 2))
        assert measured == cal.AMOUNT_LOG[family], family
    flagged = total = 0
    for record in marches:
        try:
            amount, months = float(record["montant"]), float(record["dureeMois"])
        except (KeyError, TypeError, ValueError):
            continue
        if amount > 0 and months > 0:
            total += 1
            flagged += incoherent(amount, months)
    assert round(flagged / total, 3) == 0.173  # real data breaks these rules often
    modified = sum(bool(record.get("modifications")) for record in marches)
    assert modified == 20 + 8 + 8  # AIFE, PES, e-marchespublics
    top_works = Counter(
        record["codeCPV"].split("-")[0] for record in marches if _family(record) == "works"
    ).most_common(1)
    assert top_works == [("45000000", 302)] == [cal.CPV_TOP["works"][0]]


def test_siae_kinds_come_from_le_marche(real_dir: Path) -> None:
    path = real_dir / "reference" / "companies" / "le-marche_siae_fixture_no-contacts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        kinds = Counter(row["kind"] for row in csv.DictReader(handle))
    assert tuple(kinds.most_common()) == cal.SIAE_KINDS


def test_concession_share_in_the_aife_file(real_dir: Path) -> None:
    path = real_dir / "records" / "decp-2019" / "decp-rama_2019-04-04_data.gouv.fr_aife.json"
    records = json.loads(path.read_text(encoding="utf-8"))["marches"]
    concessions = sum(record.get("_type") == "Contrat de concession" for record in records)
    assert (concessions, len(records)) == (22, 4_530)
