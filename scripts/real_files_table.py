"""Write the table of what each real DECP file gives, into docs/donnees-reelles.md.

Each file under ../shared/data/real/records/ is imported alone into a temporary warehouse; the
table lists records read, loaded, quarantined, duplicates and the main reasons. A test
(tests/ingest/test_real_files_doc.py) rebuilds it and checks the committed page is still true.

Usage: .venv/bin/python scripts/real_files_table.py [--check]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from ancrage.ingest.pipeline import run_import

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"
DOC = REPO / "docs" / "donnees-reelles.md"
BEGIN, END = "<!-- debut-tableau -->", "<!-- fin-tableau -->"


def _top(counter: dict[str, int], n: int = 3) -> str:
    return ", ".join(f"{k} ({v})" for k, v in list(counter.items())[:n]) or "—"


def build_table(real_dir: Path = REAL) -> str:
    lines = [
        "| Fichier | Format détecté | Lus | Chargés | Quarantaine | Doublons | Raisons de quarantaine | Problèmes de qualité les plus fréquents |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for path in sorted(p for p in (real_dir / "records").rglob("*") if p.is_file()):
        with tempfile.TemporaryDirectory() as tmp:
            report = run_import([str(path)], data_dir=Path(tmp))
        (f,) = report["files"]
        name = path.relative_to(real_dir).as_posix()
        lines.append(
            f"| `{name}` | {f['format']} | {f['records_read']} | {f['loaded']} | {f['quarantined']} "
            f"| {f['duplicates']} | {_top(f['quarantine_reasons'])} | {_top(f['quality_issues'])} |"
        )
    return "\n".join(lines)


def current_table() -> str:
    text = DOC.read_text()
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main() -> int:
    table = build_table()
    if "--check" in sys.argv:
        return 0 if table == current_table() else 1
    text = DOC.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
