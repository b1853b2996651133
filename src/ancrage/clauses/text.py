"""French text folding for search: accents, case, plurals and a few common endings."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae", "’": "'"})
# Short grammatical words carry no meaning for the search and would match everything.
STOP_WORDS = frozenset((
    "a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l", "la",
    "le", "les", "leur", "leurs", "ou", "par", "pour", "qu", "que", "qui", "sa", "se", "ses", "son",
    "sur", "un", "une",
))  # fmt: skip


def fold(text: str) -> str:
    """Lower case without accents: ``"Véhicules Électriques"`` -> ``"vehicules electriques"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A light French stem, the same for singular/plural and masculine/feminine forms.

    Plural ``-aux`` becomes ``-al`` (``végétaux`` -> ``vegetal``), ``-eaux`` becomes ``-eau``,
    a final plural ``s``/``x`` is dropped, then final ``e`` letters (``biosourcées`` and
    ``biosourcé`` meet). Applied identically to queries and documents, so over-stemming is harmless.
    """
    if len(word) <= 3:
        return word
    if word.endswith("eaux"):
        word = word[:-1]
    elif word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"
    elif word[-1] in "sx" and len(word) > 3:
        word = word[:-1]
    # Twice, so that the "-ée" of a feminine past participle meets the masculine "-é".
    for _ in range(2):
        if word.endswith("e") and len(word) > 4:
            word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Stemmed meaningful words of ``text``, in order (duplicates kept)."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]
