"""Streaming reader of DECP XML files (2019, 2022, DGFiP PES Marché, hybrid records).

``lxml.iterparse`` hands over one ``<marche>`` or ``<contrat-concession>`` element at a time; it
is turned into the same dict shape as the JSON format (a single child is a dict, repeated children
a list, an empty element None) and then freed, so memory stays flat whatever the file size.
Characters that XML forbids (control characters, seen in real files) are removed from the byte
stream before parsing, as decp-processing does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from lxml import etree

RECORD_TAGS = {"marche": "marche", "contrat-concession": "concession"}
_FORBIDDEN = bytes(c for c in range(32) if c not in (9, 10, 13))


@dataclass
class XmlItem:
    position: int
    kind: str
    record: dict[str, Any] | None
    raw: str | None  # the element as published
    error: str | None = None


class XmlFormatError(ValueError):
    """The file is not DECP XML (explained in French)."""


class _CleanStream:
    """A binary stream without the control characters that XML 1.0 forbids."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.removed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        cleaned = chunk.translate(None, _FORBIDDEN)
        self.removed += len(chunk) - len(cleaned)
        return cleaned


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def element_to_dict(element: etree._Element) -> Any:
    """An element as JSON-shaped data: text for a leaf, a dict of children otherwise."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        text = (element.text or "").strip()
        return text or None
    grouped: dict[str, list[Any]] = {}
    for child in children:
        grouped.setdefault(_local(child.tag), []).append(element_to_dict(child))
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def read_xml(stream: IO[bytes]) -> Iterator[XmlItem]:
    """Yield every marché and contrat de concession of a DECP XML stream."""
    cleaned = _CleanStream(stream)
    position = 0
    parser = etree.iterparse(
        cleaned, events=("end",), huge_tree=True, recover=False, remove_comments=True
    )
    try:
        for _, element in parser:
            name = _local(element.tag)
            if name not in RECORD_TAGS:
                continue
            parent = element.getparent()
            if parent is not None and _local(parent.tag) not in ("marches", "root", "data"):
                continue  # e.g. a <marche> nested in something else: not a record
            raw = etree.tostring(element, encoding="unicode", with_tail=False)
            yield XmlItem(position, RECORD_TAGS[name], element_to_dict(element) or {}, raw)
            position += 1
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        if position == 0 and error.position[0] <= 1:
            raise XmlFormatError(f"XML illisible dès le début : {error.msg}") from error
        # The rest of the file cannot be read record by record: keep it verbatim.
        yield XmlItem(
            position,
            "marche",
            None,
            f"<!-- XML interrompu ligne {error.position[0]} -->",
            f"XML invalide à la ligne {error.position[0]} : {error.msg}. La suite du fichier est illisible.",
        )
