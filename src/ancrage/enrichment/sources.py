"""Streaming readers for SIRENE stock files: CSV or Parquet, zipped or not.

The real stock files are 2–8 GB, so nothing here loads a file in memory: CSV is parsed block by
block with pyarrow's streaming reader (straight out of the zip archive when zipped), Parquet row
group by row group, and only the columns the import needs are read. Every batch goes through a
counter so that the report can say how many rows were read and how many lines were unreadable.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

BLOCK_SIZE = 16 << 20  # 16 MiB per CSV block: bounded memory, few Python round trips
MAX_EXAMPLES = 5


class SourceError(ValueError):
    """A file that cannot be read as a SIRENE stock file, explained in French."""


@dataclass
class ReadStats:
    """What one source yielded: rows read and malformed CSV lines (with a few examples)."""

    rows_read: int = 0
    invalid_identifier: int = 0
    malformed: int = 0
    malformed_examples: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """One data file: a plain file or a member of a zip archive."""

    path: Path
    member: str | None = None

    @property
    def is_parquet(self) -> bool:
        return (self.member or self.path.name).lower().endswith(".parquet")

    @property
    def display(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name


def expand(path: Path) -> list[Source]:
    """The data files behind ``path``: the file itself, or each CSV/Parquet member of a zip."""
    if not path.is_file():
        raise SourceError(f"Fichier introuvable : {path}")
    if not zipfile.is_zipfile(path):
        return [Source(path)]
    with zipfile.ZipFile(path) as archive:
        members = [
            info.filename
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith((".csv", ".parquet"))
        ]
    if not members:
        raise SourceError(f"L'archive {path.name} ne contient aucun fichier CSV ou Parquet.")
    return [Source(path, member) for member in sorted(members)]


def header(source: Source, workdir: Path) -> list[str]:
    """Column names of ``source``, read without reading the data."""
    if source.is_parquet:
        with _parquet_path(source, workdir) as path:
            return pq.ParquetFile(path).schema_arrow.names
    with _open_binary(source) as handle:
        first = handle.readline(1 << 20).decode("utf-8-sig", errors="replace")
    if not first.strip():
        raise SourceError(f"{source.display} est vide.")
    return [name.strip() for name in next(csv.reader([first]))]


def batches(
    source: Source,
    columns: list[str],
    stats: ReadStats,
    workdir: Path,
    id_column: str,
    id_digits: int,
) -> pa.RecordBatchReader:
    """A streaming reader of ``columns`` (all as strings) of ``source``.

    Counts rows, and rows whose ``id_column`` is not ``id_digits`` digits, into ``stats``.
    ``workdir`` receives the temporary copy of a zipped Parquet file (Parquet needs seeks).
    """
    schema = pa.schema([(name, pa.string()) for name in columns])
    if source.is_parquet:
        stream = _parquet_batches(source, columns, stats, workdir)
    else:
        stream = _csv_batches(source, columns, stats)
    counted = _count(stream, stats, id_column, f"^[0-9]{{{id_digits}}}$")
    return pa.RecordBatchReader.from_batches(schema, counted)


def _count(
    stream: Iterator[pa.RecordBatch], stats: ReadStats, id_column: str, pattern: str
) -> Iterator[pa.RecordBatch]:
    for batch in stream:
        stats.rows_read += batch.num_rows
        valid = pc.match_substring_regex(batch.column(id_column), pattern)
        stats.invalid_identifier += batch.num_rows - (
            pc.sum(pc.fill_null(valid, False)).as_py() or 0
        )
        yield batch


def _csv_batches(source: Source, columns: list[str], stats: ReadStats) -> Iterator[pa.RecordBatch]:
    def on_invalid(row: pacsv.InvalidRow) -> str:
        stats.malformed += 1
        if len(stats.malformed_examples) < MAX_EXAMPLES:
            stats.malformed_examples.append(
                {
                    "file": source.display,
                    "line": row.number,
                    "expected_columns": row.expected_columns,
                    "actual_columns": row.actual_columns,
                    "text": row.text[:300],
                }
            )
        return "skip"

    with _open_binary(source) as handle:
        try:
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE),
                parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
                convert_options=pacsv.ConvertOptions(
                    include_columns=columns,
                    column_types={name: pa.string() for name in columns},
                    null_values=[""],
                    strings_can_be_null=True,
                ),
            )
            for batch in reader:
                yield batch.select(columns)
        except pa.ArrowInvalid as error:
            raise SourceError(
                f"{source.display} : lecture CSV impossible ({error}). Le fichier doit être un "
                "stock SIRENE officiel, encodé en UTF-8, séparé par des virgules."
            ) from error


def _parquet_batches(
    source: Source, columns: list[str], stats: ReadStats, workdir: Path
) -> Iterator[pa.RecordBatch]:
    with _parquet_path(source, workdir) as path:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=65536, columns=columns):
            # Official Parquet stocks type some columns (dates, counts, booleans): make every
            # column text so that CSV and Parquet go through the same checks.
            arrays = [
                batch.column(name).cast(pa.string())
                if batch.schema.field(name).type != pa.string()
                else batch.column(name)
                for name in columns
            ]
            yield pa.RecordBatch.from_arrays(arrays, names=columns)


@contextmanager
def _open_binary(source: Source) -> Iterator[io.BufferedIOBase]:
    if source.member is None:
        with open(source.path, "rb") as handle:
            yield handle
    else:
        with zipfile.ZipFile(source.path) as archive, archive.open(source.member) as handle:
            yield handle


@contextmanager
def _parquet_path(source: Source, workdir: Path) -> Iterator[Path]:
    """A seekable path for a Parquet source (a zipped one is extracted to a temporary file)."""
    if source.member is None:
        yield source.path
        return
    with tempfile.TemporaryDirectory(prefix="sirene-", dir=workdir) as tmp:
        target = Path(tmp) / Path(source.member).name
        with (
            zipfile.ZipFile(source.path) as archive,
            archive.open(source.member) as handle,
            open(target, "wb") as out,
        ):
            shutil.copyfileobj(handle, out, 1 << 20)
        yield target
