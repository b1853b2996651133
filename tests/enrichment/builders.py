"""Builders for the enrichment tests: a tiny warehouse and SIRENE files in the official layout."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.warehouse import schema as warehouse_schema
from ancrage.warehouse import snapshot

# Column order of the official INSEE stock files (StockEtablissement / StockUniteLegale).
ESTABLISHMENT_HEADER = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,"
    "trancheEffectifsEtablissement,anneeEffectifsEtablissement,"
    "activitePrincipaleRegistreMetiersEtablissement,dateDernierTraitementEtablissement,"
    "etablissementSiege,nombrePeriodesEtablissement,complementAdresseEtablissement,"
    "numeroVoieEtablissement,indiceRepetitionEtablissement,dernierNumeroVoieEtablissement,"
    "indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,"
    "codeCommuneEtablissement,codeCedexEtablissement,libelleCedexEtablissement,"
    "codePaysEtrangerEtablissement,libellePaysEtrangerEtablissement,"
    "identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,dateDebut,etatAdministratifEtablissement,"
    "enseigne1Etablissement,enseigne2Etablissement,enseigne3Etablissement,"
    "denominationUsuelleEtablissement,activitePrincipaleEtablissement,"
    "nomenclatureActivitePrincipaleEtablissement,caractereEmployeurEtablissement"
).split(",")

LEGAL_UNIT_HEADER = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,"
    "sigleUniteLegale,sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,"
    "prenom3UniteLegale,prenom4UniteLegale,prenomUsuelUniteLegale,pseudonymeUniteLegale,"
    "identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,anneeEffectifsUniteLegale,"
    "dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,"
    "nomUsageUniteLegale,denominationUniteLegale,denominationUsuelle1UniteLegale,"
    "denominationUsuelle2UniteLegale,denominationUsuelle3UniteLegale,"
    "categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,"
    "economieSocialeSolidaireUniteLegale,societeMissionUniteLegale,"
    "caractereEmployeurUniteLegale"
).split(",")


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in header})
    return path


def write_parquet(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    table = pa.table({name: [row.get(name) or None for row in rows] for name in header})
    pq.write_table(table, path)
    return path


def zip_file(source: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, source.name)
    return target


def contract(contract_id: str, buyer_id: str, **values: object) -> dict:
    return {"contract_id": contract_id, "buyer_id": buyer_id, **values}


def awardee(
    contract_id: str,
    supplier_id: str | None,
    supplier_id_type: str | None = "SIRET",
    *,
    position: int = 0,
    is_current: bool = True,
    supplier_name: str | None = None,
) -> dict:
    return {
        "contract_id": contract_id,
        "position": position,
        "supplier_id": supplier_id,
        "supplier_id_type": supplier_id_type,
        "supplier_name": supplier_name,
        "origin": "initial",
        "is_current": is_current,
    }


def publish_warehouse(
    data_dir: Path, contracts: list[dict], awardees: list[dict], extra: dict | None = None
) -> snapshot.Snapshot:
    """Publish a first snapshot with the given contracts and awardees (plus other tables)."""
    work = data_dir.parent / "build"
    work.mkdir(exist_ok=True)
    tables = {"contracts": contracts, "awardees": awardees}
    paths = {}
    for name, rows in tables.items():
        schema = warehouse_schema.TABLES[name]
        path = work / f"{name}.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
        paths[name] = path
    for name, table in (extra or {}).items():
        path = work / f"{name}.parquet"
        pq.write_table(table, path)
        paths[name] = path
    return snapshot.derive(paths, "tests", data_dir)


def connection(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """Warehouse + reference views + enrichment profiles on the current snapshot."""
    from ancrage import enrichment, reference

    con = snapshot.connect(data_dir)
    reference.register(con)
    enrichment.register(con)
    return con


# --- A small scenario around Lyon, shared by the import and locality tests ----------------------
# Buyers: the commune of Lyon (SIREN 216901231, located through the reference only), the
# Métropole de Lyon (EPCI SIREN 200046977, reference only), a hospital found in SIRENE, and a
# buyer nobody knows.
LYON = "21690123100011"
METROPOLE = "20004697700019"
HOSPITAL = "26690002400013"
UNKNOWN_BUYER = "99999999900011"

# Suppliers (id, typeIdentifiant).
A = ("11111111100011", "SIRET")  # Lyon 3e, SME, head office of 111111111
B = ("22222222200012", "SIRET")  # Villeurbanne, non-diffusible natural person
C = ("33333333300013", "SIRET")  # Paris (commune code 75056), large company
D = ("44444444400014", "SIRET")  # Ouessant, Lambert-93 coordinates, mid-cap, social economy
E = ("GB123456789", "HORS-UE")  # foreign
F = ("55555555500015", "SIRET")  # not in SIRENE
G = ("123456", "TAHITI")  # no SIRET
H = ("FR32111111111", "TVA")  # French VAT number of A's legal unit → A's head office
I_ = ("66666666600016", "SIRET")  # former commune code 01340 → Arboys en Bugey (01015)
J = ("77777777700017", "SIRET")  # Les Abymes (97101), coordinates in a UTM projection
K = ("88888888800018", "SIRET")  # commune code unreadable in SIRENE

# Ouessant: Lambert-93 (102980, 6847973) ↔ WGS84 (48.4565745, -5.0888561), a pair published
# by an independent implementation's test suite (see test_geo.py).
OUESSANT_L93 = ("102980", "6847973")
OUESSANT_WGS84 = (48.4565745, -5.0888561)


def scenario_warehouse(data_dir: Path) -> snapshot.Snapshot:
    """Contracts of the four buyers; each awards one supplier (contract ids say who)."""
    contracts, awardees = [], []
    plan = {
        LYON: [A, B, C, D, E, F, G, H, I_, J, K],
        METROPOLE: [A, B],
        HOSPITAL: [A],
        UNKNOWN_BUYER: [A, B],
    }
    names = {LYON: "L", METROPOLE: "M", HOSPITAL: "H", UNKNOWN_BUYER: "U"}
    letters = dict(zip([A, B, C, D, E, F, G, H, I_, J, K], "ABCDEFGHIJK", strict=True))
    for buyer, suppliers in plan.items():
        for supplier in suppliers:
            contract_id = f"{names[buyer]}-{letters[supplier]}"
            contracts.append(contract(contract_id, buyer))
            awardees.append(awardee(contract_id, supplier[0], supplier[1], supplier_name="PUBLIÉ"))
    # A former awardee replaced by a modification: not current, so never in the locality.
    awardees.append(awardee("L-A", C[0], "SIRET", position=1, is_current=False))
    return publish_warehouse(data_dir, contracts, awardees)


def establishment_rows() -> list[dict[str, str]]:
    def row(siret: str, commune: str, **values: str) -> dict[str, str]:
        base = {
            "siren": siret[:9],
            "nic": siret[9:],
            "siret": siret,
            "statutDiffusionEtablissement": "O",
            "etablissementSiege": "true",
            "codeCommuneEtablissement": commune,
            "codePostalEtablissement": "69003",
            "etatAdministratifEtablissement": "A",
            "activitePrincipaleEtablissement": "43.21A",
            "trancheEffectifsEtablissement": "11",
            "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
        }
        return base | values

    return [
        row(A[0], "69383", enseigne1Etablissement="ALPHA LYON"),
        row(
            B[0],
            "69266",
            statutDiffusionEtablissement="P",
            codePostalEtablissement="69100",
            libelleVoieEtablissement="[ND]",
            enseigne1Etablissement="[ND]",
            coordonneeLambertAbscisseEtablissement="[ND]",
            coordonneeLambertOrdonneeEtablissement="[ND]",
        ),
        row(
            C[0], "75056", codePostalEtablissement="75008", activitePrincipaleEtablissement="71.12B"
        ),
        row(
            D[0],
            "29155",
            codePostalEtablissement="29242",
            coordonneeLambertAbscisseEtablissement=OUESSANT_L93[0],
            coordonneeLambertOrdonneeEtablissement=OUESSANT_L93[1],
            denominationUsuelleEtablissement="DELTA OUESSANT",
        ),
        row(I_[0], "01340", codePostalEtablissement="01300"),
        row(
            J[0],
            "97101",
            codePostalEtablissement="97139",
            coordonneeLambertAbscisseEtablissement="653000.5",
            coordonneeLambertOrdonneeEtablissement="1797000.2",
        ),
        row(K[0], "XXXXX", codePostalEtablissement="6900"),
        row(HOSPITAL, "69381", codePostalEtablissement="69001"),
        # Not needed by the warehouse.
        row("90000000000011", "69123"),
        row("90000000000012", "13055", etatAdministratifEtablissement="F"),
        # Unreadable identifier.
        row("ABC", "69123"),
    ]


def legal_unit_rows() -> list[dict[str, str]]:
    def row(siren: str, **values: str) -> dict[str, str]:
        base = {
            "siren": siren,
            "statutDiffusionUniteLegale": "O",
            "etatAdministratifUniteLegale": "A",
            "categorieJuridiqueUniteLegale": "5710",
            "economieSocialeSolidaireUniteLegale": "N",
            "categorieEntreprise": "PME",
        }
        return base | values

    return [
        row("111111111", denominationUniteLegale="ALPHA BATIMENT"),
        row(
            "222222222",
            statutDiffusionUniteLegale="P",
            categorieJuridiqueUniteLegale="1000",
            nomUniteLegale="[ND]",
            prenom1UniteLegale="[ND]",
            economieSocialeSolidaireUniteLegale="",
        ),
        row("333333333", denominationUniteLegale="GAMMA SERVICES", categorieEntreprise="GE"),
        row(
            "444444444",
            denominationUniteLegale="DELTA OUEST",
            categorieEntreprise="ETI",
            economieSocialeSolidaireUniteLegale="O",
            categorieJuridiqueUniteLegale="5498",
        ),
        row(
            "666666666",
            nomUniteLegale="MARTIN",
            prenom1UniteLegale="JEANNE",
            categorieJuridiqueUniteLegale="1000",
            categorieEntreprise="XXL",
        ),
        row(
            "266900024",
            denominationUniteLegale="HOSPICES CIVILS DE TEST",
            categorieJuridiqueUniteLegale="7364",
            categorieEntreprise="GE",
        ),
        row("900000000", denominationUniteLegale="PAS UTILE"),
        row("12345", denominationUniteLegale="IDENTIFIANT ILLISIBLE"),
    ]


def write_sirene_csv(directory: Path) -> tuple[Path, Path]:
    """StockEtablissement (with one malformed line) and StockUniteLegale, as official CSV."""
    establishments = write_csv(
        directory / "StockEtablissement_utf8.csv", ESTABLISHMENT_HEADER, establishment_rows()
    )
    with open(establishments, "a", encoding="utf-8") as handle:
        handle.write("90000000100011,trop,de,colonnes," + ",".join(["x"] * 60) + "\n")
    units = write_csv(directory / "StockUniteLegale_utf8.csv", LEGAL_UNIT_HEADER, legal_unit_rows())
    return establishments, units
