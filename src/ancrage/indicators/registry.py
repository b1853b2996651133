"""The catalogue: every indicator plug-in, in display order, looked up by id."""

from __future__ import annotations

from ancrage.indicators import competition, cross, fabric, local, other, quality, responsible
from ancrage.indicators.base import Indicator

_MODULES = (responsible, local, fabric, competition, other, cross, quality)

CATALOGUE: tuple[Indicator, ...] = tuple(ind for module in _MODULES for ind in module.INDICATORS)
_BY_ID: dict[str, Indicator] = {ind.id: ind for ind in CATALOGUE}

if len(_BY_ID) != len(CATALOGUE):  # pragma: no cover - a programming error, caught by tests
    raise RuntimeError("Deux indicateurs portent le même identifiant.")


def get(indicator_id: str) -> Indicator:
    """The indicator ``indicator_id`` (French error listing the known ids otherwise)."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        known = ", ".join(_BY_ID)
        raise KeyError(
            f"Indicateur inconnu : {indicator_id!r}. Indicateurs connus : {known}."
        ) from None


def select(ids: list[str] | None = None) -> list[Indicator]:
    """The indicators ``ids`` (all of them when None), in catalogue order."""
    if not ids:
        return list(CATALOGUE)
    wanted = {get(i).id for i in ids}
    return [ind for ind in CATALOGUE if ind.id in wanted]
