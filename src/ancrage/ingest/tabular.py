"""Tabular re-exports of DECP: one row per contract × awardee (decp.info / decp-processing,
decp-table-schema) or one row per contract with numbered awardee columns (MINEF "augmenté"),
as CSV (``,`` or ``;``, with or without BOM) or Parquet.

Rows of one contract are not always adjacent in real files (measured: 1 880 of the 8 957 rows of
the decp-processing works extract), so rows are grouped by contract in DuckDB, on disk, and then
streamed group by group: memory does not grow with the file size. Each group becomes one record in
the JSON shape that the normaliser reads; every row of the group is accounted for.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson

from ancrage.ingest.values import MINEF_MARKER

# Flattened column prefixes written with "_" instead of "." by some exporters.
_NESTED = ("acheteur", "autoriteConcedante", "lieuExecution")
_NUMBERED_AWARDEE = re.compile(r"^titulaire_(id|typeIdentifiant|denominationSociale|nom)_(\d+)$")
_MODIFICATION_COLUMNS = {
    "montantModification": "montant",
    "dureeMoisModification": "dureeMois",
    "objetModification": "objetModification",
    "idModification": "id",
    "dateNotificationModification": "dateNotificationModification",
    "dateNotificationModificationModification": "dateNotificationModification",
    "datePublicationDonneesModification": "datePublicationDonneesModification",
    "datePublicationDonneesModificationModification": "datePublicationDonneesModification",
}
BATCH = 10_000


@dataclass
class TabularItem:
    position: int  # index of the first row of the group in the file
    record: dict[str, Any]
    raw: str  # the rows of the group, as a JSON list of {column: cell}
    weight: int  # number of rows
    issues: list[tuple[str, str | None, str]] = field(default_factory=list)


def sniff_delimiter(head: str) -> str:
    first_line = head.splitlines()[0] if head else ""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _relation(con: duckdb.DuckDBPyConnection, path: Path, is_parquet: bool, delimiter: str) -> None:
    if is_parquet:
        source = f"read_parquet('{path}')"
    else:
        source = (
            f"read_csv('{path}', all_varchar=true, header=true, delim='{delimiter}', quote='\"', "
            "escape='\"', strict_mode=false, null_padding=true, ignore_errors=false, "
            "sample_size=-1)"
        )
    con.execute(f"CREATE TABLE rows AS SELECT row_number() OVER () - 1 AS _rn, * FROM {source}")


def read_tabular(
    path: Path, is_parquet: bool, work_dir: Path, head: str = ""
) -> Iterator[TabularItem]:
    """Yield one item per contract of a tabular file (``path`` must be a local file)."""
    db_file = work_dir / f"tabular-{uuid.uuid4().hex}.duckdb"
    con = duckdb.connect(str(db_file))
    con.execute("SET memory_limit='1GB'")
    try:
        _relation(con, path, is_parquet, sniff_delimiter(head))
        columns = [r[0] for r in con.execute("DESCRIBE rows").fetchall() if r[0] != "_rn"]
        key = _key_expression(columns)
        con.execute(
            f"CREATE TABLE keyed AS SELECT {key} AS _key, _rn FROM rows; "
            "CREATE TABLE firsts AS SELECT _key, min(_rn) AS _first FROM keyed GROUP BY _key;"
        )
        cursor = con.execute(
            "SELECT f._first, r.* FROM rows r JOIN keyed k USING (_rn) JOIN firsts f USING (_key) "
            "ORDER BY f._first, r._rn"
        )
        names = [d[0] for d in cursor.description]
        group: list[dict[str, Any]] = []
        current = None
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                if row[0] != current and group:
                    yield _group_to_item(current, group)
                    group = []
                current = row[0]
                group.append({n: _cell(x) for n, x in zip(names[2:], row[2:], strict=True)})
        if group:
            yield _group_to_item(current, group)
    finally:
        con.close()
        db_file.unlink(missing_ok=True)


def _cell(value: Any) -> Any:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _key_expression(columns: list[str]) -> str:
    def col(*names: str) -> str:
        for name in names:
            if name in columns:
                return f"coalesce(trim(\"{name}\"), '')"
        return "''"

    buyer = col("acheteur_id", "acheteur.id", "autoriteConcedante_id", "autoriteConcedante.id")
    contract = col("id")
    if contract == "''" or buyer == "''":
        return "_rn::VARCHAR"  # nothing identifies a contract: each row stands alone
    obj = col("objet")
    return f"{buyer} || '|' || {contract} || '|' || {obj}"


def _group_to_item(first: int, rows: list[dict[str, Any]]) -> TabularItem:
    issues: list[tuple[str, str | None, str]] = []
    cleaned = [_clean_row(row, issues) for row in rows]
    record = _record(cleaned)
    raw = orjson.dumps(rows).decode()
    return TabularItem(int(first), record, raw, len(rows), _dedupe(issues))


def _dedupe(issues):
    return list(dict.fromkeys(issues))


def _clean_row(row: dict[str, Any], issues: list) -> dict[str, Any]:
    out = {}
    for name, value in row.items():
        if isinstance(value, str):
            match = MINEF_MARKER.match(value.strip())
            if match:
                marker, rest = match.group(1), match.group(2).strip() or None
                if marker != "CDL":  # CDL only says "optional and empty": nothing is wrong
                    issues.append((name, value, "minef_marker"))
                value = rest
            elif not value.strip():
                value = None
        head, sep, tail = name.partition("_")
        if sep and head in _NESTED and not _NUMBERED_AWARDEE.match(name):
            name = f"{head}.{tail}"
        out[name] = value
    return out


def _awardees_of(row: dict[str, Any]) -> list[dict[str, Any]]:
    numbered: dict[int, dict[str, Any]] = {}
    for name, value in row.items():
        match = _NUMBERED_AWARDEE.match(name)
        if match and value is not None:
            numbered.setdefault(int(match.group(2)), {})[_field(match.group(1))] = value
    if numbered:
        return [numbered[i] for i in sorted(numbered) if numbered[i].get("id")]
    single = {
        "id": row.get("titulaire_id"),
        "typeIdentifiant": row.get("titulaire_typeIdentifiant"),
        "denominationSociale": row.get("titulaire_denominationSociale") or row.get("titulaire_nom"),
    }
    return [single] if any(single.values()) else []


def _field(name: str) -> str:
    return "denominationSociale" if name == "nom" else name


def _version_of(row: dict[str, Any]) -> tuple:
    return (row.get("dateNotification"), row.get("montant"), row.get("dureeMois"))


def _record(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One DECP-shaped record from the rows of a contract.

    Rows that differ in (dateNotification, montant, dureeMois) are successive versions of the
    contract (decp-processing writes one row per version × awardee); the first is the initial
    record, the next ones become modifications carrying their new totals.
    """
    if any("donneesActuelles" in r for r in rows):
        rows = sorted(
            rows, key=lambda r: str(r.get("donneesActuelles")).lower() in ("oui", "true", "1")
        )
    versions: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        versions.setdefault(_version_of(row), []).append(row)
    ordered = list(versions.values())
    base = dict(ordered[0][0])
    awardees = [a for row in ordered[0] for a in _awardees_of(row)]
    record = {k: v for k, v in base.items() if not k.startswith("titulaire_")}
    record["titulaires"] = _unique(awardees)
    modifications = []
    for row in ordered[0]:
        mod = {
            target: row.get(col) for col, target in _MODIFICATION_COLUMNS.items() if row.get(col)
        }
        if mod and (mod.keys() - {"id"}):
            modifications.append(mod)
    for seq, version in enumerate(ordered[1:], start=1):
        head = version[0]
        modifications.append(
            {
                "id": str(seq),
                "dateNotificationModification": head.get("dateNotification"),
                "montant": head.get("montant"),
                "dureeMois": head.get("dureeMois"),
                "titulaires": _unique([a for row in version for a in _awardees_of(row)]),
            }
        )
    for name in list(record):
        if name in _MODIFICATION_COLUMNS:
            del record[name]
    record["modifications"] = modifications
    return record


def _unique(awardees: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for awardee in awardees:
        key = (awardee.get("id"), awardee.get("typeIdentifiant"))
        if key not in seen:
            seen.add(key)
            out.append(awardee)
    return out


def read_csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Plain CSV rows (used by tests to cross-check counts independently of DuckDB)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        head = handle.readline()
        handle.seek(0)
        yield from csv.DictReader(handle, delimiter=sniff_delimiter(head))
