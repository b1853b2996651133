"""Probe: the SQL normalisation of an import's chunks, replayed alone, one chunk after the other.

During an import the chunks run beside the Python reading, which blurs their cost. This probe
imports FILE into a throwaway warehouse keeping a copy of every chunk the fast path stages,
then replays them on one DuckDB (the import's settings: memory limit, all threads) and prints,
for each chunk and in total, the clean rows, the wall time and the processor time of the
process. The figure to weigh against ``compiled_normaliser.cpp`` (docs/import.md).

With ``--statements``, also the wall time of each SQL statement, summed over the chunks (which
steps a compiled normaliser would replace).

With ``--compiled``, the marché chunks go through the compiled normaliser (``_marches.c``,
``ingest/compiled.py``), as the import does when the C module is built.

Usage: .venv/bin/python bench/probes/sql_chunks.py bench/work/decp-1500000.json [--statements]
       [--compiled]
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

from ancrage.ingest import compiled, values
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


class _Timed:
    """A connection whose statements are timed, keyed by what they create."""

    def __init__(self, con: duckdb.DuckDBPyConnection, times: dict[str, float]) -> None:
        self.con, self.times = con, times

    def execute(self, sql: str, *args):
        words = sql.split()
        key = " ".join(words[:5]) if words[:1] != ["COPY"] else " ".join(words[:2])[:60]
        if "TO '" in sql:
            key = "COPY " + Path(sql.split("TO '")[1].split("'")[0]).parent.name
        start = time.perf_counter()
        result = self.con.execute(sql, *args)
        self.times[key] = self.times.get(key, 0.0) + time.perf_counter() - start
        return result

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def _timing(function, key: str, times: dict[str, float]):
    def timed(*args, **kwargs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times[key] = times.get(key, 0.0) + time.perf_counter() - start
        return result

    return timed


def replay(keep: Path, work: Path, statements: bool = False, use_compiled: bool = False) -> None:
    for table in ("contracts", "awardees", "modifications", "quality_issues"):
        (work / table).mkdir(parents=True)
    con = duckdb.connect()
    con.execute(
        f"SET memory_limit='{DUCKDB_MEMORY}'; SET preserve_insertion_order=false; "
        f"SET temp_directory='{work / 'tmp'}'"
    )
    times: dict[str, float] = {}
    if use_compiled:
        # (each step of the compiled path timed: the C module, the Arrow tables, the writes)
        for owner, name, key in (
            (compiled, "normalise_slice", "C : _marches.normalise, colonnes Arrow"),
            (compiled, "_tables_of", "C : tables de staging"),
            (compiled.pq, "write_table", "C : écriture Parquet"),
        ):
            setattr(owner, name, _timing(getattr(owner, name), key, times))
    start, start_cpu, total = time.perf_counter(), _cpu(), 0
    for meta_path in sorted(keep.glob("chunk-*.ndjson.json")):
        meta = json.loads(meta_path.read_text())
        con.execute("CREATE TABLE files (f BIGINT, path VARCHAR, format VARCHAR)")
        con.executemany("INSERT INTO files VALUES (?, ?, ?)", meta["files"])
        wall, cpu = time.perf_counter(), _cpu()
        chunk = str(meta_path)[: -len(".json")]
        timed = _Timed(con, times) if statements else con
        if use_compiled and meta["kind"] == "marche":
            back = compiled.normalise_chunk(
                Path(chunk),
                values.today(),
                work,
                "probe",
                meta["part"],
                meta["files"],
                meta["unhinted"],
            )
            con.execute(
                f"CREATE TABLE sql_contracts AS SELECT * FROM "
                f"'{work}/contracts/sql-part-{meta['part']}.parquet'"
            )
            print(f"  (rendus au normaliseur Python : {len(back)})")
        else:
            normalise_chunks(
                timed,
                chunk,
                values.today(),
                work,
                "probe",
                meta["part"],
                meta["unhinted"],
                meta["kind"],
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
    for key, seconds in sorted(times.items(), key=lambda item: -item[1]):
        print(f"{seconds:8.2f} s  {key}")


def main() -> int:
    args = [arg for arg in sys.argv[1:] if arg not in ("--statements", "--compiled")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ancrage-probe-") as tmp:
        keep, data = Path(tmp) / "chunks", Path(tmp) / "data"
        keep.mkdir()
        # (the chunks are kept where SQL normalises them: every one, the compiled path off)
        env = os.environ | {"ANCRAGE_DATA_DIR": str(data), "ANCRAGE_COMPILED": "0"}
        subprocess.run(
            [sys.executable, "-c", KEEP, str(keep), args[0]],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(data)
        replay(keep, Path(tmp) / "replay", "--statements" in sys.argv, "--compiled" in sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
