"""Point lookups on the reference tables (commune by SIREN, département of a commune…).

Indexes are plain dicts built on first use from the cached tables.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ancrage.reference import tables


@lru_cache(maxsize=1)
def _communes_by_code() -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in tables.communes().to_pylist()}


@lru_cache(maxsize=1)
def _communes_by_siren() -> dict[str, dict[str, Any]]:
    return {row["siren"]: row for row in _communes_by_code().values() if row["siren"]}


@lru_cache(maxsize=1)
def _current_code_of_former() -> dict[str, str]:
    """Former INSEE code → current code, when only one current commune claims it."""
    claims: dict[str, set[str]] = {}
    for row in _communes_by_code().values():
        for former in row["former_codes"] or ():
            claims.setdefault(former, set()).add(row["code"])
    return {former: next(iter(codes)) for former, codes in claims.items() if len(codes) == 1}


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text or None


def commune(code: str) -> dict[str, Any] | None:
    """The row of ``communes()`` for an INSEE code (a former code is followed to the current
    commune), or ``None``. Returns a copy: changing it does not change the cache."""
    text = _clean(code)
    if text is None:
        return None
    row = _communes_by_code().get(text)
    if row is None:
        current = _current_code_of_former().get(text)
        row = _communes_by_code().get(current) if current else None
    return dict(row) if row else None


def commune_by_siren(siren: str) -> dict[str, Any] | None:
    """The commune whose own SIREN is ``siren`` (a 14-digit SIRET is cut to its SIREN).

    Spaces inside the number are ignored. Returns a copy of the ``communes()`` row, or ``None``.
    """
    text = _clean(siren)
    if text is None:
        return None
    digits = text.replace(" ", "")
    if len(digits) == 14:
        digits = digits[:9]
    row = _communes_by_siren().get(digits)
    return dict(row) if row else None


def departement_of_commune(code: str) -> str | None:
    """Département code of a commune or arrondissement INSEE code (``"2A004"`` → ``"2A"``),
    following former codes; ``None`` when the code is unknown."""
    row = commune(code)
    return row["departement"] if row else None
