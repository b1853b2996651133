"""Benchmark of the indicator engine (issue 3): every indicator × buyer × year, with peers.

    python bench/bench_indicators.py --data-dir DATA          # an existing warehouse
    python bench/bench_indicators.py --contracts 20000        # generates a small one first

The warehouse must hold the contracts and the SIRENE / inclusive imports (``ancrage generate``
writes matching synthetic files; ``--contracts`` runs generate + import + sirene import). In the
same run, a straightforward pandas implementation computes three indicators (social share,
local share, single-bid rate) by buyer × year; the script checks that both agree, then prints
the times, the ratio and the peak memory (target: everything under 15 s on 1.5 M contracts, and
at least 10× faster than pandas).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd
from warehouse_builder import build_warehouse

PANDAS_IDS = ("social_share", "local_share", "single_bid_rate")
SOCIAL = {"Clause sociale", "Critère social", "Marché réservé", "Concession réservée"}
NO_COMPETITION = "Marché passé sans publicité ni mise en concurrence préalable"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_engine(data_dir: Path, territory: str) -> tuple[object, dict[str, float], object]:
    from ancrage.indicators import engine
    from ancrage.indicators.source import from_warehouse
    from ancrage.warehouse import connect, current

    times = {}
    started = time.perf_counter()
    con = connect(data_dir)
    inputs = from_warehouse(con, territory)
    times["préparation (profils, localité, bases)"] = time.perf_counter() - started
    started = time.perf_counter()
    result = engine.run(inputs, ["buyer_id", "year"])
    times["30 indicateurs × acheteur × année + pairs"] = time.perf_counter() - started
    started = time.perf_counter()
    three = engine.run(inputs, ["buyer_id", "year"], list(PANDAS_IDS))
    times["les 3 indicateurs comparés (moteur)"] = time.perf_counter() - started
    snapshot = current(data_dir)
    return (con, snapshot), times, (result, three)


def run_pandas(snapshot_path: Path, locality: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The three indicators, written the obvious way in pandas (row-wise list tests, merges)."""
    started = time.perf_counter()
    contracts = pd.read_parquet(
        snapshot_path / "contracts",  # (a directory of parts)
        columns=[
            "contract_id",
            "buyer_id",
            "notification_date",
            "social_considerations",
            "offers_received",
            "procedure",
        ],
    )
    contracts["year"] = pd.to_datetime(contracts["notification_date"]).dt.year

    def social(labels: object) -> float:
        if labels is None or len(labels) == 0:
            return float("nan")
        return float(any(v in SOCIAL for v in labels))

    contracts["social"] = contracts["social_considerations"].apply(social)
    social_share = contracts.groupby(["buyer_id", "year"])["social"].mean() * 100

    competitive = contracts[
        contracts["offers_received"].notna() & (contracts["procedure"] != NO_COMPETITION)
    ]
    single = (competitive["offers_received"] == 1).astype(float)
    single_bid = single.groupby([competitive["buyer_id"], competitive["year"]]).mean() * 100

    loc = locality.merge(contracts[["contract_id", "year"]], on="contract_id")
    loc["weight"] = 1 / loc.groupby("contract_id")["contract_id"].transform("size")
    known = loc[loc["local"].notna()].copy()
    known["local_weight"] = known["weight"] * known["local"].astype(float)
    sums = known.groupby(["buyer_id", "year"])[["local_weight", "weight"]].sum()
    local_share = sums["local_weight"] / sums["weight"] * 100

    frame = pd.DataFrame(
        {"social_share": social_share, "local_share": local_share, "single_bid_rate": single_bid}
    )
    return frame, time.perf_counter() - started


def compare(three: object, frame: pd.DataFrame) -> int:
    """Number of (buyer, year, indicator) values where pandas and the engine disagree."""
    engine_rows = three.to_pandas()
    mismatches = 0
    for ind in PANDAS_IDS:
        ours = engine_rows[engine_rows["indicator_id"] == ind].set_index(["buyer_id", "year"])[
            "value"
        ]
        theirs = frame[ind].reindex(ours.index)
        both = ours.notna() & theirs.notna()
        mismatches += int(((ours[both] - theirs[both]).abs() > 1e-6).sum())
        mismatches += int((ours.notna() != theirs.notna()).sum())
    return mismatches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mesure du moteur d'indicateurs.")
    parser.add_argument("--data-dir", type=Path, help="Entrepôt existant (ANCRAGE_DATA_DIR).")
    parser.add_argument("--contracts", type=int, help="Générer un entrepôt de N contrats.")
    parser.add_argument("--territory", default="departement", help="Territoire local.")
    args = parser.parse_args(argv)
    if bool(args.data_dir) == bool(args.contracts):
        parser.error("indiquez --data-dir OU --contracts")

    with tempfile.TemporaryDirectory(prefix="ancrage-bench-") as tmp:
        data_dir = args.data_dir
        if args.contracts:
            print(f"Génération d'un entrepôt de {args.contracts} contrats…")
            data_dir = build_warehouse(args.contracts, Path(tmp))
        (con, snapshot), times, (result, three) = run_engine(data_dir.resolve(), args.territory)
        engine_peak = peak_mb()
        locality = con.execute("SELECT contract_id, buyer_id, local FROM awardee_locality").df()
        contracts = con.execute("SELECT count(*) FROM contracts").fetchone()[0]
        buyer_years = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT buyer_id, year(notification_date) FROM contracts)"
        ).fetchone()[0]
        frame, pandas_time = run_pandas(snapshot.path, locality)
        mismatches = compare(three, frame)

    engine_total = sum(times.values()) - times["les 3 indicateurs comparés (moteur)"]
    print(f"\nEntrepôt : {contracts} contrats, {buyer_years} couples acheteur × année")
    for label, seconds in times.items():
        print(f"  {label:<45} {seconds:7.2f} s")
    print(f"  {'total moteur (préparation + 30 indicateurs)':<45} {engine_total:7.2f} s")
    print(f"  {'pandas, 3 indicateurs':<45} {pandas_time:7.2f} s")
    engine_three = times["les 3 indicateurs comparés (moteur)"]
    print(f"  rapport pandas / moteur sur les 3 indicateurs : {pandas_time / engine_three:.1f}×")
    print(f"  lignes produites : {result.num_rows}")
    print(f"  mémoire de pointe : moteur {engine_peak:.0f} Mo, après pandas {peak_mb():.0f} Mo")
    print(f"  écarts moteur / pandas : {mismatches}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
