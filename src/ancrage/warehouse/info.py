"""Summaries of what the warehouse holds, and exports of its side tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ancrage import config
from ancrage.warehouse.snapshot import connect, current, table_paths


def describe(data_dir: Path | None = None) -> dict[str, Any]:
    root = data_dir or config.data_dir()
    snap = current(root)
    info: dict[str, Any] = {"data_dir": str(root), "snapshot": snap.id if snap else None}
    if snap is None:
        return info
    con = connect(root, snap)
    info["tables"] = {
        name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        for name in sorted(table_paths(snap.path))
    }

    def grouped(expression: str) -> list[dict[str, Any]]:
        rows = con.execute(
            f"SELECT {expression} AS v, count(*), sum(current_amount_ht) FROM contracts GROUP BY 1 ORDER BY 1 NULLS LAST"
        ).fetchall()
        return [
            {"value": v if v is not None else "inconnu", "contracts": n, "amount": a}
            for v, n, a in rows
        ]

    info["by_kind"] = grouped("kind")
    info["by_year"] = grouped("year(notification_date)")
    info["by_format"] = grouped("source_format")
    info["by_source"] = grouped("source_file")
    info["imports"] = snap.manifest().get("imports", [])
    return info


def export_quarantine(output: Path, data_dir: Path | None = None) -> int:
    con = connect(data_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT source_file, source_format, source_position, reason, explanation, rows, "
        f"content_hash, import_id, raw FROM quarantine ORDER BY source_file, source_position) "
        f"TO '{output}' (HEADER, DELIMITER ',')"
    )
    return con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
