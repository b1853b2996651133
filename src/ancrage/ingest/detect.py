"""Recognise the format of an input from its content, never from its name.

Parquet starts with ``PAR1``; JSON with ``{`` or ``[``; XML with ``<``; anything else that has a
header line with DECP column names is a tabular CSV. The DECP version of a JSON file is read from
its envelope (a list under ``marches`` is 2019, an object is 2022); for XML, whose envelope is the
same in both versions, it is read from the first record.
"""

from __future__ import annotations

import re

FORMATS = {
    "decp-2022-json": "DECP 2022 (schéma 2.0), JSON",
    "decp-2019-json": "DECP 2019 (schéma 1.x), JSON",
    "decp-json": "DECP, JSON sans enveloppe (enregistrements ligne à ligne)",
    "decp-2022-xml": "DECP 2022 (schéma 2.0), XML",
    "decp-2019-xml": "DECP 2019 (schéma 1.x), XML",
    "decp-2019-pes-xml": "DECP 2019, variante DGFiP PES Marché, XML",
    "tabular-csv": "Export tabulaire (une ligne par marché × titulaire), CSV",
    "tabular-parquet": "Export tabulaire, Parquet",
}
_TABULAR_HINTS = ("acheteur", "titulaire", "montant", "codeCPV", "dateNotification", "uid")


class UnknownFormat(ValueError):
    """The content is none of the DECP formats (explained in French)."""


def sniff(head: bytes) -> str:
    """``json``, ``xml``, ``parquet`` or ``csv`` from the first bytes of a file."""
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not text:
        raise UnknownFormat("Fichier vide.")
    if text[:1] in (b"{", b"["):
        return "json"
    if text[:1] == b"<":
        return "xml"
    first_line = text.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    if any(hint in first_line for hint in _TABULAR_HINTS) and re.search("[,;]", first_line):
        return "csv"
    raise UnknownFormat(
        "Format non reconnu : ni JSON, ni XML, ni Parquet, ni CSV avec des colonnes DECP "
        f"(début : « {first_line[:60]} »)."
    )


def json_format(first_kind: str | None, envelope_2019: bool | None) -> str:
    if envelope_2019 is None:
        return "decp-json"
    return "decp-2019-json" if envelope_2019 else "decp-2022-json"


def xml_format(first_record: dict | None) -> str:
    from ancrage.ingest.normalise import schema_version

    if not first_record:
        return "decp-2022-xml"
    if "dateTransmissionDonneesEtalab" in first_record:
        return "decp-2019-pes-xml"
    return "decp-2019-xml" if schema_version(first_record) == "2019" else "decp-2022-xml"
