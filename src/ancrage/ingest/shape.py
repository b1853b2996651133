"""Tolerant access to the fields of a raw DECP record, whatever its shape.

The same information arrives as ``{"acheteur": {"id": …}}`` (JSON), ``{"acheteur.id": …}``
(dotted keys of flattened exports), XML converted to dicts (a single child is a dict, several are
a list, an empty element is None), wrapped lists (``[{"titulaire": {…}}]``), plain lists
(2019), lists of lists (old MINEF files nest titulaires up to four levels) and empty ``{}`` blocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ancrage.ingest.values import BLANKS

Record = dict[str, Any]


def get(record: Record, *paths: str) -> Any:
    """The first non-missing value among dotted ``paths`` (nested keys or literal dotted keys)."""
    for path in paths:
        value = record.get(path)
        if value is not None:
            return value
        parts = _PARTS.get(path)
        if parts is None:
            parts = _PARTS[path] = tuple(path.split("."))
        if len(parts) == 1:
            continue
        node: Any = record
        for part in parts:
            if type(node) is dict:
                node = node.get(part)
            else:
                node = None
                break
        if node is not None:
            return node
    return None


_PARTS: dict[str, tuple[str, ...]] = {}


def items(value: Any, wrapper: str | None = None) -> Iterator[dict]:
    """Objects of a DECP list, unwrapping ``{"<wrapper>": …}`` and flattening nested lists.

    Empty blocks (``{}``, ``{"titulaire": {}}``, None) are skipped: they carry nothing.
    """
    if value is None:
        return
    if isinstance(value, list):
        for element in value:
            yield from items(element, wrapper)
        return
    if not isinstance(value, dict):
        return
    if wrapper and wrapper in value and len(value) == 1:
        yield from items(value[wrapper], wrapper)
        return
    if value:
        yield value


def labels(value: Any, wrapper: str | None = None) -> list[str] | None:
    """An enumerated list (``{"considerationSociale": [...]}``, a list, or a joined string).

    Returns None when the field is absent or empty, so that "not published" stays distinct from
    an explicit "Pas de considération …".
    """
    if value is None:
        return None
    if isinstance(value, dict):
        if not value:
            return None
        inner = value.get(wrapper) if wrapper else None
        if type(inner) is list and all(
            type(x) is str and x and ", " not in x and x[0] != "[" for x in inner
        ):
            return [x.strip(BLANKS) for x in inner] or None  # the common, clean case
        value = inner if wrapper and wrapper in value else list(value.values())
    out: list[str] = []
    _collect(value, out)
    return out or None


def _collect(value: Any, out: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for element in value:
            _collect(element, out)
    elif isinstance(value, dict):
        for element in value.values():
            _collect(element, out)
    else:
        text = str(value).strip(BLANKS)
        if not text:
            return
        # Tabular exports write lists as "['a', 'b']" (MINEF) or "a, b" (decp-processing).
        if text.startswith("[") and text.endswith("]"):
            inner = text[1:-1]
            for part in inner.split(","):
                part = part.strip(BLANKS).strip("'\"").strip(BLANKS)
                if part:
                    out.append(part)
        elif ", " in text:
            # Official labels never contain ", ": a comma-space means a joined list.
            out.extend(p.strip(BLANKS) for p in text.split(", ") if p.strip(BLANKS))
        else:
            out.append(text)
