"""The compiled normaliser of clean marchés: the C module ``_marches`` in place of DuckDB's JSON
reading and clean check.

For a chunk of staged marchés, the SQL fast path (:mod:`.sql_normalise`) reads each field of
each line as a JSON fragment, checks it, converts it, and builds the view ``base`` that the
contract rows are computed from (:mod:`.sql_rows`). Reading and checking was most of the
processor time of a national import. ``_marches.normalise`` does it in one pass per line, in C,
and returns the columns of ``base``; the contract rows, quality rules and staging Parquet are
then the same SQL as before. The C module accepts a subset of what SQL accepts (see the head of
``_marches.c``); every other record goes to the Python normaliser, the reference.

Not built (no C compiler), or ``ANCRAGE_COMPILED=0``: the SQL path does all of it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ancrage.ingest import enums
from ancrage.ingest.sql_normalise import macros
from ancrage.ingest.sql_rows import stage_base_rows
from ancrage.reference.codes import CPV_DIVISIONS

try:
    from ancrage.ingest import _marches
except ImportError:  # pragma: no cover - built by `make install`
    _marches = None

# A chunk file is handed to C in slices of about this many bytes (cut at a line's end): the
# slice and its columns stay in memory at once, not the whole chunk.
SLICE_BYTES = 64 * 1024 * 1024

# The label tables, in the order _marches.c numbers them.
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
AWARDEE = pa.struct([("supplier_id", _STR), ("supplier_id_type", _STR), ("supplier_name", _STR)])
MODIFICATION = pa.struct(
    [
        ("id", _STR),
        ("notified", pa.date32()),
        ("notified_raw", _STR),
        ("published", pa.date32()),
        ("published_raw", _STR),
        ("amount", pa.float64()),
        ("duration", pa.float64()),
    ]
)
# The columns _marches.normalise returns, in its order, with their Arrow type. The JSON
# fragments (``_type`` to ``idAccordCadre``) are the text DuckDB's reader would give; ``base``
# reads them with the same macros.
COLUMNS = {
    "f": pa.int64(),
    "p": pa.int64(),
    "h": _STR,
    **dict.fromkeys(
        (
            "_type",
            "actesSousTraitance",
            "attributionAvance",
            "tauxAvance",
            "offresRecues",
            "marcheInnovant",
            "sousTraitanceDeclaree",
            "idAccordCadre",
            "buyer_id",
            "contract_ref",
            "buyer_name",
            "object",
            "cpv_raw",
            "nature",
            "procedure",
            "ccag",
            "price_form",
            "grouping_type",
        ),
        _STR,
    ),
    **dict.fromkeys(
        ("techniques", "execution_modalities", "price_types", "social", "environmental"),
        _LABELS,
    ),
    "place_code": _STR,
    "place_code_type": _STR,
    "notified": pa.date32(),
    "notified_raw": _STR,
    "published": pa.date32(),
    "published_raw": _STR,
    "started": pa.date32(),
    "started_raw": _STR,
    **dict.fromkeys(("amount", "duration", "eu", "fr"), pa.float64()),
    "awardees": pa.list_(AWARDEE),
    "mods": pa.list_(MODIFICATION),
    "has_2022": pa.bool_(),
    "has_2019": pa.bool_(),
}


def available() -> bool:
    """The C module is built and not switched off (``ANCRAGE_COMPILED=0``, for tests)."""
    return _marches is not None and os.environ.get("ANCRAGE_COMPILED", "1") != "0"


def record_keys() -> tuple[str, ...]:
    """The record keys the C module reads, in its order (checked against the SQL path's)."""
    return _marches.keys() if _marches is not None else ()


def _tables() -> tuple[tuple[str, ...], ...]:
    official = tuple(tuple(sorted(set(table.values()))) for table in _TABLES)
    return (*official, tuple(sorted(CPV_DIVISIONS)))


def normalise_slice(data: bytes, unhinted: Sequence[int] = ()) -> tuple[pa.Table, np.ndarray]:
    """The ``base`` columns of the accepted lines of ``data`` (whole staged lines), and the read
    orders of the others, in reading order."""
    buffers, back = _marches.normalise(data, _tables(), tuple(unhinted))
    rows = len(buffers["f"][0]) // 8
    arrays = [_array(COLUMNS[name], rows, buffers, name) for name in COLUMNS]
    table = pa.Table.from_arrays(arrays, names=list(COLUMNS))
    return table, np.frombuffer(back, np.int64)


def _bitmap(valid: bytes) -> tuple[pa.Buffer | None, int]:
    """An Arrow validity bitmap from one byte per value, and the null count."""
    flags = np.frombuffer(valid, np.uint8)
    nulls = len(flags) - int(np.count_nonzero(flags))
    if not nulls:
        return None, 0
    return pa.py_buffer(np.packbits(flags, bitorder="little")), nulls


def _offsets(offsets: bytes) -> pa.Buffer:
    return pa.py_buffer(b"\0\0\0\0" + offsets)  # (C writes each value's end)


def _strings(n: int, data: bytes, offsets: bytes, valid: bytes) -> pa.Array:
    bitmap, nulls = _bitmap(valid)
    return pa.Array.from_buffers(
        _STR, n, [bitmap, _offsets(offsets), pa.py_buffer(data)], null_count=nulls
    )


def _fixed(kind: pa.DataType, n: int, data: bytes, valid: bytes) -> pa.Array:
    bitmap, nulls = _bitmap(valid)
    if pa.types.is_boolean(kind):
        data = np.packbits(np.frombuffer(data, np.uint8), bitorder="little").tobytes()
    return pa.Array.from_buffers(kind, n, [bitmap, pa.py_buffer(data)], null_count=nulls)


def _list(kind: pa.DataType, n: int, offsets: bytes, valid: bytes, child: pa.Array) -> pa.Array:
    bitmap, nulls = _bitmap(valid)
    return pa.Array.from_buffers(
        kind, n, [bitmap, _offsets(offsets)], null_count=nulls, children=[child]
    )


def _array(kind: pa.DataType, n: int, buffers: dict, name: str) -> pa.Array:
    parts = buffers[name]
    if kind == _STR:
        return _strings(n, *parts)
    if kind == _LABELS:
        offsets, valid, *items = parts
        child = _strings(len(items[2]), *items)
        return _list(kind, n, offsets, valid, child)
    if pa.types.is_list(kind):  # awardees, modifications: struct children given apart
        offsets, valid = parts
        fields = list(kind.value_type)
        names = {
            "awardees": ("supplier_id", "supplier_id_type", "supplier_name"),
            "mods": (
                "id",
                "mod_notified",
                "mod_notified_raw",
                "mod_published",
                "mod_published_raw",
                "mod_amount",
                "mod_duration",
            ),
        }[name]
        count = len(buffers[names[0]][-1])  # (validity bytes: one per value)
        children = [
            _array(f.type, count, buffers, child) for f, child in zip(fields, names, strict=True)
        ]
        struct = pa.StructArray.from_arrays(children, fields=fields)
        return _list(kind, n, offsets, valid, struct)
    return _fixed(kind, n, *parts)


def _slices(path: Path):
    """The chunk file in slices of whole lines."""
    with open(path, "rb") as handle:
        rest = b""
        while block := handle.read(SLICE_BYTES):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut:
                yield block[:cut]
                rest = block[cut:]
            else:
                rest = block
        if rest:
            yield rest


# The view ``base`` of sql_rows, over the compiled columns (the SQL path builds the same view from
# its checks; the column names are those its CONTRACTS query reads).
BASE = """
CREATE VIEW base AS
SELECT c.f, c.p, c.h AS content_hash, c."_type", c.actesSousTraitance, c.attributionAvance,
    c.tauxAvance, c.offresRecues, c.marcheInnovant, c.sousTraitanceDeclaree, c.idAccordCadre,
    fl.path AS source_file, fl.format AS source_format,
    c.buyer_id, c.contract_ref, NULL::DOUBLE AS subsidy, c.buyer_name, c.object, c.cpv_raw,
    c.nature, c."procedure", c.ccag, c.price_form, c.grouping_type,
    c.techniques, c.execution_modalities, c.price_types, c.place_code, c.place_code_type,
    c.notified, c.notified_raw, c.published, c.published_raw, c.started, c.started_raw,
    c.amount, c.duration, c.eu, c.fr, c.social, c.environmental, c.awardees, c.mods,
    c.has_2022, c.has_2019
FROM compiled c JOIN files fl USING (f)
"""


def normalise_chunk(
    con: duckdb.DuckDBPyConnection,
    chunk: Path,
    today: date,
    out_dir: Path,
    import_id: str,
    part: int,
    unhinted: Sequence[int] = (),
) -> np.ndarray:
    """Stage the rows of the accepted marchés of a chunk file; return the read orders of the
    others (for the Python normaliser), in reading order. The table ``files`` must exist on
    ``con``."""
    tables, backs = [], []
    for data in _slices(chunk):
        table, back = normalise_slice(data, unhinted)
        tables.append(table)
        backs.append(back)
    compiled = pa.concat_tables(tables) if tables else normalise_slice(b"")[0]
    con.execute(macros(today))
    con.register("compiled", compiled)
    # The columns come in reading order: kept so, the contracts need no sort before they are
    # written (the sort of 250,000 wide rows was a fifth of the SQL left to a chunk).
    con.execute("SET preserve_insertion_order=true")
    try:
        con.execute(BASE)
        stage_base_rows(con, out_dir, import_id, part, "marche", ordered=True)
    finally:
        con.execute("SET preserve_insertion_order=false")  # (the chunk connection's setting)
        con.unregister("compiled")
    return np.concatenate(backs) if backs else np.empty(0, np.int64)
