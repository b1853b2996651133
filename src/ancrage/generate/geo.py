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
    # Column by column: a row-dict copy of the 35 000 communes would cost tens of MB at peak.
    code = table.column("code").to_pylist()
    keep = [bool(value) for value in code]
    for column, excluded in (("type", "arrondissement-municipal"), ("zone", "com")):
        # Buyers and suppliers live in current communes of metropolitan France and the DROM:
        # arrondissements municipaux are places, and the COM use TAHITI/RIDET ids, not SIRET.
        if column in table.column_names:
            for index, value in enumerate(table.column(column).to_pylist()):
                keep[index] = keep[index] and value != excluded
    departement = table.column("departement").to_pylist()
    population = table.column("population").to_pylist()
    for index in range(len(keep)):
        keep[index] = keep[index] and bool(departement[index]) and bool(population[index])
    order = sorted((index for index, kept in enumerate(keep) if kept), key=code.__getitem__)
    if not order:
        raise GenerationError("La table des communes de référence est vide.")

    def column(name: str) -> list:
        values = table.column(name).to_pylist()
        return [values[index] for index in order]

    postal_codes = column("postal_codes")
    codes = [code[index] for index in order]
    communes = Communes(
        code=codes,
        name=column("name"),
        departement=[departement[index] for index in order],
        region=[value or "" for value in column("region")],
        epci=[value or None for value in column("epci")],
        population=[int(population[index]) for index in order],
        siren=[value or None for value in column("siren")],
        postal_code=[
            (codes_list or [own])[0] for codes_list, own in zip(postal_codes, codes, strict=True)
        ],
        latitude=column("latitude"),
        longitude=column("longitude"),
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
