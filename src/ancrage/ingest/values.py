"""Lenient readers of single DECP values that never invent anything.

Each reader returns ``(value, problem)``: the parsed value (or None) and, when the input was not a
clean value of the expected type, the machine id of the problem so that the caller records a
quality issue. Placeholders such as ``"NC"`` are recognised and reported, never turned into 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

# ASCII blanks only, as SQL's trim does: the SQL fast path must trim exactly the same way.
BLANKS = " \t\n\r\x0b\x0c"
PLACEHOLDERS = frozenset(
    {"nc", "n/c", "na", "n/a", "null", "none", "nan", "-", "inconnu", "non connu"}
)
# MINEF tabular exports prefix invalid values: INX (inexploitable), MQ (manquant), CDL (conditionnel).
MINEF_MARKER = re.compile(r"^(INX|MQ|CDL)\b\s*(.*)$", re.S)

_DATE_ISO = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})")
_DATE_FR = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_DATE_EN = re.compile(r"^\s*([A-Za-z]+),?\s+(\d{1,2}),?\s+(\d{4})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(),
        start=1,
    )
}
_TRUE = frozenset({"true", "oui", "1", "vrai", "yes", "o"})
_FALSE = frozenset({"false", "non", "0", "faux", "no", "n"})


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes and spaces made plain: for enum matching."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("œ", "oe").replace("\u00a0", " ")
    return " ".join(text.lower().split())


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return isinstance(value, (list, dict)) and not value


def strip_marker(value: object) -> tuple[object, str | None]:
    """Remove a MINEF ``INX``/``MQ``/``CDL`` marker; return the rest and the marker."""
    if isinstance(value, str):
        match = MINEF_MARKER.match(value.strip())
        if match:
            rest = match.group(2).strip()
            return (rest or None), match.group(1)
    return value, None


def text(value: object) -> str | None:
    """A trimmed string, or None for blank values."""
    if type(value) is str:
        return value.strip(BLANKS) or None
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(BLANKS) or None


def number(value: object) -> tuple[float | None, str | None]:
    """A number from a number or a string ("12 500,50", "1.0E17"); placeholders are reported."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "not_numeric"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None, "not_numeric"
        return float(value), None
    raw = str(value).strip()
    if not raw:
        return None, None
    if fold(raw) in PLACEHOLDERS:
        return None, "placeholder"
    cleaned = raw.replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        parsed = float(cleaned)
    except ValueError:
        return None, "not_numeric"
    if math.isnan(parsed) or math.isinf(parsed):
        return None, "not_numeric"
    return parsed, "given_as_text"


def num_text(value: float) -> str:
    """A number as text in quality reports: an integer as is, otherwise two decimals.

    Chosen because SQL produces exactly the same text (the SQL fast path must agree).
    """
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.2f}"


def integer(value: object) -> tuple[int | None, str | None]:
    parsed, problem = number(value)
    if parsed is None:
        return None, problem
    if not parsed.is_integer():
        return None, "not_integer"
    return int(parsed), problem


def boolean(value: object) -> tuple[bool | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    raw = str(value).strip().lower()
    if raw in _TRUE:
        return True, None
    if raw in _FALSE:
        return False, None
    raw = fold(raw)
    if not raw:
        return None, None
    if raw in _TRUE:
        return True, None
    if raw in _FALSE:
        return False, None
    if raw in PLACEHOLDERS:
        return None, "placeholder"
    return None, "not_boolean"


def parse_date(value: object) -> tuple[date | None, str | None]:
    if value is None:
        return None, None
    return _parse_date_cached(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=1 << 14)
def _parse_date_cached(value: str) -> tuple[date | None, str | None]:
    # Dates repeat across records (a few thousand distinct days): parsing each once pays.
    return _parse_date(value)


def _parse_date(value: object) -> tuple[date | None, str | None]:
    """A calendar date. Time zones and times are ignored (the day is what DECP means).

    Typo years (0222, 5021) stay as given and are reported as implausible by the quality rules;
    only a string that is not a date at all gives None.
    """
    if value is None:
        return None, None
    raw = str(value).strip()
    if not raw:
        return None, None
    if fold(raw) in PLACEHOLDERS:
        return None, "placeholder"
    match = _DATE_ISO.match(raw)
    problem = None
    if match:
        year, month, day = (int(g) for g in match.groups())
        if len(match.group(1)) != 4 or len(match.group(2)) != 2 or len(match.group(3)) != 2:
            problem = "nonstandard_format"
    else:
        match = _DATE_FR.match(raw) or None
        if match:
            day, month, year = (int(g) for g in match.groups())
            problem = "nonstandard_format"
        else:
            match = _DATE_EN.match(raw)
            if not match or match.group(1).lower() not in _MONTHS:
                return None, "not_a_date"
            month, day, year = (
                _MONTHS[match.group(1).lower()],
                int(match.group(2)),
                int(match.group(3)),
            )
            problem = "nonstandard_format"
    if year < 1:
        return None, "not_a_date"
    try:
        return date(year, month, day), problem
    except ValueError:
        return None, "not_a_date"


def today() -> date:
    return datetime.now().date()
