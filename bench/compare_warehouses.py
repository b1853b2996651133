"""Whether two warehouses hold the same rows, table by table (a check for changes that must not
alter what an import produces, e.g. a faster reader).

For every table of the current snapshots of DIR_A and DIR_B, ``EXCEPT ALL`` both ways over every
column except ``import_id`` (which differs from one import to the next) and those given with
``--ignore`` (e.g. ``source_file``, when the same records were imported from two files); prints the
row counts and the number of rows found on one side only, and exits 1 if any table differs.

Usage: .venv/bin/python bench/compare_warehouses.py DIR_A DIR_B [--ignore COLUMN]...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from ancrage.warehouse.snapshot import current, table_paths


def _tables(data_dir: Path) -> dict[str, str]:
    """Table -> Parquet path or glob, in the current snapshot of ``data_dir``."""
    snapshot = current(data_dir)
    if snapshot is None:
        raise SystemExit(f"{data_dir} : aucun instantané")
    return table_paths(snapshot.path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs=2, type=Path)
    parser.add_argument("--ignore", action="append", default=[])
    args = parser.parse_args()
    ignored = {"import_id", *args.ignore}
    a, b = (_tables(path) for path in args.dirs)
    con = duckdb.connect()
    missing = sorted(set(a) ^ set(b))
    differs = bool(missing)
    if missing:
        print(f"tables présentes d'un seul côté : {', '.join(missing)}")
    for table in sorted(set(a) & set(b)):
        sources = [f"read_parquet('{side[table]}')" for side in (a, b)]
        columns = [
            row[0]
            for row in con.execute(f"DESCRIBE SELECT * FROM {sources[0]}").fetchall()
            if row[0] not in ignored
        ]
        # (with every column ignored, only the row counts are compared)
        cols = ", ".join(f'"{c}"' for c in columns) or "1 AS row"
        left, right = (f"SELECT {cols} FROM {source}" for source in sources)
        count_a, count_b = (
            con.execute(f"SELECT count(*) FROM ({q})").fetchone()[0] for q in (left, right)
        )
        only_a = con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM ({right} EXCEPT ALL {left})").fetchone()[0]
        differs |= bool(only_a or only_b)
        print(
            f"{table}: {count_a} / {count_b} lignes, {only_a} seulement à gauche, {only_b} à droite"
        )
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
