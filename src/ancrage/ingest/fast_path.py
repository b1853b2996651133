"""Staging of the SQL fast path: candidate records written as lines, normalised in one pass.

See :mod:`ancrage.ingest.sql_normalise` for what "clean" means and why.
"""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa

from ancrage.ingest import values
from ancrage.ingest.json_stream import repair
from ancrage.ingest.routing import FILE_ORDER_SHIFT, FileCounts, Router
from ancrage.ingest.sql_normalise import normalise_chunks

DUCKDB_MEMORY = "1GB"


def _parse(text: str):
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError:
        return repair(text)


def sql_path_enabled() -> bool:
    """``ANCRAGE_SQL_NORMALISE=0`` sends every record to the Python normaliser (for tests)."""
    return os.environ.get("ANCRAGE_SQL_NORMALISE", "1") != "0"


class FastPath:
    def __init__(self, work: Path, import_id: str) -> None:
        self.directory = work / "fast"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "records.ndjson"
        self.handle = open(self.path, "w", encoding="utf-8")
        self.staged = 0
        self.positions = array("q")  # file * FILE_ORDER_SHIFT + position of each staged line
        self.work = work
        self.import_id = import_id

    def stage(self, file_index: int, position: int, text: str) -> None:
        self.handle.write(f'{{"f":{file_index},"p":{position},"r":{text}}}\n')
        self.staged += 1
        self.positions.append(file_index * FILE_ORDER_SHIFT + position)

    def finish(self, router: Router, files: list[FileCounts]) -> None:
        """Normalise the staged records in SQL; hand the ones that are not clean to Python."""
        self.handle.close()
        if not self.staged:
            return
        con = duckdb.connect()  # in memory; spills to temp_directory beyond the limit
        con.execute(
            f"SET temp_directory='{self.directory / 'tmp'}'; SET memory_limit='{DUCKDB_MEMORY}';"
            "SET preserve_insertion_order=false"  # order is explicit (f, p): less memory
        )
        con.execute("CREATE TABLE files (f BIGINT, path VARCHAR, format VARCHAR)")
        con.executemany(
            "INSERT INTO files VALUES (?, ?, ?)", [(c.index, c.path, c.format) for c in files]
        )
        normalise_chunks(con, str(self.path), values.today(), self.work, self.import_id)
        by_index = {c.index: c for c in files}
        self._route_unreadable(con, router, by_index)
        cursor = con.execute(
            "SELECT f, p, txt FROM raw_lines JOIN (SELECT f, p FROM src WHERE NOT clean) USING (f, p) ORDER BY f, p"
        )
        while rows := cursor.fetchmany(10_000):
            for file_index, position, text in rows:
                record, error = _parse(text)
                raw = text if error else None
                router.route(by_index[file_index], position, "marche", record, raw, error)
        con.close()
        self.path.unlink(missing_ok=True)

    def _route_unreadable(self, con, router: Router, by_index: dict[int, FileCounts]) -> None:
        """Lines DuckDB could not read (invalid JSON): found by position, then quarantined (or
        repaired) by the Python path, from their text in the staging file."""
        staged = pa.table({"o": pa.array(self.positions, type=pa.int64())})
        con.register("staged_positions", staged)
        missing = {
            (o // FILE_ORDER_SHIFT, o % FILE_ORDER_SHIFT)
            for (o,) in con.execute(
                f"SELECT o FROM staged_positions ANTI JOIN texts ON o = f * {FILE_ORDER_SHIFT} + p"
            ).fetchall()
        }
        con.unregister("staged_positions")
        if not missing:
            return
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                head, _, rest = line.partition(',"r":')
                key = tuple(int(x.split(":")[1]) for x in head.lstrip("{").split(","))
                if key in missing:
                    text = rest.rstrip("\n")[:-1]
                    record, error = _parse(text)
                    router.route(
                        by_index[key[0]], key[1], "marche", record, text if error else None, error
                    )
