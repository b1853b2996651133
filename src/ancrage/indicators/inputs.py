"""What the indicator engine reads: six ibis tables and an optional period.

The engine never reaches for a database by itself: callers hand it ibis tables, so the same code
runs on DuckDB (the warehouse), on Spark, or on in-memory golden fixtures. The three enrichment
views (``supplier_profiles``, ``buyer_profiles``, ``awardee_locality``) are built by
``ancrage.enrichment``; their expected columns are declared here so that the engine can run, with
"not available" results, before enrichment data exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from ancrage.warehouse.schema import AWARDEES, CONTRACTS, QUALITY_ISSUES

STR = pa.string()
F64 = pa.float64()
BOOL = pa.bool_()

# Columns of the enrichment views the engine relies on (extra columns are ignored).
SUPPLIER_PROFILES = pa.schema(
    [
        ("supplier_id", STR),
        ("supplier_id_type", STR),
        ("siren", STR),
        ("commune_code", STR),
        ("departement", STR),
        ("region", STR),
        ("epci", STR),
        ("latitude", F64),
        ("longitude", F64),
        ("located", BOOL),
        ("foreign", BOOL),
        ("size", STR),  # sme | mid_cap | large | null (unknown)
        ("social_economy", BOOL),
        ("inclusive", BOOL),
        ("inclusive_kind", STR),
        ("name", STR),
    ]
)

BUYER_PROFILES = pa.schema(
    [
        ("buyer_id", STR),
        ("name", STR),
        ("commune_code", STR),
        ("departement", STR),
        ("region", STR),
        ("epci", STR),
        ("latitude", F64),
        ("longitude", F64),
        ("located", BOOL),
        ("legal_category", STR),
        ("buyer_kind", STR),
        ("population", pa.int64()),
        ("size_band", STR),
        ("peer_group", STR),
    ]
)

AWARDEE_LOCALITY = pa.schema(
    [
        ("contract_id", STR),
        ("buyer_id", STR),
        ("supplier_id", STR),
        ("local", BOOL),  # NULL when either end is not located: never "non local" by default
        ("distance_km", F64),
        ("located", BOOL),
        ("reason_unlocated", STR),
    ]
)

INPUT_SCHEMAS: dict[str, pa.Schema] = {
    "contracts": CONTRACTS,
    "awardees": AWARDEES,
    "awardee_locality": AWARDEE_LOCALITY,
    "supplier_profiles": SUPPLIER_PROFILES,
    "buyer_profiles": BUYER_PROFILES,
    "quality_issues": QUALITY_ISSUES,
}


@dataclass(frozen=True)
class Period:
    """Notification dates kept, both ends included; ``None`` leaves that end open."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError(
                f"Période invalide : le début ({self.start.isoformat()}) est après la fin "
                f"({self.end.isoformat()})."
            )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def empty_table(name: str) -> Table:
    """An empty ibis table with the columns of input ``name``."""
    return ibis.memtable(INPUT_SCHEMAS[name].empty_table())


@dataclass
class IndicatorInputs:
    """The six input tables, a period filter, and the prepared bases derived from them.

    The bases (``contract_base``, ``awardee_base``, ``locality_base``) are built once per
    instance; the engine may replace them with materialised copies (see ``engine.materialize``).
    """

    contracts: Table
    awardees: Table
    awardee_locality: Table = field(default_factory=lambda: empty_table("awardee_locality"))
    supplier_profiles: Table = field(default_factory=lambda: empty_table("supplier_profiles"))
    buyer_profiles: Table = field(default_factory=lambda: empty_table("buyer_profiles"))
    quality_issues: Table = field(default_factory=lambda: empty_table("quality_issues"))
    period: Period = field(default_factory=Period)

    @cached_property
    def contract_base(self) -> Table:
        from ancrage.indicators.prepare import contract_base

        return contract_base(self.contracts, self.period)

    @cached_property
    def awardee_base(self) -> Table:
        from ancrage.indicators.prepare import awardee_base

        return awardee_base(self.contract_base, self.awardees, self.supplier_profiles)

    @cached_property
    def locality_base(self) -> Table:
        from ancrage.indicators.prepare import locality_base

        return locality_base(self.contract_base, self.awardee_locality)

    @classmethod
    def from_arrow(
        cls, tables: dict[str, pa.Table], period: Period | None = None
    ) -> IndicatorInputs:
        """Inputs from Arrow tables (in-memory, backend-agnostic ``ibis.memtable``)."""
        unknown = set(tables) - set(INPUT_SCHEMAS)
        if unknown:
            raise ValueError(f"Tables d'entrée inconnues : {', '.join(sorted(unknown))}.")
        given = {name: ibis.memtable(table) for name, table in tables.items()}
        for name in ("contracts", "awardees"):
            given.setdefault(name, empty_table(name))
        return cls(**given, period=period or Period())
