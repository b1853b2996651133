"""``generate()``: a synthetic DECP 2022 JSON file plus matching SIRENE and SIAE files.

The JSON is written record by record (one compact record per line inside the official envelope),
so memory does not grow with the number of contracts: only the pools of buyers and suppliers, sized
once from N and capped at the national figures, and a short window of recent records (for the
duplicate and revision defects) stay in memory.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson

from ancrage.generate import calibration as cal
from ancrage.generate.buyers import BuyerPool
from ancrage.generate.concessions import build_concession
from ancrage.generate.contracts import ContractFactory, Record
from ancrage.generate.defects import DefectPlan
from ancrage.generate.errors import GenerationError
from ancrage.generate.fields import CpvChooser
from ancrage.generate.geo import load_communes, load_cpv, load_names
from ancrage.generate.sirene import ESTABLISHMENT_FILE, SIAE_FILE, UNIT_FILE, write_sirene
from ancrage.generate.suppliers import SupplierPool

Progress = Callable[[int], None]
RECENT_WINDOW = 64  # recent clean marchés kept for duplicate / revision defects
PROGRESS_STEP = 2_000


@dataclass
class GenerationSummary:
    """What ``generate()`` wrote."""

    output: Path
    sirene_establishments_file: Path
    sirene_units_file: Path
    siae_file: Path
    seed: int
    contracts: int  # distinct contracts asked for (marchés + concessions)
    marches: int
    concessions: int
    records_written: int  # contracts + exact duplicates + republished revisions
    awardee_rows: int
    foreign_awardees: int
    buyers: int
    supplier_establishments: int
    sirene_establishments: int
    sirene_units: int
    sirene_gaps: int  # supplier establishments deliberately absent from SIRENE
    siae: int
    defects: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def pool_sizes(n_contracts: int) -> tuple[int, int]:
    """(buyers, supplier establishments) for N contracts, reaching the national figures at 1.54 M.

    Distinct buyers and suppliers grow slower than contracts (the same buyers publish again).
    """
    ratio = min(1.0, n_contracts / cal.NATIONAL_CONTRACTS)
    buyers = max(30, round(cal.NATIONAL_BUYERS * ratio**0.5))
    suppliers = max(200, round(cal.NATIONAL_SUPPLIERS * ratio**0.75))
    return buyers, suppliers


def generate(
    n_contracts: int,
    seed: int,
    output: Path,
    sirene_dir: Path | None = None,
    siae_file: Path | None = None,
    progress: Progress | None = None,
    *,
    defects: bool = True,
) -> GenerationSummary:
    """Write a synthetic DECP 2022 JSON file of ``n_contracts`` contracts and its SIRENE files.

    ``sirene_dir`` defaults to the output file's folder, ``siae_file`` to
    ``<sirene_dir>/siae_synthetique.csv``. ``progress`` is called with the number of records
    written since its previous call. ``defects=False`` writes only schema-valid, coherent records.
    """
    if n_contracts < 1:
        raise GenerationError("Le nombre de contrats doit être au moins 1.")
    started = time.perf_counter()
    output = Path(output)
    sirene_dir = Path(sirene_dir) if sirene_dir is not None else output.parent
    siae_file = Path(siae_file) if siae_file is not None else sirene_dir / SIAE_FILE
    rng = random.Random(seed)
    communes = load_communes()
    cpv = CpvChooser(load_cpv())
    n_buyers, n_suppliers = pool_sizes(n_contracts)
    buyers = BuyerPool(rng, communes, load_names(), n_buyers)
    suppliers = SupplierPool(rng, communes, n_suppliers)
    factory = ContractFactory(communes, cpv, buyers, suppliers)
    plan = DefectPlan(defects)
    n_concessions = round(n_contracts * cal.CONCESSION_SHARE) if n_contracts >= 50 else 0
    n_marches = n_contracts - n_concessions
    output.parent.mkdir(parents=True, exist_ok=True)
    records = 0
    with output.open("wb", buffering=1 << 20) as out:
        out.write(b'{"marches": {"marche": [\n')
        records += _write_marches(rng, factory, plan, cpv.leading_zero, out, n_marches, progress)
        out.write(b'\n], "contrat-concession": [\n')
        for index in range(n_concessions):
            if index:
                out.write(b",\n")
            out.write(orjson.dumps(build_concession(factory, rng)))
            records += 1
            if progress is not None and (index + 1) % PROGRESS_STEP == 0:
                progress(PROGRESS_STEP)
        out.write(b"\n]}}\n")
    if progress is not None and n_concessions % PROGRESS_STEP:
        progress(n_concessions % PROGRESS_STEP)
    sirene = write_sirene(seed, buyers, suppliers, sirene_dir, siae_file)
    return GenerationSummary(
        output=output,
        sirene_establishments_file=sirene_dir / ESTABLISHMENT_FILE,
        sirene_units_file=sirene_dir / UNIT_FILE,
        siae_file=siae_file,
        seed=seed,
        contracts=n_contracts,
        marches=n_marches,
        concessions=n_concessions,
        records_written=records,
        awardee_rows=factory.awardee_rows,
        foreign_awardees=factory.foreign_awardees,
        buyers=len(buyers.buyers),
        supplier_establishments=len(suppliers.sirets),
        sirene_establishments=sirene.establishments,
        sirene_units=sirene.units,
        sirene_gaps=sirene.gaps,
        siae=sirene.siae,
        defects={kind: count for kind, count in plan.counts.items() if count},
        seconds=round(time.perf_counter() - started, 3),
    )


def _write_marches(
    rng: random.Random,
    factory: ContractFactory,
    plan: DefectPlan,
    leading_zero: list[str],
    out,  # a binary file
    count: int,
    progress: Progress | None,
) -> int:
    """Write ``count`` marchés, plus the duplicate and revision records; return records written."""
    recent: deque[tuple[Record, bytes]] = deque(maxlen=RECENT_WINDOW)
    written = 0
    pending = 0
    for index in range(count):
        record = factory.marche(rng)
        defect = plan.draw(rng)
        extra: bytes | None = None
        if defect in ("exact_duplicate", "republished_revision"):
            if recent:
                extra = _repeat(rng, factory, plan, defect, recent)
        elif defect is not None:
            plan.inject(rng, defect, record, leading_zero)
        data = orjson.dumps(record)
        if defect is None:
            recent.append((record, data))
        out.write(b",\n" + data if index else data)
        written += 1
        if extra is not None:
            out.write(b",\n" + extra)
            written += 1
        pending += 1
        if progress is not None and pending >= PROGRESS_STEP:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    return written


def _repeat(
    rng: random.Random,
    factory: ContractFactory,
    plan: DefectPlan,
    kind: str,
    recent: deque[tuple[Record, bytes]],
) -> bytes:
    """An exact copy of a recent marché, or a republication of it with one more modification."""
    record, data = recent[rng.randrange(len(recent))]
    plan.counts[kind] += 1
    if kind == "exact_duplicate":
        return data
    revised = dict(record)
    modifications = list(record.get("modifications", []))
    last = modifications[-1]["modification"] if modifications else {}
    base = dict(revised)
    base["montant"] = last.get("montant", record["montant"])
    base["dureeMois"] = last.get("dureeMois", record["dureeMois"])
    start = _offset(factory, last.get("dateNotificationModification", record["dateNotification"]))
    added = factory.modifications(rng, base, start, 1, start=len(modifications) + 1)
    if not added:  # too recent to be modified: the republication is an exact copy
        plan.counts[kind] -= 1
        plan.counts["exact_duplicate"] += 1
        return data
    revised["modifications"] = modifications + added
    return orjson.dumps(revised)


def _offset(factory: ContractFactory, iso: str) -> int:
    return (date.fromisoformat(iso) - factory.calendar.start).days
