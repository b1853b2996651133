"""The local (same département) share on the real 2024 works extract, against plain Python.

The extract (decp-processing, 8 957 rows, one per contract × awardee) gives the buyer's and the
supplier's département. The test builds the warehouse from it: one contract and one current
awardee per row, and one SIRENE establishment per SIRET whose département is known, placed in a
commune of that département (the first in code order). The engine's verdicts must match the
same-département rule applied row by row with the csv module.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow as pa

from ancrage import reference
from ancrage.enrichment import Territory, locality, unlocated_counts
from ancrage.enrichment.schema import ESTABLISHMENTS

from . import builders as b

EXTRACT = "records/tabular/decp-processing-extract_2024H2_travaux_cpv4521.csv"


def _is_siret(value: str) -> bool:
    return len(value) == 14 and value.isdigit()


def _gives_siren(value: str) -> bool:
    """A SIRET or a bare SIREN: SIRENE can be asked (documented rule of ``ids.py``)."""
    return len(value) in (9, 14) and value.isdigit()


def test_local_share_by_departement_matches_plain_python(real_dir: Path, data_dir: Path) -> None:
    with open(real_dir / EXTRACT, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8957

    # --- Independent figure: same département, rows where both are known -------------------
    decidable = [
        r for r in rows if r["acheteur_departement_code"] and r["titulaire_departement_code"]
    ]
    local = [
        r for r in decidable if r["acheteur_departement_code"] == r["titulaire_departement_code"]
    ]
    assert (len(local), len(decidable)) == (5583, 8905)  # 62.7 %, as SOURCES.md says (62 %)
    by_dept_total = Counter(r["acheteur_departement_code"] for r in decidable)
    by_dept_local = Counter(r["acheteur_departement_code"] for r in local)
    supplier_unknown = [r for r in rows if not r["titulaire_departement_code"]]
    buyer_unknown = [
        r for r in rows if r["titulaire_departement_code"] and not r["acheteur_departement_code"]
    ]
    expected_reasons = {
        "foreign": 0,
        "missing_siret": sum(1 for r in supplier_unknown if not _gives_siren(r["titulaire_id"])),
        "not_in_sirene": sum(1 for r in supplier_unknown if _gives_siren(r["titulaire_id"])),
        "no_buyer_location": len(buyer_unknown),
    }

    # --- The warehouse built from the file ---------------------------------------------------
    communes = reference.communes().to_pylist()
    first_commune: dict[str, str] = {}
    for commune in sorted(communes, key=lambda c: c["code"]):
        if commune["type"] == "commune-actuelle":
            first_commune.setdefault(commune["departement"], commune["code"])
    places: dict[str, str] = {}
    for r in rows:
        for siret, dept in (
            (r["acheteur_id"], r["acheteur_departement_code"]),
            (r["titulaire_id"], r["titulaire_departement_code"]),
        ):
            if _is_siret(siret) and dept:
                assert places.setdefault(siret, dept) == dept  # one département per SIRET
    # The file does not say which establishment is a head office: unknown (NULL), so ids that
    # are only a SIREN stay unlocated, as in the file.
    establishments = pa.Table.from_pylist(
        [
            {
                "siret": siret,
                "siren": siret[:9],
                "commune_code": first_commune[dept],
                "diffusible": True,
                "active": True,
                "is_headquarters": None,
            }
            for siret, dept in sorted(places.items())
        ],
        schema=ESTABLISHMENTS,
    )
    contracts = [b.contract(f"r{i:05d}", r["acheteur_id"]) for i, r in enumerate(rows)]
    awardees = [b.awardee(f"r{i:05d}", r["titulaire_id"], "SIRET") for i, r in enumerate(rows)]
    b.publish_warehouse(data_dir, contracts, awardees, {"establishments": establishments})

    con = b.connection(data_dir)
    locality(con, Territory("departement"))
    engine_local, engine_decided = con.execute(
        "SELECT count(*) FILTER (WHERE local), count(local) FROM awardee_locality"
    ).fetchall()[0]
    assert (engine_local, engine_decided) == (len(local), len(decidable))
    assert round(engine_local / engine_decided, 4) == 0.6270
    assert unlocated_counts(con) == expected_reasons

    # Row by row, and by buyer département.
    verdicts = dict(con.execute("SELECT contract_id, local FROM awardee_locality").fetchall())
    for i, r in enumerate(rows):
        both = r["acheteur_departement_code"] and r["titulaire_departement_code"]
        expected = (
            r["acheteur_departement_code"] == r["titulaire_departement_code"] if both else None
        )
        assert verdicts[f"r{i:05d}"] == expected, r
    engine_by_dept = con.execute(
        "SELECT bp.departement, count(*) FILTER (WHERE l.local), count(l.local) "
        "FROM awardee_locality AS l JOIN buyer_profiles AS bp USING (buyer_id) "
        "WHERE l.local IS NOT NULL GROUP BY ALL"
    ).fetchall()
    assert {d: (n, t) for d, n, t in engine_by_dept} == {
        d: (by_dept_local[d], total) for d, total in by_dept_total.items()
    }
