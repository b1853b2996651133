"""Build a synthetic warehouse for the benchmarks: the real command-line path, step by step."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def build_warehouse(contracts: int, workdir: Path, indicators: bool = False) -> Path:
    """generate + import + SIRENE + inclusive (+ indicators) into ``workdir/data``."""
    data = workdir / "data"
    env = {**os.environ, "ANCRAGE_DATA_DIR": str(data)}
    exe = [sys.executable, "-m", "ancrage.cli"]
    decp = workdir / "decp.json"
    steps = [
        [*exe, "generate", "--contracts", str(contracts), "--output", str(decp)],
        [*exe, "import", str(decp)],
        [
            *exe,
            "sirene",
            "import",
            str(workdir / "StockEtablissement_synthetique.csv"),
            str(workdir / "StockUniteLegale_synthetique.csv"),
        ],
        [*exe, "sirene", "import-inclusive", str(workdir / "siae_synthetique.csv")],
    ]
    if indicators:
        steps.append([*exe, "indicators", "compute", "--all"])
    for step in steps:
        started = time.perf_counter()
        subprocess.run(step, env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"  {' '.join(step[3:5])} : {time.perf_counter() - started:.1f} s")
    return data
