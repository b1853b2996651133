"""The import report: per file and in total, ``records_read = loaded + quarantined + duplicates``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import duckdb

from ancrage.ingest.routing import FileCounts
from ancrage.warehouse.snapshot import Snapshot

COUNTED = ("records_read", "loaded", "quarantined", "duplicates")


def build_report(
    con: duckdb.DuckDBPyConnection,
    stage,
    files: list[FileCounts],
    previous: Snapshot | None,
    import_id: str,
    started: datetime,
) -> dict[str, Any]:
    per_file: dict[int, dict[str, Any]] = {}
    for counts in files:
        entry = {
            "path": counts.path,
            "format": counts.format,
            "records_read": counts.records_read,
            "loaded": 0,
            "quarantined": 0,
            "duplicates": 0,
            "quarantine_reasons": {},
            "quality_issues": {},
        }
        if counts.error:
            entry["error"] = counts.error
        per_file[counts.index] = entry

    def add(sql: str, key: str) -> None:
        for file_index, rows in con.execute(sql).fetchall():
            per_file[file_index][key] += int(rows)

    add("SELECT _file, sum(_rows) FROM winners WHERE NOT _prev GROUP BY 1", "loaded")
    add("SELECT _file, sum(_rows) FROM losers WHERE NOT _prev GROUP BY 1", "duplicates")
    add("SELECT _file, sum(rows) FROM all_staged_duplicates GROUP BY 1", "duplicates")
    for file_index, reason, rows in con.execute(
        "SELECT _file, reason, sum(rows) FROM staged_quarantine WHERE _n = 1 GROUP BY 1, 2 ORDER BY 3 DESC"
    ).fetchall():
        per_file[file_index]["quarantined"] += int(rows)
        per_file[file_index]["quarantine_reasons"][reason] = int(rows)
    for file_index, rule, n in con.execute(
        f"""SELECT w._file, q.rule, count(*) FROM {stage("quality_issues")} q
            JOIN (SELECT content_hash, _order, _file FROM winners WHERE NOT _prev) w USING (content_hash, _order)
            GROUP BY 1, 2 ORDER BY 3 DESC, 2"""
    ).fetchall():
        per_file[file_index]["quality_issues"][rule] = int(n)

    entries = list(per_file.values())
    total: dict[str, Any] = {key: sum(f[key] for f in entries) for key in COUNTED}
    for key in ("quarantine_reasons", "quality_issues"):
        counter: Counter = Counter()
        for entry in entries:
            counter.update(entry[key])
        total[key] = dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
    total["superseded_previous"] = int(
        con.execute("SELECT count(*) FROM losers WHERE _prev").fetchone()[0]
    )
    report = {
        "import_id": import_id,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": entries,
        "total": total,
    }
    history = (previous.manifest().get("imports", []) if previous else []) + [
        {k: report[k] for k in ("import_id", "started_at", "finished_at")}
        | {"sources": [f["path"] for f in entries], "total": total}
    ]
    report["_history"] = history
    return report
