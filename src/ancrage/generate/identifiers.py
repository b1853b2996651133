"""Valid synthetic identifiers: SIREN, SIRET (Luhn), intra-EU VAT numbers and HORS-UE ids.

SIREN and SIRET numbers carry a Luhn check digit (INSEE). Synthetic SIRENs are drawn from a
bijection of a counter, so they are unique without keeping a set in memory.
"""

from __future__ import annotations

import random

# Luhn: doubled digit -> sum of its digits.
_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_sum(digits: str) -> int:
    """Luhn sum of ``digits``, the rightmost digit being undoubled."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        total += _DOUBLE[value] if position % 2 else value
    return total


def luhn_complete(body: str) -> str:
    """``body`` followed by the check digit that makes the whole number Luhn-valid."""
    # The check digit sits in the undoubled position, so the body digits are all shifted by one.
    total = 0
    for position, char in enumerate(reversed(body)):
        value = ord(char) - 48
        total += value if position % 2 else _DOUBLE[value]
    return body + str((10 - total % 10) % 10)


def is_luhn_valid(number: str) -> bool:
    """True when ``number`` is all digits and passes the Luhn check."""
    return number.isdigit() and luhn_sum(number) % 10 == 0


# A multiplier coprime with 10**8 turns the counter into a scattered but bijective sequence.
_SPREAD = 48_271_939
_PRIVATE_SPAN = 60_000_000  # private SIRENs start with 3..8 here (public bodies use 1 and 2)


def private_siren(index: int) -> str:
    """The ``index``-th synthetic SIREN of a private company (unique for index < 60 000 000)."""
    body = 30_000_000 + (index * _SPREAD) % _PRIVATE_SPAN
    return luhn_complete(f"{body:08d}")


def public_siren(prefix: str, index: int) -> str:
    """A synthetic SIREN of a public body: ``prefix`` (e.g. "22" for a département) + index."""
    width = 8 - len(prefix)
    body = (index * 7_919 + 101) % (10**width)
    return luhn_complete(f"{prefix}{body:0{width}d}")


def siret(siren: str, establishment: int) -> str:
    """A Luhn-valid SIRET: ``siren`` + a 4-digit establishment number + the check digit."""
    return luhn_complete(f"{siren}{establishment:04d}")


_EU_VAT_FORMATS = (
    ("BE", "0", 9),
    ("DE", "", 9),
    ("ES", "B", 8),
    ("IT", "", 11),
    ("LU", "", 8),
    ("NL", "", 9),
    ("PT", "", 9),
)


def eu_vat_number(rng: random.Random) -> str:
    """An intra-EU VAT number of a foreign supplier (country prefix + digits)."""
    country, lead, digits = _EU_VAT_FORMATS[rng.randrange(len(_EU_VAT_FORMATS))]
    number = "".join(str(rng.randrange(10)) for _ in range(digits))
    suffix = "B01" if country == "NL" else ""
    return f"{country}{lead}{number}{suffix}"


_NON_EU_COUNTRIES = ("CH", "GB", "US", "NO", "CA", "MA", "TN", "JP")


def hors_ue_id(rng: random.Random, name: str) -> str:
    """A HORS-UE identifier: ISO 3166 country code + the first 16 letters of the name."""
    letters = "".join(char for char in name.upper() if char.isalnum())
    return _NON_EU_COUNTRIES[rng.randrange(len(_NON_EU_COUNTRIES))] + letters[:16]
