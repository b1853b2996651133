"""Shares measured on a generated file match the documented calibration figures."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from ancrage.generate import calibration as cal
from ancrage.reference import communes

from .conftest import Generated


def _family(code: str) -> str:
    division = int(code[:2])
    return (
        "works"
        if division == 45
        else "supplies"
        if division <= 44 or division == 48
        else "services"
    )


def _usable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records whose measured fields are well-formed (defective ones are left out)."""
    return [
        record
        for record in records
        if isinstance(record.get("montant"), (int, float))
        and 1 < record["montant"] < 1e10
        and record.get("acheteur", {}).get("id", "").isdigit()
        and record["titulaires"]
        and len(record["codeCPV"]) == 8
        and isinstance(record["offresRecues"], int)
        and "_type" not in record
    ]


def test_contract_kinds_families_and_techniques(generated_20k: Generated) -> None:
    summary = generated_20k.summary
    assert summary.concessions / summary.contracts == cal.CONCESSION_SHARE
    marches = _usable(generated_20k.marches)
    families = Counter(_family(record["codeCPV"]) for record in marches)
    for family, share in cal.FAMILY_SHARES.items():
        assert abs(families[family] / len(marches) - share) < 0.015, family
    frameworks = sum("Accord-cadre" in record["techniques"]["technique"] for record in marches)
    assert abs(frameworks / len(marches) - cal.FRAMEWORK_SHARE) < 0.015
    modified = sum(bool(record.get("modifications")) for record in marches)
    assert abs(modified / len(marches) - cal.MODIFICATION_SHARE) < 0.004


def test_awardees_offers_and_amounts(generated_20k: Generated) -> None:
    summary = generated_20k.summary
    assert abs(summary.awardee_rows / summary.contracts - cal.AWARDEES_PER_CONTRACT) < 0.03
    marches = _usable(generated_20k.marches)
    single = sum(record["offresRecues"] == 1 for record in marches) / len(marches)
    assert abs(single - 0.212) < 0.02  # 1 100 / 5 180 single-bid marchés in the works extract
    for family, (mu, _) in cal.AMOUNT_LOG.items():
        amounts = [record["montant"] for record in marches if _family(record["codeCPV"]) == family]
        median = statistics.median(amounts)
        # exp(mu) is the median of the lognormal; the redraw below 4 000 € lifts it a little.
        assert 0.95 < median / 2.718281828**mu < 1.15, family


def test_local_sme_ess_and_inclusive_suppliers(generated_20k: Generated) -> None:
    departement = dict(
        zip(
            communes().column("code").to_pylist(),
            communes().column("departement").to_pylist(),
            strict=True,
        )
    )
    establishments, units = generated_20k.establishments, generated_20k.units
    siae = {row["siret"] for row in generated_20k.siae}
    same, rows = Counter(), Counter()
    sme = ess = inclusive = total = 0
    for record in _usable(generated_20k.marches):
        buyer = establishments[record["acheteur"]["id"]]
        family = _family(record["codeCPV"])
        for item in record["titulaires"]:
            supplier = establishments.get(item["titulaire"]["id"])
            if supplier is None:
                continue
            rows[family] += 1
            same[family] += (
                departement[supplier["codeCommuneEtablissement"]]
                == departement[buyer["codeCommuneEtablissement"]]
            )
            unit = units[supplier["siren"]]
            total += 1
            sme += unit["categorieEntreprise"] == "PME"
            ess += unit["economieSocialeSolidaireUniteLegale"] == "O"
            inclusive += supplier["siret"] in siae
    for family, (same_departement, _) in cal.LOCAL_SHARES.items():
        assert abs(same[family] / rows[family] - same_departement) < 0.04, family
    assert abs(sme / total - 0.62) < 0.04  # DG Trésor: SMEs win 62 % of contracts
    assert abs(ess / total - cal.ESS_AWARD_SHARE) < 0.01
    assert 0.005 < inclusive / total < 0.03


