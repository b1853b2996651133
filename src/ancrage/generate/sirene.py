"""Synthetic SIRENE stock files and the inclusive-structure (SIAE) list matching a generated file.

Column names are INSEE's official ones (StockEtablissement / StockUniteLegale), in their official
order, restricted to the columns Ancrage reads. The SIAE list follows the column layout of the
Marché de l'inclusion export (``le-marche_siae_fixture_no-contacts.csv``).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from ancrage.generate.buyers import BuyerPool, company_category
from ancrage.generate.names import (
    FORM_LEGAL_CATEGORY,
    FORMS,
    TRADES,
    company_name,
    person_name,
)
from ancrage.generate.suppliers import (
    ABSENT_FROM_SIRENE,
    CATEGORIES,
    ESS,
    NON_DIFFUSIBLE,
    SIAE,
    SIAE_KIND_NAMES,
    SOLE_TRADER,
    SupplierPool,
)

ESTABLISHMENT_FILE = "StockEtablissement_synthetique.csv"
UNIT_FILE = "StockUniteLegale_synthetique.csv"
SIAE_FILE = "siae_synthetique.csv"

ESTABLISHMENT_COLUMNS = (
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "etablissementSiege",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
)
UNIT_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "prenom1UniteLegale",
    "trancheEffectifsUniteLegale",
    "categorieEntreprise",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale",
)
SIAE_COLUMNS = (
    "siret",
    "name",
    "brand",
    "kind",
    "naf",
    "legal_form",
    "address",
    "post_code",
    "city",
    "department",
    "latitude",
    "longitude",
    "source",
    "api_entreprise_employees",
)
# INSEE trancheEffectifs codes by company category (hypothesis on the spread).
HEADCOUNTS = {
    "PME": ("NN", "00", "01", "02", "03", "11", "12", "21", "22", "31"),
    "ETI": ("32", "41", "42", "51"),
    "GE": ("52", "53"),
}
# NAF and catégorie juridique of each kind of inclusive structure (le-marche's most common NAF).
SIAE_PROFILES = {
    "ACI": (("88.99B", "81.30Z", "38.32Z"), "9220", "Chantier d'insertion"),
    "EI": (("81.30Z", "81.21Z", "38.11Z", "43.39Z"), "5499", "Insertion"),
    "AI": (("78.30Z",), "9220", "Association intermédiaire"),
    "ETTI": (("78.20Z",), "5710", "Intérim d'insertion"),
    "GEIQ": (("78.30Z",), "9220", "GEIQ"),
    "EA": (("81.29A",), "9220", "Entreprise adaptée"),
}
STREETS = ("Rue de la République", "Avenue Jean Jaurès", "Rue Victor Hugo", "Rue de la Gare",
           "Zone artisanale des Landes", "Rue du Stade", "Chemin des Vignes", "Route nationale")  # fmt: skip


@dataclass
class SireneCounts:
    establishments: int = 0
    units: int = 0
    siae: int = 0
    gaps: int = 0  # supplier establishments deliberately left out


def _creation_date(rng: random.Random) -> str:
    return f"{1950 + rng.randrange(74)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"


def write_sirene(
    seed: int,
    buyers: BuyerPool,
    suppliers: SupplierPool,
    sirene_dir: Path,
    siae_file: Path,
) -> SireneCounts:
    """Write both stock files and the SIAE list; names are drawn here, from their own stream."""
    rng = random.Random(seed * 1_000_003 + 17)
    communes = suppliers.communes
    counts = SireneCounts()
    sirene_dir.mkdir(parents=True, exist_ok=True)
    siae_file.parent.mkdir(parents=True, exist_ok=True)
    with (
        (sirene_dir / ESTABLISHMENT_FILE).open("w", encoding="utf-8", newline="") as etab_out,
        (sirene_dir / UNIT_FILE).open("w", encoding="utf-8", newline="") as unit_out,
        siae_file.open("w", encoding="utf-8", newline="") as siae_out,
    ):
        establishments = csv.writer(etab_out, lineterminator="\n")
        units = csv.writer(unit_out, lineterminator="\n")
        siae = csv.writer(siae_out, lineterminator="\n")
        establishments.writerow(ESTABLISHMENT_COLUMNS)
        units.writerow(UNIT_COLUMNS)
        siae.writerow(SIAE_COLUMNS)
        for buyer in buyers.buyers:
            siren, nic, commune = buyer.siret[:9], buyer.siret[9:], buyer.commune
            units.writerow(
                (siren, "O", _creation_date(rng), "", buyer.headcount,
                 company_category(buyer.headcount), "A", "", buyer.name, buyer.legal_category,
                 buyer.naf, "NAFRev2", nic, "N")
            )  # fmt: skip
            establishments.writerow(
                (siren, nic, buyer.siret, "O", _creation_date(rng), buyer.headcount, "true",
                 communes.postal_code[commune], communes.name[commune].upper(),
                 communes.code[commune], "A", "", "", buyer.naf, "NAFRev2")
            )  # fmt: skip
            counts.units += 1
            counts.establishments += 1
        for unit in range(len(suppliers.unit_category)):
            _write_supplier_unit(rng, suppliers, unit, establishments, units, siae, counts)
    return counts


def _write_supplier_unit(
    rng: random.Random,
    suppliers: SupplierPool,
    unit: int,
    establishments: csv.writer,  # type: ignore[valid-type]
    units: csv.writer,  # type: ignore[valid-type]
    siae: csv.writer,  # type: ignore[valid-type]
    counts: SireneCounts,
) -> None:
    communes = suppliers.communes
    flags = suppliers.unit_flags[unit]
    category = CATEGORIES[suppliers.unit_category[unit]]
    first = suppliers.unit_first_establishment[unit]
    last = (
        suppliers.unit_first_establishment[unit + 1]
        if unit + 1 < len(suppliers.unit_first_establishment)
        else len(suppliers.sirets)
    )
    siren = suppliers.sirets[first][:9]
    diffusion = "P" if flags & NON_DIFFUSIBLE else "O"
    surname = first_name = denomination = ""
    siae_kind = ""
    if flags & SIAE:
        siae_kind = SIAE_KIND_NAMES[suppliers.unit_trade[unit]]
        nafs, legal_category, label = SIAE_PROFILES[siae_kind]
        naf = nafs[rng.randrange(len(nafs))]
        denomination = f"{label.upper()} {company_name(rng, 'SOLIDAIRE')}"
    else:
        trade, naf, _ = TRADES[suppliers.unit_trade[unit]]
        if flags & SOLE_TRADER:
            legal_category = "1000"
            surname, first_name = person_name(rng)
        elif flags & ESS and rng.random() < 0.7:
            legal_category = "9220"
            denomination = f"ASSOCIATION {company_name(rng, trade)}"
        else:
            form = FORMS[rng.randrange(len(FORMS))]
            legal_category = FORM_LEGAL_CATEGORY[form]
            denomination = company_name(rng, trade)
    if diffusion == "P":
        surname = first_name = ""
    headcounts = HEADCOUNTS[category]
    headcount = headcounts[rng.randrange(len(headcounts))]
    if flags & ABSENT_FROM_SIRENE:
        counts.gaps += last - first
        return
    units.writerow(
        (siren, diffusion, _creation_date(rng), first_name, headcount, category, "A", surname,
         denomination, legal_category, naf, "NAFRev2", suppliers.sirets[first][9:],
         "O" if flags & ESS else "N")
    )  # fmt: skip
    counts.units += 1
    sign = (
        ""
        if diffusion == "P" or not (flags & SOLE_TRADER)
        else f"{surname} {TRADES[suppliers.unit_trade[unit]][0]}"
    )
    for establishment in range(first, last):
        commune = suppliers.establishment_commune[establishment]
        siret = suppliers.sirets[establishment]
        closed = rng.random() < 0.01  # a few establishments closed since they won
        establishments.writerow(
            (siren, siret[9:], siret, diffusion, _creation_date(rng),
             headcounts[rng.randrange(len(headcounts))], "true" if establishment == first else "false",
             communes.postal_code[commune], communes.name[commune].upper(), communes.code[commune],
             "F" if closed else "A", sign, "", naf, "NAFRev2")
        )  # fmt: skip
        counts.establishments += 1
        if siae_kind:
            siae.writerow(
                (siret, denomination, denomination.title(), siae_kind, naf.replace(".", ""), "",
                 f"{1 + rng.randrange(120)} {STREETS[rng.randrange(len(STREETS))]}",
                 communes.postal_code[commune], communes.name[commune],
                 communes.departement[commune], communes.latitude[commune],
                 communes.longitude[commune], "GEIQ" if siae_kind == "GEIQ" else "ASP", "")
            )  # fmt: skip
            counts.siae += 1
