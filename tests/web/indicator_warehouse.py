"""A small warehouse with enrichment tables and ``indicator_values``, whose figures are hand-checked.

Buyers (located through the reference tables: their SIREN is their commune's):
  R = Ville de Rennes (35238, département 35, région 53)
  M = Ville de Saint-Malo (35288, département 35, région 53)
Suppliers (SIRENE establishments written directly in the enrichment tables):
  S1 Rennes, PME ; S2 Brest (29, région 53), grande entreprise ; S3 Paris (75), PME, ESS,
  entreprise d'insertion (EI) ; GB foreign (HORS-UE).

Contracts (format 2022):
  r1 R 2024 works    100 000 €  Clause sociale / Critère environnemental   S1        1 offre
  r2 R 2024 services  60 000 €  no social / Clause environnementale        S2 + S1   2 offres
  r3 R 2024 supplies  40 000 €  no social / no environmental                S3        3 offres
  r4 R 2023 works     80 000 €  Clause sociale / no environmental           S2        2 offres
  r5 R 2024 services  20 000 €  no social / no environmental                GB        4 offres
  m1 M 2024 works     50 000 €  Marché réservé / Clause environnementale     S1        1 offre
Quality issue: r1 cpv_malformed.

Hand computations for R in 2024 (4 contracts r1, r2, r3, r5), territory = département:
  social_share = 1/4 = 25 % (gap −5 points); environmental_share = 2/4 = 50 % (gap −50);
  local_share (parts 1/n, GB unlocated and left out) = (1 + 0.5) / (1 + 0.5 + 0.5 + 1) = 50 %;
  with territory = région, S2 (Brest) becomes local: (1 + 0.5 + 0.5) / 3 = 66.67 %;
  sme_share (size known: not GB) = (1 + 0.5 + 1) / 3 = 83.33 %;
  single_bid_rate = 1/4 = 25 %; data_quality cpv_malformed = 1/4 = 25 %.
Suppliers of R in 2024 by amount: S1 130 000 € (r1 + half of r2, parts 1.5), S3 40 000 €,
  S2 30 000 € (0.5), GB 20 000 €.
Département 35 in 2024 (R + M: 5 contracts): social = (r1, m1) 2/5 = 40 %,
  environmental = (r1, r2, m1) 3/5 = 60 %; ranking by social_share: M 100 %, R 25 %.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.enrichment.schema import TABLES as ENRICHMENT_TABLES
from ancrage.indicators import store
from ancrage.warehouse import connect, snapshot
from ancrage.warehouse.schema import TABLES

R, M = "21350238800019", "21350288300015"
S1, S2, S3, GB = "11111111100011", "22222222200012", "33333333300013", "GB123456789"
NONE_SOCIAL = ["Pas de considération sociale"]
NONE_ENV = ["Pas de considération environnementale"]


def _contract(cid, buyer, year, family, procedure, amount, social, env, offers, n):
    return {
        "contract_id": cid,
        "uid": buyer + cid,
        "kind": "marche",
        "buyer_id": buyer,
        "id": cid.upper(),
        "schema_version": "2022",
        "object": f"Objet {cid}",
        "cpv": {"works": "45233141", "services": "90910000", "supplies": "30192000"}[family],
        "family": family,
        "procedure": procedure,
        "amount_ht": amount,
        "current_amount_ht": amount,
        "notification_date": dt.date(year, 3, 1),
        "offers_received": offers,
        "social_considerations": social,
        "environmental_considerations": env,
        "has_social_consideration": social != NONE_SOCIAL,
        "has_environmental_consideration": env != NONE_ENV,
        "awardee_count": n,
    }


MAPA, AOO = "Procédure adaptée", "Appel d'offres ouvert"
CONTRACTS = [
    _contract("r1", R, 2024, "works", MAPA, 100_000.0, ["Clause sociale"], ["Critère environnemental"], 1, 1),
    _contract("r2", R, 2024, "services", AOO, 60_000.0, NONE_SOCIAL, ["Clause environnementale"], 2, 2),
    _contract("r3", R, 2024, "supplies", MAPA, 40_000.0, NONE_SOCIAL, NONE_ENV, 3, 1),
    _contract("r4", R, 2023, "works", MAPA, 80_000.0, ["Clause sociale"], NONE_ENV, 2, 1),
    _contract("r5", R, 2024, "services", MAPA, 20_000.0, NONE_SOCIAL, NONE_ENV, 4, 1),
    _contract("m1", M, 2024, "works", MAPA, 50_000.0, ["Marché réservé"], ["Clause environnementale"], 1, 1),
]  # fmt: skip


def _awardee(cid, supplier, position=0, id_type="SIRET"):
    return {
        "contract_id": cid,
        "position": position,
        "supplier_id": supplier,
        "supplier_id_type": id_type,
        "origin": "initial",
        "is_current": True,
    }


AWARDEES = [
    _awardee("r1", S1),
    _awardee("r2", S2),
    _awardee("r2", S1, 1),
    _awardee("r3", S3),
    _awardee("r4", S2),
    _awardee("r5", GB, id_type="HORS-UE"),
    _awardee("m1", S1),
]
BUYERS = [
    {"buyer_id": R, "name": "Ville de Rennes", "contract_count": 5},
    {"buyer_id": M, "name": "Ville de Saint-Malo", "contract_count": 1},
]
SUPPLIERS = [
    {"supplier_id": s, "supplier_id_type": t, "name": None, "contract_count": n}
    for s, t, n in ((S1, "SIRET", 3), (S2, "SIRET", 2), (S3, "SIRET", 1), (GB, "HORS-UE", 1))
]
QUALITY = [
    {
        "contract_id": "r1",
        "buyer_id": R,
        "field": "codeCPV",
        "value": "4523",
        "rule": "cpv_malformed",
    }
]


def _establishment(siret, commune, name, lat, lon):
    return {
        "siret": siret,
        "siren": siret[:9],
        "commune_code": commune,
        "naf": "43.21A",
        "active": True,
        "is_headquarters": True,
        "diffusible": True,
        "name": name,
        "latitude": lat,
        "longitude": lon,
    }


ESTABLISHMENTS = [
    _establishment(S1, "35238", "Bâtiment Rennais", 48.11, -1.68),
    _establishment(S2, "29019", "Brest Industries", 48.39, -4.49),
    _establishment(S3, "75056", "Insertion Paris", 48.86, 2.35),
]
LEGAL_UNITS = [
    {"siren": S1[:9], "name": "BATIMENT RENNAIS", "size": "sme", "legal_category": "5710",
     "social_economy": False, "diffusible": True, "active": True},
    {"siren": S2[:9], "name": "BREST INDUSTRIES", "size": "large", "legal_category": "5710",
     "social_economy": False, "diffusible": True, "active": True},
    {"siren": S3[:9], "name": "INSERTION PARIS", "size": "sme", "legal_category": "9220",
     "social_economy": True, "diffusible": True, "active": True},
]  # fmt: skip
INCLUSIVE = [{"siret": S3, "siren": S3[:9], "kind": "EI", "name": "INSERTION PARIS"}]

ROWS = {
    "contracts": CONTRACTS,
    "awardees": AWARDEES,
    "buyers": BUYERS,
    "suppliers": SUPPLIERS,
    "quality_issues": QUALITY,
}
ENRICHMENT_ROWS = {
    "establishments": ESTABLISHMENTS,
    "legal_units": LEGAL_UNITS,
    "inclusive_suppliers": INCLUSIVE,
}


def build(data_dir: Path, with_values: bool = True) -> Path:
    """Publish the snapshot (and ``indicator_values`` for the département territory)."""
    work = data_dir.parent / f"{data_dir.name}-build"
    work.mkdir(parents=True)
    paths = {}
    schemas = {**TABLES, **ENRICHMENT_TABLES}
    for table, schema in schemas.items():
        rows = {**ROWS, **ENRICHMENT_ROWS}.get(table, [])
        path = work / f"{table}.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
        paths[table] = path
    snapshot.derive(paths, "tests web indicateurs", data_dir)
    if with_values:
        con = connect(data_dir)
        store.write_all(con, "departement", data_dir=data_dir)
        con.close()
    return data_dir
