"""Builds one DECP 2022 contrat de concession (JSON 2.0.3 shape)."""

from __future__ import annotations

import random

from ancrage.generate import calibration as cal
from ancrage.generate import fields as f
from ancrage.generate.contracts import ContractFactory, Record
from ancrage.generate.draw import lognormal

# Concession authorities are local authorities and their establishments.
LOCAL_KINDS = ("commune", "epci", "departement", "region", "public_establishment")


def build_concession(factory: ContractFactory, rng: random.Random) -> Record:
    """A contrat de concession signed by a local authority."""
    buyer = factory.buyers.draw_kind(rng, LOCAL_KINDS)
    day = factory.calendar.notification(rng)
    identifier, _ = factory.next_id(rng, buyer, factory.calendar.year(day))
    start = min(day + rng.randrange(121), factory.calendar.last)
    published = day + rng.randrange(start - day + 1)  # published before execution starts
    value = round(lognormal(rng, *cal.CONCESSION_AMOUNT_LOG), 2)
    value = min(max(value, 10_000.0), cal.AMOUNT_MAX)
    social, environmental = factory.considerations(rng, day, "Concession réservée")
    count = 2 if rng.random() < 0.05 else 1
    awardees = factory.draw_awardees(
        rng, buyer, "services", count, value, reserved="Concession réservée" in social
    )
    place = f.CONCESSION_OBJECTS[rng.randrange(len(f.CONCESSION_OBJECTS))]
    record: Record = {
        "id": identifier,
        "autoriteConcedante": {"id": buyer.siret},
        "nature": f.CONCESSION_NATURE.draw(rng),
        "objet": f"{place} - {factory.communes.name[buyer.commune]}",
        "procedure": f.CONCESSION_PROCEDURE.draw(rng),
        "dureeMois": 12 * factory.concession_years.draw(rng),
        "dateSignature": factory.calendar.iso(day),
        "datePublicationDonnees": factory.calendar.iso(published),
        "dateDebutExecution": factory.calendar.iso(start),
        "valeurGlobale": value,
        "montantSubventionPublique": 0
        if rng.random() < 0.75
        else round(value * rng.uniform(0.01, 0.2), 2),
    }
    record["concessionnaires"] = [
        {"concessionnaire": {"typeIdentifiant": kind, "id": awardee_id}}
        for kind, awardee_id in awardees
    ]
    record["considerationsSociales"] = {"considerationSociale": social}
    record["considerationsEnvironnementales"] = {"considerationEnvironnementale": environmental}
    signed = day + 60 + rng.randrange(400)
    if rng.random() < cal.MODIFICATION_SHARE and signed <= factory.calendar.last:
        record["modifications"] = [
            {
                "modification": {
                    "id": 1,
                    "dateSignatureModification": factory.calendar.iso(signed),
                    "datePublicationDonneesModification": factory.calendar.iso(
                        factory.publication_day(rng, signed)
                    ),
                    "dureeMois": record["dureeMois"] + 12,
                    "valeurGlobale": round(value * rng.uniform(1.03, 1.2), 2),
                }
            }
        ]
    return record
