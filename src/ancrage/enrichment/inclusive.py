"""``ancrage sirene import-inclusive``: the list of inclusive structures → ``inclusive_suppliers``.

The input is a CSV in the column layout of the Marché de l'inclusion's structure list
(``le-marche_siae_fixture_no-contacts.csv``): at least ``siret`` and ``kind``; ``name`` (or
``brand``) when present. The whole list is kept (a few thousand rows), not only the warehouse's
suppliers, so that the supplier finder can show structures that never won a contract.

One row per (SIRET, kind): a structure may hold several agreements (an ACI that is also an AI).
``rows_read = written + invalid_siret + missing_kind + duplicates``, a duplicate being the same
(SIRET, kind) again; each rejected row is counted and the first ones are quoted in the report. A kind outside the known list is kept as published
and counted under ``unknown_kind``.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ancrage import config
from ancrage.enrichment.schema import INCLUSIVE_KINDS, INCLUSIVE_SUPPLIERS
from ancrage.warehouse import snapshot as warehouse

MAX_EXAMPLES = 5


class InclusiveImportError(ValueError):
    """An import that cannot run, explained in French."""


@dataclass
class InclusiveReport:
    file: str = ""
    rows_read: int = 0
    written: int = 0
    invalid_siret: int = 0
    missing_kind: int = 0
    duplicates: int = 0
    unknown_kind: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    rejected_examples: list[dict] = field(default_factory=list)
    snapshot: str | None = None

    def as_dict(self) -> dict:
        return vars(self).copy()


def import_inclusive(path: Path, data_dir: Path | None = None) -> InclusiveReport:
    """Import the inclusive structures list into the warehouse (a new snapshot)."""
    root = data_dir or config.data_dir()
    table, report = read_inclusive(Path(path))
    staging = root / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="inclusive-", dir=staging))
    try:
        target = workdir / "inclusive_suppliers.parquet"
        pq.write_table(table, target)
        snap = warehouse.derive(
            {"inclusive_suppliers": target}, f"Import des structures inclusives : {path.name}", root
        )
        report.snapshot = snap.id
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def read_inclusive(path: Path) -> tuple[pa.Table, InclusiveReport]:
    """Parse and check the CSV; returns the table (sorted by SIRET) and the report."""
    if not path.is_file():
        raise InclusiveImportError(f"Fichier introuvable : {path}")
    report = InclusiveReport(file=path.name)
    rows: dict[tuple[str, str], dict[str, str | None]] = {}
    kinds: Counter[str] = Counter()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            missing = {"siret", "kind"} - columns
            if missing:
                raise InclusiveImportError(
                    f"{path.name} : colonnes obligatoires absentes : {', '.join(sorted(missing))}. "
                    "Le fichier doit suivre la disposition de la liste du Marché de l'inclusion "
                    "(siret, name, kind…)."
                )
            for line, row in enumerate(reader, start=2):
                report.rows_read += 1
                _take(row, line, rows, kinds, report)
    except UnicodeDecodeError as error:
        raise InclusiveImportError(
            f"{path.name} n'est pas encodé en UTF-8 ({error.reason}) : réenregistrez-le en UTF-8."
        ) from error
    report.written = len(rows)
    report.by_kind = dict(sorted(kinds.items()))
    ordered = [rows[key] for key in sorted(rows)]
    table = pa.Table.from_pylist(ordered, schema=INCLUSIVE_SUPPLIERS)
    return table, report


def _take(
    row: dict[str, str | None],
    line: int,
    rows: dict[tuple[str, str], dict[str, str | None]],
    kinds: Counter[str],
    report: InclusiveReport,
) -> None:
    siret = (row.get("siret") or "").replace(" ", "").strip()
    kind = (row.get("kind") or "").strip().upper()
    if not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
        report.invalid_siret += 1
        _example(report, line, row, "SIRET absent ou qui n'a pas 14 chiffres")
        return
    if not kind:
        report.missing_kind += 1
        _example(report, line, row, "type de structure (kind) absent")
        return
    if (siret, kind) in rows:
        report.duplicates += 1
        _example(report, line, row, f"SIRET et type déjà présents (première ligne gardée, {siret})")
        return
    if kind not in INCLUSIVE_KINDS:
        report.unknown_kind += 1
    name = (row.get("name") or "").strip() or (row.get("brand") or "").strip() or None
    rows[(siret, kind)] = {"siret": siret, "siren": siret[:9], "kind": kind, "name": name}
    kinds[kind] += 1


def _example(report: InclusiveReport, line: int, row: dict, reason: str) -> None:
    if len(report.rejected_examples) < MAX_EXAMPLES:
        report.rejected_examples.append(
            {"line": line, "reason": reason, "siret": row.get("siret"), "kind": row.get("kind")}
        )
