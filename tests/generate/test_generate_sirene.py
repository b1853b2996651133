"""SIRENE and SIAE files: official columns, coverage of the DECP file, deliberate gaps."""

from __future__ import annotations

import csv
from pathlib import Path

from .conftest import Generated

ESTABLISHMENT_REQUIRED = {
    "siren", "nic", "siret", "etatAdministratifEtablissement", "codeCommuneEtablissement",
    "codePostalEtablissement", "activitePrincipaleEtablissement", "trancheEffectifsEtablissement",
    "etablissementSiege", "statutDiffusionEtablissement", "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
}  # fmt: skip
UNIT_REQUIRED = {
    "siren", "denominationUniteLegale", "categorieEntreprise", "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale", "statutDiffusionUniteLegale",
    "etatAdministratifUniteLegale", "trancheEffectifsUniteLegale", "activitePrincipaleUniteLegale",
    "nomUniteLegale", "prenom1UniteLegale",
}  # fmt: skip


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_official_insee_column_names(generated_20k: Generated) -> None:
    assert set(_header(generated_20k.summary.sirene_units_file)) >= UNIT_REQUIRED
    assert set(_header(generated_20k.summary.sirene_establishments_file)) >= ESTABLISHMENT_REQUIRED


def test_siae_file_has_the_le_marche_layout(generated_20k: Generated, real_dir: Path) -> None:
    real = real_dir / "reference" / "companies" / "le-marche_siae_fixture_no-contacts.csv"
    assert _header(generated_20k.summary.siae_file) == _header(real)
    kinds = {row["kind"] for row in generated_20k.siae}
    assert kinds <= {"ACI", "EI", "AI", "ETTI", "GEIQ", "EA"} and {"ACI", "EI"} <= kinds
    # Every inclusive structure is also a SIRENE establishment of an ESS or insertion unit.
    assert all(row["siret"] in generated_20k.establishments for row in generated_20k.siae)


def test_sirene_covers_every_siret_except_the_deliberate_gaps(generated_20k: Generated) -> None:
    establishments = generated_20k.establishments
    missing_buyers = {
        record["acheteur"]["id"]
        for record in generated_20k.marches
        if record.get("acheteur", {}).get("id", "").isdigit()
        and record["acheteur"]["id"] not in establishments
    }
    assert missing_buyers == set()
    awardees = {
        item["titulaire"]["id"]
        for record in generated_20k.marches
        for item in record["titulaires"]
        if item["titulaire"]["typeIdentifiant"] == "SIRET"
    }
    missing = awardees - set(establishments)
    # Only whole units are left out, and there are a few of them, as the summary says.
    assert 0 < len(missing) <= generated_20k.summary.sirene_gaps
    assert all(siret[:9] not in generated_20k.units for siret in missing)
    assert all(row["siren"] in generated_20k.units for row in establishments.values())


def test_foreign_awardees_are_counted(clean_file: Generated) -> None:
    foreign = [
        item[key]
        for records, key in (
            (clean_file.marches, "titulaire"),
            (clean_file.concessions, "concessionnaire"),
        )
        for record in records
        for item in record["titulaires" if key == "titulaire" else "concessionnaires"]
        if item[key]["typeIdentifiant"] in ("TVA", "HORS-UE")
    ]
    assert len(foreign) == clean_file.summary.foreign_awardees > 0
    rows = sum(len(record["titulaires"]) for record in clean_file.marches) + sum(
        len(record["concessionnaires"]) for record in clean_file.concessions
    )
    assert rows == clean_file.summary.awardee_rows


def test_non_diffusible_persons_have_no_name(generated_20k: Generated) -> None:
    hidden = [
        row for row in generated_20k.units.values() if row["statutDiffusionUniteLegale"] == "P"
    ]
    assert hidden
    for row in hidden:
        assert row["categorieJuridiqueUniteLegale"] == "1000"
        assert row["nomUniteLegale"] == row["prenom1UniteLegale"] == ""
        assert row["denominationUniteLegale"] == ""
    persons = [
        row
        for row in generated_20k.units.values()
        if row["categorieJuridiqueUniteLegale"] == "1000"
        and row["statutDiffusionUniteLegale"] == "O"
    ]
    assert persons and all(row["nomUniteLegale"] and row["prenom1UniteLegale"] for row in persons)
    hidden_sirens = {row["siren"] for row in hidden}
    for row in generated_20k.establishments.values():
        if row["siren"] in hidden_sirens:
            assert row["statutDiffusionEtablissement"] == "P"
            assert row["enseigne1Etablissement"] == row["denominationUsuelleEtablissement"] == ""
