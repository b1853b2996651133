"""The loaded référentiel: lookup, filters and French full-text search."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from ancrage.clauses.model import Clause
from ancrage.clauses.text import fold, terms

# Weight of a query term found in each part of an entry: the title and keywords describe what
# the entry is about, the wording merely mentions things.
_FIELD_WEIGHTS = (("title", 5.0), ("keywords", 4.0), ("id", 4.0), ("body", 1.0))


@dataclass(frozen=True, slots=True)
class _Index:
    title: frozenset[str]
    keywords: frozenset[str]
    id: frozenset[str]
    body: frozenset[str]


def _index(clause: Clause) -> _Index:
    body = " ".join(
        (clause.wording, clause.verification.description, " ".join(clause.pitfalls), clause.family)
    )
    return _Index(
        title=frozenset(terms(clause.title)),
        keywords=frozenset(terms(" ".join(clause.keywords))),
        id=frozenset(terms(clause.id)),
        body=frozenset(terms(body)),
    )


class Library:
    """Entries of every family, in file order (families sorted by slug)."""

    def __init__(self, entries: Iterable[Clause], families: dict[str, tuple[str, int]]) -> None:
        self.entries: tuple[Clause, ...] = tuple(entries)
        # slug -> (French label, version of the data file)
        # Read-only: a loaded library is cached and shared by every caller.
        self.families = MappingProxyType(dict(families))
        self._by_id = {clause.id: clause for clause in self.entries}
        self._indexes = {clause.id: _index(clause) for clause in self.entries}

    def __len__(self) -> int:
        return len(self.entries)

    def family_label(self, family: str) -> str:
        return self.families[family][0]

    def ordered_families(self) -> list[str]:
        """Family slugs for display: transversal clauses first, then by French label."""
        return sorted(self.families, key=lambda f: (f != "transversal", fold(self.family_label(f))))

    def get(self, entry_id: str) -> Clause:
        """The entry ``entry_id`` (case-insensitive); ``KeyError`` with a French message if absent."""
        clause = self._by_id.get(entry_id.strip().upper())
        if clause is None:
            raise KeyError(f"entrée inconnue du référentiel : {entry_id}")
        return clause

    def find(
        self,
        kind: str | None = None,
        pillar: str | None = None,
        cpv: str | None = None,
        family: str | None = None,
        decp_value: str | None = None,
    ) -> list[Clause]:
        """Entries matching every given filter (``cpv`` by prefix either way, ``[]`` = every CPV)."""
        return [
            clause
            for clause in self.entries
            if (kind is None or clause.kind == kind)
            and (pillar is None or clause.pillar == pillar)
            and (family is None or clause.family == family)
            and (decp_value is None or decp_value in clause.decp_value)
            and (cpv is None or clause.applies_to_cpv(cpv))
        ]

    def search(self, text: str, cpv: str | None = None, limit: int = 20) -> list[Clause]:
        """French full-text search forgiving accents, case and plurals.

        When some entries contain every word of the query, only those are returned; otherwise
        entries containing some words are, the most matched words first. Ties are broken by where
        the words were found (title and keywords above wording), then by id.
        """
        query = list(dict.fromkeys(terms(text)))
        candidates = self.entries if cpv is None else self.find(cpv=cpv)
        exact = fold(text).strip().upper()
        if not query:
            return []
        scored: list[tuple[int, float, str, Clause]] = []
        for clause in candidates:
            matched, score = self._score(clause, query)
            if clause.id == exact:
                matched, score = len(query), score + 100.0
            if matched:
                scored.append((matched, score, clause.id, clause))
        if any(matched == len(query) for matched, *_ in scored):
            scored = [row for row in scored if row[0] == len(query)]
        scored.sort(key=lambda row: (-row[0], -row[1], row[2]))
        return [row[3] for row in scored[:limit]]

    def _score(self, clause: Clause, query: list[str]) -> tuple[int, float]:
        index = self._indexes[clause.id]
        matched, score = 0, 0.0
        for term in query:
            best = 0.0
            for name, weight in _FIELD_WEIGHTS:
                words: frozenset[str] = getattr(index, name)
                if term in words:
                    best = max(best, weight)
                elif len(term) >= 4 and any(w.startswith(term) for w in words):
                    # A truncated word ("biosour") still finds its entries, a little lower.
                    best = max(best, weight / 2)
            if best:
                matched += 1
                score += best
        return matched, score
