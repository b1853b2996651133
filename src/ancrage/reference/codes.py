"""Pure string logic on CPV codes, used on the ingest hot path (about 1.5 M records).

Nothing here reads Parquet: the 45 CPV 2008 divisions are written out below so that a code can be
normalised and classified with a few string operations. ``tests/reference`` checks that this set
equals the divisions of the shipped ``cpv`` table.
"""

from __future__ import annotations

from functools import lru_cache

# The 45 divisions of CPV 2008 (Regulation (EC) No 213/2008), i.e. the first two digits.
# fmt: off
CPV_DIVISIONS: frozenset[str] = frozenset((
    "03", "09", "14", "15", "16", "18", "19", "22", "24", "30", "31", "32", "33", "34", "35",
    "37", "38", "39", "41", "42", "43", "44", "45", "48", "50", "51", "55", "60", "63", "64",
    "65", "66", "70", "71", "72", "73", "75", "76", "77", "79", "80", "85", "90", "92", "98",
))
# fmt: on

# Purchase family by division, as in decp-format.md §7.1: 45 works; 01–44 and 48 supplies;
# 50–98 services.
_WORKS = "works"
_SUPPLIES = "supplies"
_SERVICES = "services"


def _family_of_division(division: str) -> str | None:
    if division not in CPV_DIVISIONS:
        return None
    if division == "45":
        return _WORKS
    number = int(division)
    if number <= 44 or number == 48:
        return _SUPPLIES
    return _SERVICES


_FAMILY_BY_DIVISION: dict[str, str | None] = {d: _family_of_division(d) for d in CPV_DIVISIONS}


def normalise_cpv(code: object) -> str | None:
    """The 8-digit CPV code of ``code``, or ``None`` when it cannot be one.

    Accepts ``"45000000-7"`` (check digit dropped, it is not verified), ``"45000000"``, and the
    7-digit codes that lost their leading zero when a spreadsheet read them as numbers
    (``"9310000"`` → ``"09310000"``), also as ``int``. Surrounding spaces are ignored. Anything
    else (letters, other lengths, a division that does not exist) gives ``None``: no guessing.
    """
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        code = str(code)
    if not isinstance(code, str):
        return None
    return _normalise_text(code)


@lru_cache(maxsize=65536)
def _normalise_text(text: str) -> str | None:
    # Cached: the same few thousand codes repeat across the 1.5 M national records.
    head, sep, check = text.strip().partition("-")
    head = head.strip()
    if sep:
        check = check.strip()
        if not (len(check) == 1 and check.isdigit()):
            return None
    if not (head.isascii() and head.isdigit()):
        return None
    if len(head) == 7:
        head = "0" + head
    if len(head) != 8 or head[:2] not in CPV_DIVISIONS:
        return None
    return head


def cpv_family(code: object) -> str | None:
    """``"works"``, ``"supplies"`` or ``"services"`` from the CPV division, else ``None``.

    Accepts the same spellings as :func:`normalise_cpv`.
    """
    normalised = normalise_cpv(code)
    if normalised is None:
        return None
    return _FAMILY_BY_DIVISION[normalised[:2]]


def cpv_level(code: str) -> int:
    """Official depth of an 8-digit CPV code, from its trailing zeros.

    1 division (XX000000), 2 group (XXX00000), 3 class (XXXX0000), 4 category (XXXXX000),
    5 anything finer.
    """
    significant = len(code.rstrip("0"))
    return max(1, min(5, significant - 1))


def normalise_naf(code: object) -> str | None:
    """NAF rév. 2 sub-class in the INSEE spelling ``"62.01Z"``, from ``"6201Z"``, ``"62.01z"``…

    Returns ``None`` unless the value has the shape of a sub-class (4 digits and a letter);
    whether the code exists is for ``naf()`` to say.
    """
    if not isinstance(code, str):
        return None
    text = code.strip().upper().replace(".", "", 1)
    if len(text) != 5 or not (text[:4].isascii() and text[:4].isdigit()) or not text[4].isalpha():
        return None
    return f"{text[:2]}.{text[2:]}"
