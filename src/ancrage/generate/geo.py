"""Reference data the generator draws from: real communes and real CPV codes.

Both come from ``ancrage.reference`` (package data, offline). They are turned once into plain
Python lists sorted by code, so that the draws do not depend on the row order of the Parquet files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ancrage.generate.errors import GenerationError


@dataclass
class Communes:
    """Current communes, sorted by INSEE code, as parallel lists."""

    code: list[str]
    name: list[str]
    departement: list[str]
    region: list[str]
    epci: list[str | None]
    population: list[int]
    siren: list[str | None]
    postal_code: list[str]
    latitude: list[float | None]
    longitude: list[float | None]
    by_departement: dict[str, list[int]] = field(default_factory=dict)
    departement_region: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.code)


@dataclass
class CpvCodes:
    """CPV codes (8 digits) with their French label, grouped by division."""

    label: dict[str, str]
    by_division: dict[str, list[str]]


@dataclass
class Names:
    """Optional names of départements, régions and EPCI (when the reference provides them)."""

    departement: dict[str, str] = field(default_factory=dict)
    region: dict[str, str] = field(default_factory=dict)
    epci: dict[str, tuple[str, str]] = field(default_factory=dict)  # siren -> (name, type)


def _reference() -> Any:
    try:
        import ancrage.reference as reference
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise GenerationError(
            "Les données de référence (ancrage.reference) sont introuvables : "
            "réinstallez le paquet ancrage."
        ) from error
    if not hasattr(reference, "communes") or not hasattr(reference, "cpv"):
        raise GenerationError(
            "Les données de référence ne fournissent pas encore communes() et cpv() : "
            "mettez à jour le paquet ancrage."
        )
    return reference


def load_communes() -> Communes:
    """The real communes of ``ancrage.reference.communes()`` with a population and a SIREN."""
    table = _reference().communes()
    columns = table.select(
        [
            "code",
            "name",
            "departement",
            "region",
            "epci",
            "population",
            "siren",
            "postal_codes",
            "latitude",
            "longitude",
        ]
    ).to_pylist()
    # Buyers and suppliers live in current communes of metropolitan France and the DROM:
    # arrondissements municipaux are places, and the COM use TAHITI/RIDET ids, not SIRET.
    keep = [True] * table.num_rows
    for column, excluded in (("type", "arrondissement-municipal"), ("zone", "com")):
        if column in table.column_names:
            for index, value in enumerate(table.column(column).to_pylist()):
                keep[index] = keep[index] and value != excluded
    columns = [row for row, kept in zip(columns, keep, strict=True) if kept]
    rows = sorted(
        (row for row in columns if row["code"] and row["departement"] and row["population"]),
        key=lambda row: row["code"],
    )
    if not rows:
        raise GenerationError("La table des communes de référence est vide.")
    communes = Communes(
        code=[row["code"] for row in rows],
        name=[row["name"] for row in rows],
        departement=[row["departement"] for row in rows],
        region=[row["region"] or "" for row in rows],
        epci=[row["epci"] or None for row in rows],
        population=[int(row["population"]) for row in rows],
        siren=[row["siren"] or None for row in rows],
        postal_code=[(row["postal_codes"] or [row["code"]])[0] for row in rows],
        latitude=[row["latitude"] for row in rows],
        longitude=[row["longitude"] for row in rows],
    )
    for index, departement in enumerate(communes.departement):
        communes.by_departement.setdefault(departement, []).append(index)
        communes.departement_region.setdefault(departement, communes.region[index])
    return communes


def load_cpv() -> CpvCodes:
    """Real CPV codes of ``ancrage.reference.cpv()``, grouped by division."""
    table = _reference().cpv().select(["code", "label", "division"])
    label: dict[str, str] = {}
    by_division: dict[str, list[str]] = {}
    for row in sorted(table.to_pylist(), key=lambda row: row["code"]):
        code = row["code"]
        if not code or len(code) != 8 or not code.isdigit():
            continue
        label[code] = row["label"] or code
        by_division.setdefault(code[:2], []).append(code)
    if not label:
        raise GenerationError("La nomenclature CPV de référence est vide.")
    return CpvCodes(label=label, by_division=by_division)


def load_names() -> Names:
    """Names of départements, régions and EPCI, if the reference already offers them."""
    reference = _reference()
    names = Names()
    for attribute, target in (("departements", names.departement), ("regions", names.region)):
        function = getattr(reference, attribute, None)
        if function is not None:
            for row in function().select(["code", "name"]).to_pylist():
                target[row["code"]] = row["name"]
    epci = getattr(reference, "epci", None)
    if epci is not None:
        for row in epci().select(["siren", "name", "type"]).to_pylist():
            names.epci[row["siren"]] = (row["name"], row["type"] or "")
    return names
