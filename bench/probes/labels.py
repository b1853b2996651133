"""The official labels, as ``field<TAB>label`` lines, for ``compiled_normaliser.cpp``.

The same tables the import checks labels against (:mod:`ancrage.ingest.enums`), keyed by the
JSON field that carries them.
"""

from __future__ import annotations

from ancrage.ingest import enums

TABLES = {
    "nature": enums.NATURES,
    "procedure": enums.PROCEDURES,
    "ccag": enums.CCAG,
    "formePrix": enums.PRICE_FORMS,
    "typeGroupementOperateurs": enums.GROUPING_TYPES,
    "techniques": enums.TECHNIQUES,
    "modalitesExecution": enums.EXECUTION_MODALITIES,
    "typesPrix": enums.PRICE_TYPES,
    "considerationsSociales": enums.SOCIAL,
    "considerationsEnvironnementales": enums.ENVIRONMENTAL,
    "lieuExecution.typeCode": enums.PLACE_CODE_TYPES,
    "titulaire.typeIdentifiant": enums.SUPPLIER_ID_TYPES,
}


def main() -> None:
    for field, table in TABLES.items():
        for label in sorted(set(table.values())):
            print(f"{field}\t{label}")


if __name__ == "__main__":
    main()
