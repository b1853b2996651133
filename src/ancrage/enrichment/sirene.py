"""``ancrage sirene import``: INSEE stock files → ``establishments`` and ``legal_units``.

Streaming: each file is read batch by batch (see :mod:`.sources`) and DuckDB keeps, on the fly,
only the rows whose SIRET / SIREN the warehouse needs (buyers and suppliers). What is kept is then
checked, typed and written to Parquet, and published as a new snapshot with
:func:`ancrage.warehouse.snapshot.derive`: a crash leaves the previous snapshot in place.

Nothing is dropped silently. For each table the report satisfies
``rows_read = invalid_identifier + not_needed + kept`` and ``kept = written + duplicates``;
malformed CSV lines are counted apart (with examples); a value that cannot be read becomes NULL
and is counted under its rule in ``issues``.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from ancrage import config
from ancrage.enrichment import sirene_sql
from ancrage.enrichment.ids import siren_sql, siret_sql
from ancrage.enrichment.schema import ESTABLISHMENTS, LEGAL_UNITS
from ancrage.enrichment.sources import ReadStats, Source, SourceError, batches, expand, header
from ancrage.warehouse import snapshot as warehouse

KINDS = {
    "establishments": sirene_sql.ESTABLISHMENT_COLUMNS,
    "legal_units": sirene_sql.LEGAL_UNIT_COLUMNS,
}
SCHEMAS = {"establishments": ESTABLISHMENTS, "legal_units": LEGAL_UNITS}
ID_COLUMN = {"establishments": "siret", "legal_units": "siren"}
ID_DIGITS = {"establishments": 14, "legal_units": 9}
FILE_LABEL = {"establishments": "StockEtablissement", "legal_units": "StockUniteLegale"}


class SireneImportError(ValueError):
    """An import that cannot run, explained in French."""


@dataclass
class TableReport:
    rows_read: int = 0
    malformed_lines: int = 0
    invalid_identifier: int = 0
    not_needed: int = 0
    kept: int = 0
    duplicates: int = 0
    written: int = 0
    issues: dict[str, int] = field(default_factory=dict)
    malformed_examples: list[dict] = field(default_factory=list)


@dataclass
class SireneReport:
    files: list[dict] = field(default_factory=list)
    tables: dict[str, TableReport] = field(default_factory=dict)
    needed: dict[str, int] = field(default_factory=dict)
    snapshot: str | None = None

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "needed": self.needed,
            "tables": {name: vars(report) for name, report in self.tables.items()},
            "snapshot": self.snapshot,
        }


def detect_kind(columns: list[str], display: str) -> str:
    """``establishments`` or ``legal_units``, from the official column names of the header."""
    names = set(columns)
    if "siret" in names and any(c.endswith("Etablissement") for c in names):
        return "establishments"
    if "siren" in names and "siret" not in names and any(c.endswith("UniteLegale") for c in names):
        return "legal_units"
    raise SireneImportError(
        f"{display} n'est pas un fichier stock SIRENE reconnu : l'en-tête doit contenir les "
        "colonnes officielles de l'INSEE (« siret » et « …Etablissement » pour "
        "StockEtablissement, « siren » et « …UniteLegale » pour StockUniteLegale). "
        f"Colonnes lues : {', '.join(columns[:8])}{'…' if len(columns) > 8 else ''}"
    )


def import_sirene(files: list[Path], data_dir: Path | None = None) -> SireneReport:
    """Import SIRENE stock files into the warehouse (a new snapshot); returns the report."""
    root = data_dir or config.data_dir()
    base = warehouse.current(root)
    if base is None:
        raise SireneImportError(
            "L'entrepôt est vide : importez d'abord des données DECP (« ancrage import »), "
            "l'import SIRENE ne garde que les entreprises et acheteurs qui y figurent."
        )
    if not files:
        raise SireneImportError("Aucun fichier SIRENE indiqué.")
    staging = root / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="sirene-", dir=staging))
    try:
        report = SireneReport()
        con = warehouse.connect(root, base)
        report.needed = _needed(con)
        plan = _plan(files, workdir)
        outputs: dict[str, Path] = {}
        for kind, sources in plan.items():
            table_report = TableReport()
            report.tables[kind] = table_report
            _stage(con, kind, sources, workdir, table_report, report)
            outputs[kind] = _write(con, kind, workdir, table_report)
        note = "Import SIRENE : " + ", ".join(path.name for path in files)
        report.snapshot = warehouse.derive(outputs, note, root).id
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _needed(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Temp tables of the SIRETs and SIRENs the warehouse refers to."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _needed_siret AS
        SELECT DISTINCT siret FROM (
            SELECT {siret_sql("buyer_id")} AS siret FROM contracts
            UNION ALL
            SELECT {siret_sql("supplier_id", "supplier_id_type")} FROM awardees
        ) WHERE siret IS NOT NULL
        """
    )
    # Suppliers known only by SIREN (9-digit id, French VAT number) are located at their head
    # office, so their head-office establishment is needed too.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _needed_siren AS
        SELECT DISTINCT siren FROM (
            SELECT {siren_sql("buyer_id")} AS siren, buyer_id AS id FROM contracts
            UNION ALL
            SELECT {siren_sql("supplier_id", "supplier_id_type")}, supplier_id FROM awardees
        ) WHERE siren IS NOT NULL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _needed_head_office AS
        SELECT DISTINCT siren FROM (
            SELECT {siren_sql("buyer_id")} AS siren, {siret_sql("buyer_id")} AS siret
            FROM contracts
            UNION ALL
            SELECT {siren_sql("supplier_id", "supplier_id_type")},
                   {siret_sql("supplier_id", "supplier_id_type")}
            FROM awardees
        ) WHERE siren IS NOT NULL AND siret IS NULL
        """
    )
    counts = {}
    for name in ("siret", "siren", "head_office"):
        counts[name] = con.execute(f"SELECT count(*) FROM _needed_{name}").fetchall()[0][0]
    return {
        "sirets": counts["siret"],
        "sirens": counts["siren"],
        "head_offices": counts["head_office"],
    }


def _plan(files: list[Path], workdir: Path) -> dict[str, list[tuple[Source, list[str]]]]:
    plan: dict[str, list[tuple[Source, list[str]]]] = {}
    for path in files:
        for source in expand(Path(path)):
            columns = header(source, workdir)
            kind = detect_kind(columns, source.display)
            plan.setdefault(kind, []).append((source, columns))
    return plan


def _stage(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    sources: list[tuple[Source, list[str]]],
    workdir: Path,
    table_report: TableReport,
    report: SireneReport,
) -> None:
    """Stream every source of ``kind`` into the temp table ``_kept`` (needed rows only)."""
    wanted = KINDS[kind]
    id_column = ID_COLUMN[kind]
    digits = ID_DIGITS[kind]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _kept ("
        + ", ".join(f'"{c}" VARCHAR' for c in wanted)
        + ", _file INTEGER)"
    )
    if kind == "establishments":
        keep = (
            "siret IN (SELECT siret FROM _needed_siret) OR (etablissementSiege = 'true' "
            "AND left(siret, 9) IN (SELECT siren FROM _needed_head_office))"
        )
    else:
        keep = "siren IN (SELECT siren FROM _needed_siren)"
    for index, (source, columns) in enumerate(sources):
        if id_column not in columns:
            raise SireneImportError(f"{source.display} : la colonne « {id_column} » manque.")
        present = [c for c in wanted if c in columns]
        stats = ReadStats()
        reader = batches(source, present, stats, workdir, id_column, digits)
        selected = ", ".join(f'"{c}"' if c in present else f'NULL AS "{c}"' for c in wanted)
        con.register("_source", reader)
        try:
            con.execute(
                f"INSERT INTO _kept SELECT * FROM (SELECT {selected}, {index} AS _file "
                f"FROM _source) WHERE {keep}"
            )
        except SourceError as error:
            raise SireneImportError(str(error)) from error
        finally:
            con.unregister("_source")
        kept = con.execute("SELECT count(*) FROM _kept WHERE _file = ?", [index]).fetchall()[0][0]
        invalid = stats.invalid_identifier
        table_report.rows_read += stats.rows_read
        table_report.malformed_lines += stats.malformed
        table_report.invalid_identifier += invalid
        table_report.kept += kept
        table_report.not_needed += stats.rows_read - invalid - kept
        table_report.malformed_examples.extend(stats.malformed_examples)
        report.files.append(
            {
                "file": source.display,
                "table": kind,
                "official_file": FILE_LABEL[kind],
                "format": "parquet" if source.is_parquet else "csv",
                "rows_read": stats.rows_read,
                "malformed_lines": stats.malformed,
                "missing_columns": [c for c in wanted if c not in columns],
            }
        )


def _write(
    con: duckdb.DuckDBPyConnection, kind: str, workdir: Path, table_report: TableReport
) -> Path:
    """Check, type and deduplicate ``_kept`` into a Parquet file of the table's schema."""
    for rule, condition in sirene_sql.issue_rules(kind).items():
        count = con.execute(f"SELECT count(*) FROM _kept WHERE {condition}").fetchall()[0][0]
        if count:
            table_report.issues[rule] = count
    typed = sirene_sql.typed_select(kind)
    id_column = ID_COLUMN[kind]
    table = con.sql(
        f"""
        SELECT * EXCLUDE (_rank) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY {id_column}
                ORDER BY active DESC NULLS LAST, _file, diffusible NULLS LAST, name NULLS LAST
            ) AS _rank
            FROM ({typed}) AS typed
        ) WHERE _rank = 1
        ORDER BY {id_column}
        """
    ).to_arrow_table()
    schema = SCHEMAS[kind]
    table = table.drop_columns(["_file"]).select(schema.names).cast(schema)
    table_report.written = table.num_rows
    table_report.duplicates = table_report.kept - table.num_rows
    path = workdir / f"{kind}.parquet"
    pq.write_table(table, path)
    return path
