"""French text normalisation and keyword tests shared by the rules and the localism detector."""

from __future__ import annotations

import re
import unicodedata

# Elided articles and conjunctions: "l'entreprise" → "entreprise", "qu'il" → "il".
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'")
_NON_WORD = re.compile(r"[^a-z0-9%]+")


def normalize(text: str) -> str:
    """Lower case, no accents, no elisions, words separated by single spaces."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = text.replace("’", "'").replace("ʼ", "'").replace("`", "'").lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ELISION.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def contains_any(text: str, patterns: tuple[str, ...]) -> bool:
    """True when one of the regex ``patterns`` (on normalised words) occurs in ``text``."""
    norm = f" {normalize(text)} "
    return any(re.search(rf"\b{p}", norm) for p in patterns)


# Words showing an environmental consideration (CR-03, CR-06, DECP preview).
ENVIRONMENTAL_WORDS = (
    "environnement",
    "ecolog",
    "ecolabel",
    "eco ?conception",
    "carbone",
    "co2",
    "gaz a effet de serre",
    "ges\\b",
    "emission",
    "energ",
    "recycl",
    "reemploi",
    "reutilis",
    "reconditionn",
    "biodegrad",
    "biosourc",
    "bio\\b",
    "biologique",
    "dechet",
    "durable",
    "cycle de vie",
    "externalit",
    "biodiversite",
    "pollu",
    "eau\\b",
    "bruit",
    "faibles emissions",
    "electrique",
    "label",
    "saison",
    "gaspillage",
    "plastique",
    "compost",
    "produits phytosanitaires",
    "re2020",
    "rgesn",
)
# Words showing a social or employment consideration.
SOCIAL_WORDS = (
    "insertion",
    "eloigne(e|es|s)? de emploi",
    "handicap",
    "accessib",
    "rgaa",
    "apprenti",
    "commerce equitable",
    "equitable",
    "conditions de travail",
    "egalite",
    "discrimination",
    "personnes defavorisees",
    "heures (de travail )?reservees",
    "esat",
    "siae",
    "entreprise adaptee",
    "droits humains",
    "oit\\b",
    "sante et securite",
    "emploi",
    "social",
)


def is_environmental(text: str) -> bool:
    return contains_any(text, ENVIRONMENTAL_WORDS)


def is_social(text: str) -> bool:
    return contains_any(text, SOCIAL_WORDS)
