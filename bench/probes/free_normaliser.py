"""Probe: the import with a normaliser that costs nothing, to bound what a faster one could give.

The SQL normalisation of the chunks is the largest part of an import's processor time. This probe
imports FILE once keeping each chunk's results (the staged rows of its clean records, and which
records it read and could not normalise), then times, in alternation, the real import and the
same import where every chunk only writes back its saved results (its rows, with the new import's
id, as the chunk would have written them) instead of computing them. Both must give the same
report. The second figure is what the import would take with an infinitely fast normaliser: the
reading, the Python normaliser for the records not clean, and the final step remain.

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
from ancrage.cli import main
sys.argv = ["ancrage", "import", *sys.argv[3:]]
main()
"""


def _import(mode: str, keep: Path, source: str, tmp: Path, label: str) -> tuple[float, float, dict]:
    data, report = tmp / f"data-{label}", tmp / f"report-{label}.json"
    env = os.environ | {"ANCRAGE_DATA_DIR": str(data)}
    command = [sys.executable, "-c", CHILD, mode, str(keep), source, "--report-json", str(report)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"échec de l'import ({mode})")
    totals = json.loads(report.read_text())["total"]
    subprocess.run(["rm", "-rf", str(data)], check=True)
    return wall, usage.ru_utime + usage.ru_stime, totals


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
                wall, cpu, totals = _import(mode, keep, args.source, tmp, f"{mode}-{turn}")
                counts = {
                    k: totals[k] for k in ("records_read", "loaded", "quarantined", "duplicates")
                }
                reference = reference or counts
                same = "même rapport" if counts == reference else f"RAPPORT DIFFÉRENT {counts}"
                label = "import réel" if mode == "real" else "normaliseur gratuit"
                print(f"{label} : {wall:.1f} s, {cpu:.1f} s de processeur ({same})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
