"""Synthetic company names, trades and contract objects, in French.

Names are made from common French surnames and trade words: plausible, but not copied from any
register. Each trade comes with the NAF code (rév. 2, SIRENE spelling "43.21A") and the purchase
family it usually serves.
"""

from __future__ import annotations

import random

SURNAMES = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
    "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT",
    "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER",
    "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT",
    "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON", "MARCHAND", "DUVAL",
    "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD",
    "GIRAUD", "JOLY", "RIVIERE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ",
    "GERARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON", "PICARD",
    "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE",
    "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME",
)  # fmt: skip

FIRST_NAMES = (
    "JEAN", "MARIE", "PIERRE", "NATHALIE", "MICHEL", "ISABELLE", "PHILIPPE", "SYLVIE", "ALAIN",
    "CATHERINE", "NICOLAS", "SOPHIE", "CHRISTOPHE", "SANDRINE", "LAURENT", "VALERIE", "DAVID",
    "CELINE", "STEPHANE", "AURELIE", "THOMAS", "JULIE", "JULIEN", "CAROLINE", "OLIVIER", "EMILIE",
)  # fmt: skip

PLACES = (
    "OUEST", "EST", "NORD", "SUD", "ATLANTIQUE", "ALPES", "PROVENCE", "BRETAGNE", "NORMANDIE",
    "AQUITAINE", "LORRAINE", "ALSACE", "AUVERGNE", "VAL DE LOIRE", "MEDITERRANEE", "PYRENEES",
    "JURA", "VOSGES", "CEVENNES", "OCEAN", "ARMOR", "GARONNE", "RHONE", "SEINE", "LOIRE",
)  # fmt: skip

FORMS = ("SARL", "SAS", "SA", "EURL", "SASU")
# Catégories juridiques INSEE of the forms above (SARL 5499, SAS 5710, SA 5599, EURL 5498, SASU 5720).
FORM_LEGAL_CATEGORY = {"SARL": "5499", "SAS": "5710", "SA": "5599", "EURL": "5498", "SASU": "5720"}

# (trade word, NAF rév. 2 code, family)
TRADES = (
    ("BATIMENT", "41.20A", "works"),
    ("TRAVAUX PUBLICS", "42.11Z", "works"),
    ("TERRASSEMENT", "43.12A", "works"),
    ("ELECTRICITE", "43.21A", "works"),
    ("PLOMBERIE CHAUFFAGE", "43.22A", "works"),
    ("MENUISERIE", "43.32A", "works"),
    ("PEINTURE", "43.34Z", "works"),
    ("COUVERTURE", "43.91B", "works"),
    ("MACONNERIE", "43.99C", "works"),
    ("RESEAUX", "42.22Z", "works"),
    ("FOURNITURES", "46.66Z", "supplies"),
    ("EQUIPEMENTS", "46.69B", "supplies"),
    ("MEDICAL", "46.46Z", "supplies"),
    ("ALIMENTAIRE", "46.39B", "supplies"),
    ("MOBILIER", "31.01Z", "supplies"),
    ("IMPRIMERIE", "18.12Z", "supplies"),
    ("AUTOMOBILES", "45.11Z", "supplies"),
    ("INFORMATIQUE", "46.51Z", "supplies"),
    ("CARBURANTS", "46.71Z", "supplies"),
    ("INGENIERIE", "71.12B", "services"),
    ("ARCHITECTURE", "71.11Z", "services"),
    ("NETTOYAGE", "81.21Z", "services"),
    ("SECURITE", "80.10Z", "services"),
    ("TRANSPORTS", "49.39A", "services"),
    ("RESTAURATION", "56.29A", "services"),
    ("CONSEIL", "70.22Z", "services"),
    ("ESPACES VERTS", "81.30Z", "services"),
    ("NUMERIQUE", "62.02A", "services"),
    ("ASSURANCES", "65.12Z", "services"),
    ("FORMATION", "85.59A", "services"),
    ("MAINTENANCE", "33.12Z", "services"),
)

# Qualifiers appended to the CPV label to make an "objet".
OBJECT_PLACES = (
    "de l'école élémentaire", "de la mairie", "du groupe scolaire", "de la médiathèque",
    "du gymnase", "des services techniques", "de la salle polyvalente", "du centre aquatique",
    "de la voirie communale", "des bâtiments communaux", "de l'hôtel de ville", "du collège",
    "du lycée", "de l'EHPAD", "du centre hospitalier", "des locaux administratifs",
    "du complexe sportif", "de la crèche", "du musée", "des espaces publics",
)  # fmt: skip


def company_name(rng: random.Random, trade: str) -> str:
    """A plausible company name for a firm of ``trade``."""
    pattern = rng.randrange(6)
    surname = SURNAMES[rng.randrange(len(SURNAMES))]
    if pattern == 0:
        return f"{surname} {trade}"
    if pattern == 1:
        return f"{trade} {PLACES[rng.randrange(len(PLACES))]}"
    if pattern == 2:
        return f"ETS {surname} ET FILS"
    if pattern == 3:
        other = SURNAMES[rng.randrange(len(SURNAMES))]
        return f"{surname}-{other}"
    if pattern == 4:
        letters = "".join(chr(65 + rng.randrange(26)) for _ in range(3 + rng.randrange(2)))
        return f"{letters} {trade}"
    return f"{trade} {surname}"


def person_name(rng: random.Random) -> tuple[str, str]:
    """(surname, first name) of an entrepreneur individuel."""
    return SURNAMES[rng.randrange(len(SURNAMES))], FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]


def contract_object(rng: random.Random, label: str, family: str, lot: int | None) -> str:
    """An "objet" built from the CPV label, as buyers write them."""
    place = OBJECT_PLACES[rng.randrange(len(OBJECT_PLACES))]
    if family == "works":
        text = f"Travaux {place} - {label}"
    elif family == "supplies":
        text = f"Fourniture et livraison : {label}"
    else:
        text = f"{label} pour les besoins {place}"
    if lot is not None:
        text = f"{text} - Lot n° {lot}"
    return text[:1000]