def test_considerations_rise_over_time(generated_20k: Generated) -> None:
    by_year: dict[str, list[int]] = {}
    for record in _usable(generated_20k.marches):
        counts = by_year.setdefault(record["dateNotification"][:4], [0, 0, 0])
        counts[0] += 1
        counts[1] += record["considerationsSociales"]["considerationSociale"] != [
            "Pas de considération sociale"
        ]
        counts[2] += record["considerationsEnvironnementales"]["considerationEnvironnementale"] != [
            "Pas de considération environnementale"
        ]
    assert sorted(by_year) == ["2024", "2025", "2026"]
    for (start, social, environmental), year in zip(
        cal.CONSIDERATION_SHARES[:2], ("2024", "2025"), strict=True
    ):
        total, with_social, with_environmental = by_year[year]
        assert str(start.year) == year
        assert abs(with_social / total - social) < 0.02
        assert abs(with_environmental / total - environmental) < 0.02
    # 2026 mixes the months before and after the loi Climat et résilience (22 August).
    total, _, with_environmental = by_year["2026"]
    assert with_environmental / total > by_year["2025"][2] / by_year["2025"][0] + 0.05


def test_amount_duration_incoherence_is_as_common_as_in_real_data(
    generated_20k: Generated,
) -> None:
    from .test_generate_calibration_sources import incoherent

    marches = [
        record for record in _usable(generated_20k.marches) if isinstance(record["dureeMois"], int)
    ]
    works = [record for record in marches if _family(record["codeCPV"]) == "works"]
    share = sum(incoherent(r["montant"], r["dureeMois"]) for r in marches) / len(marches)
    works_share = sum(incoherent(r["montant"], r["dureeMois"]) for r in works) / len(works)
    # Real: 17.3 % of the 2019 marchés, 1.6 % of the 2024 works extract.
    assert 0.08 < share < 0.2
    assert works_share < 0.04


def test_heavy_tailed_buyers(generated_20k: Generated) -> None:
    counts = sorted(
        Counter(record["acheteur"]["id"] for record in _usable(generated_20k.marches)).values(),
        reverse=True,
    )
    top_tenth = sum(counts[: len(counts) // 10]) / sum(counts)
    assert top_tenth > 0.35  # works extract: 46.5 %
    assert counts[0] > 50 * statistics.median(counts)


def test_defect_shares_are_as_documented(generated_20k: Generated) -> None:
    summary = generated_20k.summary
    injected = sum(summary.defects.values())
    assert abs(injected / summary.marches - sum(cal.DEFECT_SHARES.values())) < 0.004
    assert set(summary.defects) == set(cal.DEFECT_SHARES)  # every kind occurs in 20 000
    assert (
        summary.records_written
        == summary.contracts
        + summary.defects["exact_duplicate"]
        + (summary.defects["republished_revision"])
    )
    keys = Counter(
        (record.get("acheteur", {}).get("id"), record["id"]) for record in generated_20k.marches
    )
    repeated = sum(count - 1 for count in keys.values() if count > 1)
    assert repeated == summary.defects["exact_duplicate"] + summary.defects["republished_revision"]


def test_clean_records_are_coherent(clean_file: Generated) -> None:
    local_threshold = cal.THRESHOLD_LOCAL_SUPPLIES_SERVICES
    for record in clean_file.marches:
        assert record["datePublicationDonnees"] >= record["dateNotification"]
        assert "2024-01-01" <= record["dateNotification"] <= "2026-09-30"
        assert record["datePublicationDonnees"] <= cal.EXTRACTION_DATE.isoformat()
        assert len(record["id"]) <= 16
        family = _family(record["codeCPV"])
        if family != "works" and record["montant"] >= local_threshold:
            assert record["procedure"] != cal.PROC_MAPA
        if "origineUE" in record:
            assert record["origineFrance"] <= record["origineUE"]
        for item in record.get("modifications", []):
            modification = item["modification"]
            assert modification["montant"] > record["montant"]
            assert modification["dateNotificationModification"] > record["dateNotification"]
            assert modification["datePublicationDonneesModification"] <= "2026-11-15"
    for record in clean_file.concessions:
        assert record["dateSignature"] <= record["datePublicationDonnees"]
        assert record["datePublicationDonnees"] <= record["dateDebutExecution"]
