"""A tiny warehouse, written by hand, whose figures the tests recompute in their assertions.

Buyers (valid SIRETs):
  B1 Ville de Rennes (3 contracts), B2 no published name (1), B3 Commune de Saint-Malo (1),
  B4 Établissement public foncier de Bretagne (1).
Suppliers: S1 Bâtiment Breton, S2 Écoconstruction SARL, S3 Propreté Armor.
Contract amounts used by the pages: current amount if known, else initial amount.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.warehouse.schema import TABLES

B1, B2, B3, B4 = "21350238800019", "22350001800013", "21350282600018", "25350014400014"
S1, S2, S3 = "35620612800015", "44321098400011", "51074321400015"
SNAPSHOT = "20260101T000000000000Z"

NAMES = {
    B1: "Ville de Rennes",
    B2: None,
    B3: "Commune de Saint-Malo",
    B4: "Établissement public foncier de Bretagne",
}
SUPPLIER_NAMES = {S1: "Bâtiment Breton", S2: "Écoconstruction SARL", S3: "Propreté Armor"}


def _contract(cid, buyer, date, obj, family, procedure, amount, current, social, env, n):
    return {
        "contract_id": cid,
        "uid": buyer + cid,
        "kind": "marche",
        "buyer_id": buyer,
        "id": cid.upper(),
        "notification_date": date,
        "object": obj,
        "family": family,
        "procedure": procedure,
        "cpv": "45233141",
        "amount_ht": amount,
        "current_amount_ht": current,
        "has_social_consideration": social,
        "has_environmental_consideration": env,
        "awardee_count": n,
        "buyer_name": NAMES[buyer],
    }


CONTRACTS = [
    _contract("c1", B1, dt.date(2024, 3, 1), "Travaux de voirie", "works",
              "Procédure adaptée", 100_000.0, 120_000.0, True, False, 2),
    _contract("c2", B1, dt.date(2023, 6, 15), "Fournitures de bureau", "supplies",
              "Appel d'offres ouvert", 50_000.0, None, None, None, 1),
    _contract("c3", B1, dt.date(2024, 9, 10), "Nettoyage des locaux", "services",
              "Procédure adaptée", 30_000.0, 30_000.0, True, True, 1),
    _contract("c4", B2, dt.date(2024, 1, 20), "Restauration scolaire", "services",
              "Appel d'offres ouvert", 200_000.0, 250_000.0, False, True, 1),
    _contract("c5", B3, dt.date(2022, 5, 5), "Éclairage public", "works",
              "Procédure adaptée", 80_000.0, None, None, None, 1),
    _contract("c6", B4, dt.date(2024, 2, 2), "Études foncières", "services",
              "Procédure adaptée", 40_000.0, None, False, False, 1),
]  # fmt: skip


def _awardee(cid, position, supplier, current=True, origin="initial"):
    return {
        "contract_id": cid,
        "position": position,
        "supplier_id": supplier,
        "supplier_id_type": "SIRET",
        "supplier_name": SUPPLIER_NAMES[supplier],
        "origin": origin,
        "is_current": current,
    }


AWARDEES = [
    _awardee("c1", 0, S1),
    _awardee("c1", 1, S2),
    _awardee("c2", 0, S1),
    _awardee("c3", 0, S3),
    # c4: S2 was the initial awardee, replaced by S1 through a modification.
    _awardee("c4", 0, S2, current=False),
    _awardee("c4", 1, S1, origin="modification:1"),
    _awardee("c5", 0, S3),
    _awardee("c6", 0, S2),
]

BUYERS = [
    {"buyer_id": b, "name": NAMES[b], "contract_count": n}
    for b, n in ((B1, 3), (B2, 1), (B3, 1), (B4, 1))
]
SUPPLIERS = [
    {"supplier_id": s, "supplier_id_type": "SIRET", "name": SUPPLIER_NAMES[s], "contract_count": n}
    for s, n in ((S1, 3), (S2, 2), (S3, 2))
]

ROWS = {"contracts": CONTRACTS, "awardees": AWARDEES, "buyers": BUYERS, "suppliers": SUPPLIERS}


def write_warehouse(data_dir: Path) -> Path:
    """Write the snapshot and the CURRENT pointer under ``data_dir``."""
    snap = data_dir / "snapshots" / SNAPSHOT
    snap.mkdir(parents=True)
    for table, schema in TABLES.items():
        pq.write_table(
            pa.Table.from_pylist(ROWS.get(table, []), schema=schema), snap / f"{table}.parquet"
        )
    (data_dir / "CURRENT").write_text(SNAPSHOT + "\n")
    return snap
