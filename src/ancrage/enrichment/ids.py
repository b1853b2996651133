"""Identifiers of buyers and suppliers as SQL expressions, shared by the imports and the profiles.

A supplier is published with an id and a ``typeIdentifiant`` (normalised by ingestion to SIRET,
TVA, TAHITI, RIDET, FRWF, IREP, HORS-UE, UE). SIRENE only knows French SIRETs and SIRENs:

- a SIRET is 14 digits (spaces inside are tolerated, some publishers group the digits);
- a SIREN is its first 9 digits; a 9-digit id published as SIRET is taken as a SIREN;
- a French VAT number is ``FR`` + 2 key characters + the SIREN, so it gives a SIREN too;
- HORS-UE, UE, FRWF and VAT numbers of other countries are foreign firms;
- TAHITI (French Polynesia), RIDET (New Caledonia) and IREP have no SIRET: they are not foreign,
  but SIRENE cannot locate them.
"""

from __future__ import annotations

FOREIGN_ID_TYPES = ("HORS-UE", "UE", "FRWF")


def compact(column: str) -> str:
    """The id without surrounding or inner spaces."""
    return f"replace(trim({column}), ' ', '')"


def siret_sql(id_column: str, type_column: str | None = None) -> str:
    """The 14-digit SIRET of the id, else NULL."""
    value = compact(id_column)
    type_ok = f"coalesce(upper({type_column}), 'SIRET') = 'SIRET'" if type_column else "TRUE"
    return f"CASE WHEN {type_ok} AND regexp_full_match({value}, '[0-9]{{14}}') THEN {value} END"


def siren_sql(id_column: str, type_column: str | None = None) -> str:
    """The SIREN behind the id (SIRET prefix, 9-digit id, French VAT number), else NULL."""
    value = compact(id_column)
    kind = f"coalesce(upper({type_column}), 'SIRET')" if type_column else "'SIRET'"
    return (
        f"CASE WHEN {kind} = 'SIRET' AND regexp_full_match({value}, '[0-9]{{14}}') "
        f"THEN left({value}, 9) "
        f"WHEN {kind} = 'SIRET' AND regexp_full_match({value}, '[0-9]{{9}}') THEN {value} "
        f"WHEN {kind} = 'TVA' AND regexp_full_match(upper({value}), 'FR[0-9A-Z]{{2}}[0-9]{{9}}') "
        f"THEN right({value}, 9) END"
    )


def foreign_sql(id_column: str, type_column: str) -> str:
    """TRUE when the id type says the supplier is established abroad."""
    value = compact(id_column)
    types = ", ".join(f"'{t}'" for t in FOREIGN_ID_TYPES)
    return (
        f"(upper({type_column}) IN ({types}) OR (upper({type_column}) = 'TVA' "
        f"AND NOT starts_with(upper({value}), 'FR')))"
    )
