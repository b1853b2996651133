"""Probe: the import with a normaliser that costs nothing, to bound what a faster one could give.

The SQL normalisation of the chunks is the largest part of an import's processor time. This probe
imports FILE once keeping each chunk's results (the staged rows of its clean records, and which
records it read and could not normalise), then times, in alternation, the real import and the
same import where every chunk only writes back its saved results (its rows, with the new import's
id, as the chunk would have written them) instead of computing them. Both must give the same
report. The second figure is what the import would take with an infinitely fast normaliser: the
reading, the Python normaliser for the records not clean, and the final step remain. For each
run, when each phase ends: the reading of the file, the chunks and the records handed to the
Python normaliser, the final step (seconds from the start of the import's process).

Usage: .venv/bin/python bench/probes/free_normaliser.py bench/work/decp-1500000.json [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("contracts", "awardees", "modifications", "quality_issues")

# Run in a child process: the import, as it is (MODE real), with normalise_chunks wrapped (save)
# or replaced (replay). The chunk's own DuckDB connection keeps src (f, p) and not_clean (f, p, h), which
# the fast path reads afterwards.
CHILD = """
import shutil, sys
from pathlib import Path
from ancrage.ingest import fast_path
mode, keep = sys.argv[1], Path(sys.argv[2])
TABLES = ("contracts", "awardees", "modifications", "quality_issues")
original = fast_path.normalise_chunks

def save(con, chunks, today, out_dir, import_id, part=0, unhinted=(), kind="marche"):
    original(con, chunks, today, out_dir, import_id, part, unhinted, kind)
    for table in TABLES:
        shutil.copyfile(out_dir / table / f"sql-part-{part}.parquet", keep / f"{table}-{part}.parquet")
    con.execute(f"COPY (SELECT f, p FROM src) TO '{keep}/src-{part}.parquet'")
    con.execute(f"COPY (SELECT f, p, h FROM not_clean) TO '{keep}/not_clean-{part}.parquet'")

def replay(con, chunks, today, out_dir, import_id, part=0, unhinted=(), kind="marche"):
    for table in TABLES:
        saved = keep / f"{table}-{part}.parquet"
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM '{saved}'").fetchall()]
        select = "* REPLACE (? AS import_id)" if "import_id" in columns else "*"
        params = [import_id] if "import_id" in columns else []
        con.execute(
            f"COPY (SELECT {select} FROM '{saved}') TO '{out_dir / table / f'sql-part-{part}.parquet'}' "
            "(FORMAT parquet, COMPRESSION uncompressed)", params)
    con.execute(f"CREATE TABLE src AS SELECT * FROM '{keep}/src-{part}.parquet'")
    con.execute(f"CREATE TABLE not_clean AS SELECT * FROM '{keep}/not_clean-{part}.parquet'")

if mode != "real":
    fast_path.normalise_chunks = save if mode == "save" else replay

# When each phase ends, in seconds from the start: reading (the file read, chunks still running),
# the chunks and the Python normaliser's records (FastPath.finish), the final step.
import os, time
from ancrage.ingest import finalise
start, phases = time.perf_counter(), open(os.environ["PROBE_PHASES"], "w")

def timed(owner, name, label, before=None):
    inner = getattr(owner, name)
    def wrapper(*args, **kwargs):
        if before:
            phases.write(f"{before} {time.perf_counter() - start:.1f}\\n")
        result = inner(*args, **kwargs)
        phases.write(f"{label} {time.perf_counter() - start:.1f}\\n")
        phases.flush()
        return result
    setattr(owner, name, wrapper)

timed(fast_path.FastPath, "finish", "tranches", before="lecture")
timed(finalise, "build_snapshot", "finale")
from ancrage.cli import main
sys.argv = ["ancrage", "import", *sys.argv[3:]]
main()
"""


def _import(mode: str, keep: Path, source: str, tmp: Path, label: str) -> tuple[float, float, dict]:
    data, report = tmp / f"data-{label}", tmp / f"report-{label}.json"
    phases = tmp / f"phases-{label}.txt"
    env = os.environ | {"ANCRAGE_DATA_DIR": str(data), "PROBE_PHASES": str(phases)}
    if mode != "real":  # (saved and replayed where SQL normalises: every chunk)
        env["ANCRAGE_COMPILED"] = "0"
    command = [sys.executable, "-c", CHILD, mode, str(keep), source, "--report-json", str(report)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"échec de l'import ({mode})")
    totals = json.loads(report.read_text())["total"]
    subprocess.run(["rm", "-rf", str(data)], check=True)
    return wall, usage.ru_utime + usage.ru_stime, totals, phases.read_text().split()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ancrage-probe-") as name:
        tmp = Path(name)
        keep = tmp / "saved"
        keep.mkdir()
        _import("save", keep, args.source, tmp, "save")
        reference = None
        for turn in range(args.repeat):
            for mode in ("real", "replay"):
                wall, cpu, totals, phases = _import(mode, keep, args.source, tmp, f"{mode}-{turn}")
                counts = {
                    k: totals[k] for k in ("records_read", "loaded", "quarantined", "duplicates")
                }
                reference = reference or counts
                same = "même rapport" if counts == reference else f"RAPPORT DIFFÉRENT {counts}"
                label = "import réel" if mode == "real" else "normaliseur gratuit"
                ends = ", ".join(
                    f"{name} {at} s" for name, at in zip(phases[::2], phases[1::2], strict=True)
                )
                print(
                    f"{label} : {wall:.1f} s, {cpu:.1f} s de processeur ({same}) ; "
                    f"fin de chaque étape : {ends}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
