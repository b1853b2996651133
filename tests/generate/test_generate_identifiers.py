"""Identifiers: Luhn-valid SIRETs everywhere, foreign ids in the official shapes."""

from __future__ import annotations

import random
import re

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from ancrage.generate.identifiers import (
    eu_vat_number,
    hors_ue_id,
    is_luhn_valid,
    luhn_complete,
    private_siren,
    public_siren,
    siret,
)

from .conftest import Generated


def test_luhn_helpers_agree_with_stdnum() -> None:
    # 732 829 320 is the SIREN of INSEE's own documentation example (Luhn-valid).
    assert luhn_complete("73282932") == "732829320"
    assert stdnum_siret.is_valid(siret("732829320", 1))
    assert is_luhn_valid("73282932000074")
    assert not is_luhn_valid("73282932000075")
    sirens = {private_siren(index) for index in range(5_000)}
    assert len(sirens) == 5_000  # the counter bijection never repeats
    assert all(stdnum_siren.is_valid(value) for value in sirens)
    assert all(value[0] in "345678" for value in sirens)
    assert stdnum_siren.is_valid(public_siren("22", 7))
    assert public_siren("22", 7).startswith("22")


def test_foreign_identifiers_have_the_official_shapes() -> None:
    rng = random.Random(3)
    for _ in range(50):
        assert re.fullmatch(r"(BE0|DE|ESB|IT|LU|NL|PT)[0-9]+(B01)?", eu_vat_number(rng))
    assert hors_ue_id(random.Random(1), "Da Silva Motores Lda") in {
        f"{country}DASILVAMOTORESLD" for country in ("CH", "GB", "US", "NO", "CA", "MA", "TN", "JP")
    }


def test_every_siret_of_the_file_is_valid(generated_20k: Generated) -> None:
    buyers, awardees, subcontractors = set(), set(), set()
    for record in generated_20k.marches:
        buyer = record.get("acheteur", {}).get("id", "")
        if buyer.isdigit():
            buyers.add(buyer)
        for item in record["titulaires"]:
            if item["titulaire"]["typeIdentifiant"] == "SIRET":
                awardees.add(item["titulaire"]["id"])
        for act in record.get("actesSousTraitance", []):
            subcontractors.add(act["acteSousTraitance"]["sousTraitant"]["id"])
    for record in generated_20k.concessions:
        buyers.add(record["autoriteConcedante"]["id"])
        for item in record["concessionnaires"]:
            if item["concessionnaire"]["typeIdentifiant"] == "SIRET":
                awardees.add(item["concessionnaire"]["id"])
    assert len(buyers) > 1_000 and len(awardees) > 3_000 and subcontractors
    invalid = [
        value for value in buyers | awardees | subcontractors if not stdnum_siret.is_valid(value)
    ]
    assert invalid == []


def test_communes_use_their_real_siren(generated_20k: Generated) -> None:
    # Paris (75056) has SIREN 217500016; the largest commune is always among the buyers.
    paris = generated_20k.establishments.get("21750001600019")
    assert paris is not None
    assert paris["codeCommuneEtablissement"] == "75056"
    assert generated_20k.units["217500016"]["categorieJuridiqueUniteLegale"] == "7210"
