"""The reference tables shipped as package data, read once per process.

Each function returns a ``pyarrow.Table`` read from ``ancrage/reference/data/<name>.parquet``
(built by ``scripts/reference/build.py``, sources in ``docs/reference-data.md``). Tables are
cached: treat them as read-only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

DATA_DIR = Path(__file__).resolve().parent / "data"

TABLES: tuple[str, ...] = (
    "communes",
    "epci",
    "epci_members",
    "departements",
    "regions",
    "cpv",
    "naf",
    "legal_categories",
)


class ReferenceDataMissing(RuntimeError):
    """A Parquet file of the package is missing (broken installation)."""


def path_of(name: str) -> Path:
    """Path of the Parquet file of reference table ``name``."""
    if name not in TABLES:
        raise KeyError(f"table de référence inconnue : {name!r} (connues : {', '.join(TABLES)})")
    path = DATA_DIR / f"{name}.parquet"
    if not path.is_file():
        raise ReferenceDataMissing(
            f"fichier de référence absent : {path}. Réinstallez le paquet ancrage ou "
            "reconstruisez les tables avec scripts/reference/build.py."
        )
    return path


@cache
def _read(name: str) -> pa.Table:
    return pq.read_table(path_of(name))


def communes() -> pa.Table:
    """Current communes (COG 2026) and the municipal arrondissements of Paris, Lyon, Marseille.

    Columns: ``code`` (INSEE), ``name``, ``type`` (``commune-actuelle`` or
    ``arrondissement-municipal``), ``zone`` (``metro``, ``drom``, ``com``), ``departement``,
    ``region``, ``parent_code`` (the commune of an arrondissement), ``epci`` (SIREN of the EPCI
    à fiscalité propre, null for the four island communes outside any EPCI and for COM),
    ``population`` (population municipale), ``latitude``, ``longitude`` and ``coord_source``
    (``town_hall`` or ``centroid``; all three null when no point is known), ``siren`` (the
    commune's own SIREN, null for arrondissements and COM), ``postal_codes``, ``former_codes``.
    """
    return _read("communes")


def epci() -> pa.Table:
    """EPCI à fiscalité propre: ``siren``, ``name``, ``type`` (CC, CA, CU, METRO, MET69),
    ``population`` (population municipale)."""
    return _read("epci")


def epci_members() -> pa.Table:
    """Member communes of each EPCI: ``epci_siren``, ``commune_code``."""
    return _read("epci_members")


def departements() -> pa.Table:
    """Départements, including the COM (``zone`` = ``com``): ``code``, ``name``, ``region``,
    ``zone``."""
    return _read("departements")


def regions() -> pa.Table:
    """Régions, including the COM: ``code``, ``name``, ``zone``."""
    return _read("regions")


def cpv() -> pa.Table:
    """CPV 2008: ``code`` (8 digits, no check digit), ``label`` (French), ``parent``,
    ``division``, ``level`` (1 division … 5), ``family`` (works, supplies, services)."""
    return _read("cpv")


def naf() -> pa.Table:
    """NAF rév. 2 sub-classes: ``code`` (e.g. ``62.01Z``), ``label``, ``division``, ``section``,
    ``division_label``, ``section_label``."""
    return _read("naf")


def legal_categories() -> pa.Table:
    """INSEE legal categories of the public sector and of usual buyers: ``code`` (4 digits),
    ``label``, ``buyer_kind``."""
    return _read("legal_categories")


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the views ``ref_<table>`` on ``con``, one per reference table."""
    for name in TABLES:
        literal = str(path_of(name)).replace("'", "''")
        con.execute(f"CREATE OR REPLACE VIEW ref_{name} AS SELECT * FROM read_parquet('{literal}')")
