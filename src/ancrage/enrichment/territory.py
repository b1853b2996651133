"""A buyer's "local" perimeter (territoire), and the locality of every current awardee.

The perimeter is configurable (white paper, Proposition 1): same commune, EPCI, département,
région, a radius in km around the buyer, or a custom list of communes. Each organisation may define
its own (``buyer_territories``). Defining "local" is a measurement choice, never a selection
criterion: localism is unlawful (see ``docs/enrichissement.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("commune", "epci", "departement", "region", "radius", "custom")

_LABELS = {
    "commune": "Même commune que l'acheteur",
    "epci": "Même EPCI que l'acheteur",
    "departement": "Même département que l'acheteur",
    "region": "Même région que l'acheteur",
}

_COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


class TerritoryError(ValueError):
    """A territory that cannot be understood, explained in French."""


@dataclass(frozen=True)
class Territory:
    """``kind`` ∈ KINDS; ``value`` is None, a radius in km, or a tuple of commune codes."""

    kind: str
    value: float | tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TerritoryError(
                f"Territoire inconnu : {self.kind!r}. Valeurs possibles : {', '.join(KINDS)}."
            )
        if self.kind == "radius":
            if isinstance(self.value, bool) or not isinstance(self.value, int | float):
                raise TerritoryError("Un territoire « radius » demande un rayon en km.")
            if not 0 < float(self.value) <= 2000:
                raise TerritoryError(
                    f"Rayon invalide : {self.value} km (attendu : entre 0 et 2 000 km)."
                )
            object.__setattr__(self, "value", float(self.value))
        elif self.kind == "custom":
            codes = tuple(self.value or ())
            if not codes:
                raise TerritoryError("Un territoire « custom » demande au moins un code commune.")
            bad = [c for c in codes if not isinstance(c, str) or not _COMMUNE_CODE.match(c)]
            if bad:
                raise TerritoryError(
                    f"Codes commune INSEE invalides : {', '.join(map(str, bad[:5]))} "
                    "(attendu : 5 caractères, par exemple 75056 ou 2A004)."
                )
            object.__setattr__(self, "value", tuple(sorted(set(codes))))
        elif self.value is not None:
            raise TerritoryError(f"Le territoire « {self.kind} » ne prend pas de valeur.")

    @classmethod
    def parse(cls, text: str) -> Territory:
        """``"departement"``, ``"radius:30"``, ``"custom:75056,92012"`` → Territory."""
        kind, sep, value = text.strip().partition(":")
        kind = kind.strip().lower()
        if kind == "département":
            kind = "departement"
        if kind == "région":
            kind = "region"
        if kind == "radius":
            try:
                radius = float(value.strip().lower().removesuffix("km").replace(",", "."))
            except ValueError:
                raise TerritoryError(
                    f"Rayon illisible dans {text!r} : écrivez par exemple « radius:30 »."
                ) from None
            return cls("radius", radius)
        if kind == "custom":
            return cls("custom", tuple(c.strip() for c in value.split(",") if c.strip()))
        if sep and value.strip():
            raise TerritoryError(f"Le territoire « {kind} » ne prend pas de valeur : {text!r}.")
        return cls(kind)

    def __str__(self) -> str:
        if self.kind == "radius":
            return f"radius:{self.value:g}"
        if self.kind == "custom":
            return "custom:" + ",".join(self.value)  # type: ignore[arg-type]
        return self.kind

    @property
    def label(self) -> str:
        """French label, as shown next to every locality figure."""
        if self.kind == "radius":
            radius = f"{self.value:g}".replace(".", ",")
            return f"Dans un rayon de {radius} km autour de l'acheteur"
        if self.kind == "custom":
            count = len(self.value)  # type: ignore[arg-type]
            plural = "s" if count > 1 else ""
            return f"Liste personnalisée de {count} commune{plural}"
        return _LABELS[self.kind]
