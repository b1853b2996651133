"""Print the precision/recall table of the localism detector on a labelled corpus.

Usage: ``python -m ancrage.compliance.localism_report [CORPUS]`` (default:
``tests/compliance/localism_corpus.yaml``). Prints a Markdown table; writes nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from ancrage.compliance.localism import is_unlawful

DEFAULT_CORPUS = Path("tests/compliance/localism_corpus.yaml")


@dataclass(frozen=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        unlawful = self.true_positives + self.false_negatives
        return self.true_positives / unlawful if unlawful else 1.0


def load_corpus(path: Path) -> list[dict]:
    phrases = yaml.safe_load(path.read_text(encoding="utf-8"))["phrases"]
    for phrase in phrases:
        if phrase.get("label") not in ("lawful", "unlawful"):
            raise ValueError(f"étiquette invalide dans le corpus : {phrase!r}")
    return phrases


def score(phrases: list[dict]) -> Scores:
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for phrase in phrases:
        predicted, expected = is_unlawful(phrase["text"]), phrase["label"] == "unlawful"
        key = ("t" if predicted == expected else "f") + ("p" if predicted else "n")
        counts[key] += 1
    return Scores(counts["tp"], counts["fp"], counts["fn"], counts["tn"])


def table(phrases: list[dict]) -> str:
    rows = [("Corpus complet", phrases)]
    for where in ("criterion", "condition", "spec", "object"):
        subset = [p for p in phrases if p.get("where") == where]
        if subset:
            rows.append((f"dont « {where} »", subset))
    lines = [
        "| Ensemble | Phrases | Illicites | Licites | VP | FP | FN | VN | Précision | Rappel |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, subset in rows:
        s = score(subset)
        unlawful = s.true_positives + s.false_negatives
        lines.append(
            f"| {label} | {len(subset)} | {unlawful} | {len(subset) - unlawful} | "
            f"{s.true_positives} | {s.false_positives} | {s.false_negatives} | "
            f"{s.true_negatives} | {s.precision:.2f} | {s.recall:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_CORPUS
    try:
        phrases = load_corpus(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"Corpus illisible ({path}) : {error}", file=sys.stderr)
        return 2
    print(table(phrases))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
