"""Probe: the SQL normalisation of an import's chunks, replayed alone, one chunk after the other.

During an import the chunks run beside the Python reading, which blurs their cost. This probe
imports FILE into a throwaway warehouse keeping a copy of every chunk the fast path stages,
then replays them on one DuckDB (the import's settings: memory limit, all threads) and prints,
for each chunk and in total, the clean rows, the wall time and the processor time of the
process. The figure to weigh against ``compiled_normaliser.cpp`` (docs/import.md).

Usage: .venv/bin/python bench/probes/sql_chunks.py bench/work/decp-1500000.json
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from ancrage.ingest import values
from ancrage.ingest.fast_path import DUCKDB_MEMORY
from ancrage.ingest.sql_normalise import normalise_chunks

# Run in a child process: the import, with normalise_chunks wrapped to copy each chunk first.
KEEP = """
import json, shutil, sys
from ancrage.ingest import fast_path
keep, original = sys.argv[1], fast_path.normalise_chunks
def keeping(con, chunks, today, out_dir, import_id, part=0, unhinted=(), kind="marche"):
    target = f"{keep}/chunk-{part:04d}.ndjson"
    shutil.copyfile(chunks, target)
    meta = {"files": con.execute("SELECT * FROM files").fetchall(), "part": part,
            "unhinted": list(unhinted), "kind": kind}
    with open(target + ".json", "w") as out:
        json.dump(meta, out)
    return original(con, chunks, today, out_dir, import_id, part, unhinted, kind)
fast_path.normalise_chunks = keeping
from ancrage.cli import main
sys.argv = ["ancrage", "import", *sys.argv[2:]]
main()
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _drop_all(con: duckdb.DuckDBPyConnection) -> None:
    for name, kind in con.execute(
        "SELECT table_name, table_type FROM information_schema.tables"
    ).fetchall():
        con.execute(f'DROP {"VIEW" if kind == "VIEW" else "TABLE"} IF EXISTS "{name}" CASCADE')


def replay(keep: Path, work: Path) -> None:
    for table in ("contracts", "awardees", "modifications", "quality_issues"):
        (work / table).mkdir(parents=True)
    con = duckdb.connect()
    con.execute(
        f"SET memory_limit='{DUCKDB_MEMORY}'; SET preserve_insertion_order=false; "
        f"SET temp_directory='{work / 'tmp'}'"
    )
    start, start_cpu, total = time.perf_counter(), _cpu(), 0
    for meta_path in sorted(keep.glob("chunk-*.ndjson.json")):
        meta = json.loads(meta_path.read_text())
        con.execute("CREATE TABLE files (f BIGINT, path VARCHAR, format VARCHAR)")
        con.executemany("INSERT INTO files VALUES (?, ?, ?)", meta["files"])
        wall, cpu = time.perf_counter(), _cpu()
        chunk = str(meta_path)[: -len(".json")]
        normalise_chunks(
            con, chunk, values.today(), work, "probe", meta["part"], meta["unhinted"], meta["kind"]
        )
        rows = con.execute("SELECT count(*) FROM sql_contracts").fetchone()[0]
        total += rows
        print(
            f"{Path(chunk).name} ({meta['kind']}) : {rows} lignes propres, "
            f"{time.perf_counter() - wall:.2f} s, {_cpu() - cpu:.2f} s de processeur",
            flush=True,
        )
        _drop_all(con)
    print(
        f"Total : {total} lignes propres, {time.perf_counter() - start:.2f} s, "
        f"{_cpu() - start_cpu:.2f} s de processeur"
    )


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ancrage-probe-") as tmp:
        keep, data = Path(tmp) / "chunks", Path(tmp) / "data"
        keep.mkdir()
        env = os.environ | {"ANCRAGE_DATA_DIR": str(data)}
        subprocess.run(
            [sys.executable, "-c", KEEP, str(keep), sys.argv[1]],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(data)
        replay(keep, Path(tmp) / "replay")
    return 0


if __name__ == "__main__":
    sys.exit(main())
