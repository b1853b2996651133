"""The compiled normaliser of clean marchés: the C module ``_marches`` in place of the SQL path.

For a chunk of staged marchés, the SQL fast path (:mod:`.sql_normalise`, :mod:`.sql_rows`)
reads each field of each line as a JSON fragment, checks it, converts it, then computes the rows
of the clean records (contracts, awardees, modifications, quality issues) and writes them as
staging Parquet parts. That was most of the processor time of a national import.
``_marches.normalise`` does the same in C, one pass per line; this module turns its buffers
into Arrow tables, adds the columns every row shares (kind, import, source file) and writes the
same parts. The C module accepts a subset of what SQL accepts (see the head of ``_marches.c``);
every other record goes to the Python normaliser, the reference. ``tests/ingest/test_compiled.py``
compares the warehouses of the three paths row for row.

Not built (no C compiler), or ``ANCRAGE_COMPILED=0``: the SQL path does all of it.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ancrage.ingest import enums
from ancrage.ingest.quality import SENTINEL_DIGITS
from ancrage.ingest.routing import FILE_ORDER_SHIFT
from ancrage.ingest.staging import STAGING
from ancrage.reference.codes import CPV_DIVISIONS

try:
    from ancrage.ingest import _marches
except ImportError:  # pragma: no cover - built by `make install`
    _marches = None

# A chunk file is handed to C in slices of about this many bytes (cut at a line's end): a slice
# and its rows are in memory at once, not the whole chunk's text.
SLICE_BYTES = 64 * 1024 * 1024

# The label tables, in the order _marches.c numbers them (then the CPV divisions).
_TABLES = (
    enums.NATURES,
    enums.PROCEDURES,
    enums.CCAG,
    enums.PRICE_FORMS,
    enums.GROUPING_TYPES,
    enums.TECHNIQUES,
    enums.EXECUTION_MODALITIES,
    enums.PRICE_TYPES,
    enums.SOCIAL,
    enums.ENVIRONMENTAL,
    enums.PLACE_CODE_TYPES,
    enums.SUPPLIER_ID_TYPES,
)

_STR = pa.string()
_LABELS = pa.list_(pa.string())
# The Arrow type of each fixed-width and list column of _marches.c (the others are strings).
_TYPES = {
    **dict.fromkeys(
        (
            "offers_received", "subcontract_count", "modification_count", "awardee_count", "f",
            "p", "awardee_row", "awardee_position", "modification_row", "modification_seq",
            "issue_row",
        ),
        pa.int64(),
    ),
    **dict.fromkeys(
        (
            "amount_ht", "current_amount_ht", "duration_months", "current_duration_months",
            "advance_rate", "origin_eu_share", "origin_france_share", "modification_amount",
            "modification_duration", "public_subsidy",
        ),
        pa.float64(),
    ),
    **dict.fromkeys(
        (
            "notification_date", "publication_date", "execution_start_date",
            "_last_publication", "modification_notified", "modification_published",
        ),
        pa.date32(),
    ),
    **dict.fromkeys(
        (
            "advance", "has_social_consideration", "has_environmental_consideration",
            "reserved", "innovative", "subcontracting_declared",
        ),
        pa.bool_(),
    ),
    **dict.fromkeys(
        (
            "techniques", "execution_modalities", "price_types", "social_considerations",
            "environmental_considerations",
        ),
        _LABELS,
    ),
}  # fmt: skip


def available() -> bool:
    """The C module is built and not switched off (``ANCRAGE_COMPILED=0``, for tests)."""
    return _marches is not None and os.environ.get("ANCRAGE_COMPILED", "1") != "0"


def record_keys() -> tuple[str, ...]:
    """The record keys the C module reads, in its order (checked against the SQL path's)."""
    return _marches.keys() if _marches is not None else ()


@cache  # (the same for every slice of every chunk)
def _tables() -> tuple[tuple[str, ...], ...]:
    official = tuple(tuple(sorted(set(table.values()))) for table in _TABLES)
    return (*official, tuple(sorted(CPV_DIVISIONS)))


def normalise_slice(
    data: bytes, today: date, unhinted: Sequence[int] = (), kind: str = "marche"
) -> tuple[dict[str, pa.Array], np.ndarray]:
    """The columns of the rows of the accepted lines of ``data`` (whole staged lines), and the
    read orders of the others, in reading order. ``kind``: what the chunk holds (``marche``, or
    ``concession`` from a 2022 envelope)."""
    days = (today - date(1970, 1, 1)).days
    concession = kind == "concession"
    buffers, back = _marches.normalise(
        data, _tables(), tuple(unhinted), days, today.year, concession, SENTINEL_DIGITS
    )
    columns = {name: _array(name, parts) for name, parts in buffers.items()}
    return columns, np.frombuffer(back, np.int64)


def _bitmap(valid: bytes) -> tuple[pa.Buffer | None, int]:
    """An Arrow validity bitmap from one byte per value, and the null count."""
    flags = np.frombuffer(valid, np.uint8)
    nulls = len(flags) - int(np.count_nonzero(flags))
    if not nulls:
        return None, 0
    return pa.py_buffer(np.packbits(flags, bitorder="little")), nulls


def _strings(data: bytes, offsets: bytes, valid: bytes) -> pa.Array:
    bitmap, nulls = _bitmap(valid)
    buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(_STR, len(valid), buffers, null_count=nulls)


def _array(name: str, parts: tuple[bytes, ...]) -> pa.Array:
    kind = _TYPES.get(name, _STR)
    if kind == _STR:
        return _strings(*parts)
    if kind == _LABELS:
        offsets, valid, *items = parts
        bitmap, nulls = _bitmap(valid)
        return pa.Array.from_buffers(
            kind,
            len(valid),
            [bitmap, pa.py_buffer(offsets)],
            null_count=nulls,
            children=[_strings(*items)],
        )
    data, valid = parts
    bitmap, nulls = _bitmap(valid)
    if kind == pa.bool_():
        data = np.packbits(np.frombuffer(data, np.uint8), bitorder="little").tobytes()
    return pa.Array.from_buffers(kind, len(valid), [bitmap, pa.py_buffer(data)], null_count=nulls)


def _slices(path: Path):
    """The chunk file in slices of whole lines, as views of the file mapped in memory (no copy);
    the pages of each slice are released once it is done, so that memory does not hold the
    whole chunk."""
    if path.stat().st_size == 0:
        return
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        view = memoryview(mm)
        try:
            start = 0
            while start < len(mm):
                cut = mm.find(b"\n", min(start + SLICE_BYTES, len(mm)) - 1)
                end = len(mm) if cut < 0 else cut + 1
                part = view[start:end]
                try:
                    yield part
                finally:
                    part.release()
                # (the pages of the file stay in the page cache: only this mapping lets them go)
                page = start - start % mmap.PAGESIZE
                mm.madvise(mmap.MADV_DONTNEED, page, end - page - (end - page) % mmap.PAGESIZE)
                start = end
        finally:
            view.release()


def _constant(value, kind: pa.DataType, n: int) -> pa.Array:
    if value is None:
        return pa.nulls(n, kind)
    return pc.take(pa.array([value], kind), pa.array(np.zeros(n, np.int32)))


def _tables_of(
    columns: dict[str, pa.Array], files: dict[int, tuple[str, str]], import_id: str, kind: str
):
    """The staging tables (contracts, awardees, modifications, quality_issues) of one slice."""
    n = len(columns["f"])
    f = columns["f"].to_numpy()
    indices = sorted(set(f.tolist()))
    where = pa.array(np.searchsorted(indices, f).astype(np.int32))
    contracts = columns | {
        "kind": _constant(kind, _STR, n),
        "source_file": pc.take(pa.array([files[i][0] for i in indices], _STR), where),
        "source_format": pc.take(pa.array([files[i][1] for i in indices], _STR), where),
        "source_position": columns["p"],
        "import_id": _constant(import_id, _STR, n),
        "procedure_raw": columns["procedure"],
        "_order": pa.array(f * FILE_ORDER_SHIFT + columns["p"].to_numpy()),
        "_file": columns["f"],
        "_rows": _constant(1, pa.int64(), n),
    }
    shared = {name: contracts[name] for name in ("contract_id", "content_hash", "_order")}

    def child(row: str) -> dict[str, pa.Array]:
        return {name: pc.take(values, columns[row]) for name, values in shared.items()}

    awardees = columns | child("awardee_row")
    count = len(columns["awardee_row"])
    awardees |= {
        "position": columns["awardee_position"],
        "origin": _constant("initial", _STR, count),
        "is_current": _constant(True, pa.bool_(), count),
    }
    modifications = child("modification_row")
    count = len(columns["modification_row"])
    modifications |= {
        "seq": columns["modification_seq"],
        "modification_id": columns["modification_id"],
        "object": pa.nulls(count, _STR),
        "notification_date": columns["modification_notified"],
        "publication_date": columns["modification_published"],
        "amount_ht": columns["modification_amount"],
        "duration_months": columns["modification_duration"],
        "awardee_count": _constant(0, pa.int64(), count),
    }
    issues = child("issue_row") | {
        "buyer_id": pc.take(columns["buyer_id"], columns["issue_row"]),
        "field": columns["issue_field"],
        "value": columns["issue_value"],
        "rule": columns["issue_rule"],
    }
    out = {}
    for table, values in (
        ("contracts", contracts),
        ("awardees", awardees),
        ("modifications", modifications),
        ("quality_issues", issues),
    ):
        schema = STAGING[table]
        out[table] = pa.Table.from_arrays([values[name] for name in schema.names], schema=schema)
    return out


def normalise_chunk(
    chunk: Path,
    today: date,
    out_dir: Path,
    import_id: str,
    part: int,
    files: Sequence[tuple[int, str, str]],
    unhinted: Sequence[int] = (),
    kind: str = "marche",
) -> np.ndarray:
    """Write the staged rows of the accepted records of a chunk file (one Parquet part per
    table, rows in reading order, as the SQL path writes them); return the read orders of the
    others (for the Python normaliser), in reading order. ``files``: (index, path, format) of
    the import's files; ``kind``: what the chunk holds (``marche``, ``concession``)."""
    by_index = {index: (str(path), file_format) for index, path, file_format in files}
    parts: dict[str, list[pa.Table]] = {
        table: [] for table in ("contracts", "awardees", "modifications", "quality_issues")
    }
    backs = []
    for data in _slices(chunk):
        columns, back = normalise_slice(data, today, unhinted, kind)
        backs.append(back)
        for table, rows in _tables_of(columns, by_index, import_id, kind).items():
            parts[table].append(rows)
    for table, tables in parts.items():
        rows = pa.concat_tables(tables) if tables else STAGING[table].empty_table()
        # (temporary files, read once by the final step: not compressed, as the SQL path's;
        # with dictionaries, which the final step reads twice as fast: 13 s instead of 6 s)
        pq.write_table(rows, out_dir / table / f"sql-part-{part}.parquet", compression="none")
    return np.concatenate(backs) if backs else np.empty(0, np.int64)
