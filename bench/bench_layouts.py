"""Benchmark of ``ancrage import`` on the same records laid out three ways.

National files lay one marché per line; buyers' own files are usually indented (one field per
line), sometimes minified (the whole file on one line); some tools write records without any
envelope, one per line (NDJSON). The same N synthetic contracts (default 150,000, from
``ancrage generate``) are written in these four layouts and each file is imported
into an empty warehouse, in its own process: wall time, CPU time and peak memory. The reference
is the one-record-per-line file, measured in the same run; the warehouses are checked equal
table by table (``bench/compare_warehouses.py``, file name and format aside).

Usage: .venv/bin/python bench/bench_layouts.py [--contracts 150000] [--work bench/work]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import BIN, ROOT, generate, run

LAYOUTS = ("one_per_line", "indented", "minified", "ndjson")


def write_layouts(source: Path, work: Path, contracts: int) -> dict[str, Path]:
    """The generated file (one record per line) and the same content indented, minified, and
    without envelope (concessions carry their own markers: ``autoriteConcedante``…)."""
    paths = {"one_per_line": source}
    content = None
    for layout, indent in (("indented", 2), ("minified", None)):
        path = work / f"decp-{contracts}-{layout}.json"
        if not path.exists():
            if content is None:
                content = json.loads(source.read_text(encoding="utf-8"))
            with open(path, "w", encoding="utf-8") as out:
                json.dump(content, out, ensure_ascii=False, indent=indent)
        paths[layout] = path
    path = work / f"decp-{contracts}-ndjson.json"
    if not path.exists():
        if content is None:
            content = json.loads(source.read_text(encoding="utf-8"))
        with open(path, "w", encoding="utf-8") as out:
            for kind in ("marche", "contrat-concession"):
                for record in content["marches"].get(kind, []):
                    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    paths["ndjson"] = path
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=150_000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    args = parser.parse_args()
    work: Path = args.work
    source = work / f"decp-{args.contracts}.json"
    generate(args.contracts, source)
    paths = write_layouts(source, work, args.contracts)

    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}",
        "contracts": args.contracts,
    }
    for layout in LAYOUTS:
        data_dir = work / f"warehouse-{layout}"
        shutil.rmtree(data_dir, ignore_errors=True)
        env = os.environ | {"ANCRAGE_DATA_DIR": str(data_dir)}
        wall, peak, cpu, _ = run([str(BIN / "ancrage"), "import", str(paths[layout])], env)
        results[layout] = {
            "file_mb": round(paths[layout].stat().st_size / 2**20, 1),
            "seconds": round(wall, 1),
            "cpu_seconds": round(cpu, 1),
            "peak_mib": peak,
        }
        print(f"{layout} : {wall:.1f} s, {peak} Mio", flush=True)
    reference = results["one_per_line"]["seconds"]
    for layout in LAYOUTS[1:]:
        results[layout]["vs_one_per_line"] = round(results[layout]["seconds"] / reference, 2)
        same = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "compare_warehouses.py"),
                str(work / "warehouse-one_per_line"),
                str(work / f"warehouse-{layout}"),
                # (the only differences expected: the file's name; for NDJSON, its format, and
                # the content digest of concessions, staged there before going back to Python:
                # the MD5 of their line instead of the BLAKE2 of the sorted record)
                *("--ignore", "source_file", "--ignore", "source_format"),
                *(("--ignore", "content_hash", "--ignore", "raw") if layout == "ndjson" else ()),
            ],
            capture_output=True,
            text=True,
        )
        results[layout]["same_warehouse"] = same.returncode == 0
    for layout in LAYOUTS:
        shutil.rmtree(work / f"warehouse-{layout}", ignore_errors=True)
    out = ROOT / "bench" / "results" / "layouts.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
