"""Official DECP enumeration labels, and the variants seen in real files that map onto them.

Matching is done on a folded form (lower case, no accents, plain apostrophes), so ``MARCHE``,
``marché`` and ``Marché`` are one value. A value that matches nothing is kept as given and
reported (rule ``enum_unknown``); a legacy label is mapped and reported (``procedure_legacy_label``).
"""

from __future__ import annotations

from ancrage.ingest.values import fold


def _table(*labels: str) -> dict[str, str]:
    # Keyed by the folded form and by the exact label, so that clean values skip folding.
    return {fold(label): label for label in labels} | {label: label for label in labels}


PROCEDURES = _table(
    "Procédure adaptée",
    "Appel d'offres ouvert",
    "Appel d'offres restreint",
    "Procédure avec négociation",
    "Marché passé sans publicité ni mise en concurrence préalable",
    "Dialogue compétitif",
    # Concessions (2022 format)
    "Procédure négociée ouverte",
    "Procédure non négociée ouverte",
    "Procédure négociée restreinte",
    "Procédure non négociée restreinte",
)
# Schema 1.4 labels still found in recent files (decp-format.md §4 and §6.8).
LEGACY_PROCEDURES = {
    fold("Procédure concurrentielle avec négociation"): "Procédure avec négociation",
    fold("Procédure négociée avec mise en concurrence préalable"): "Procédure avec négociation",
    fold("Marché négocié sans publicité ni mise en concurrence préalable"): (
        "Marché passé sans publicité ni mise en concurrence préalable"
    ),
    fold("Appel d offres ouvert"): "Appel d'offres ouvert",
    fold("Appel d offres restreint"): "Appel d'offres restreint",
}

NATURES = _table(
    "Marché",
    "Marché de partenariat",
    "Marché de défense ou de sécurité",
    # 2019 format
    "Accord-cadre",
    "Marché subséquent",
    # Concessions
    "Concession de travaux",
    "Concession de service",
    "Concession de service public",
    "Délégation de service public",
)

PLACE_CODE_TYPES = _table(
    "Code postal",
    "Code commune",
    "Code arrondissement",
    "Code canton",
    "Code département",
    "Code région",
    "Code pays",
)

SUPPLIER_ID_TYPES = {
    "siret": "SIRET",
    "tva": "TVA",
    "tahiti": "TAHITI",
    "ridet": "RIDET",
    "frwf": "FRWF",
    "irep": "IREP",
    "hors-ue": "HORS-UE",
    "ue": "UE",  # 2019 format only
}
SUPPLIER_ID_VARIANTS = {
    "tva_intracommunautaire": "TVA",
    "tva intracommunautaire": "TVA",
    "hors_ue": "HORS-UE",
    "hors ue": "HORS-UE",
    "frw": "FRWF",
}

SOCIAL = _table(
    "Clause sociale",
    "Critère social",
    "Marché réservé",
    "Concession réservée",
    "Pas de considération sociale",
)
ENVIRONMENTAL = _table(
    "Clause environnementale",
    "Critère environnemental",
    "Pas de considération environnementale",
)
NO_SOCIAL = "Pas de considération sociale"
NO_ENVIRONMENTAL = "Pas de considération environnementale"
RESERVED = frozenset({"Marché réservé", "Concession réservée"})

TECHNIQUES = _table(
    "Accord-cadre",
    "Concours",
    "Système de qualification",
    "Système d'acquisition dynamique",
    "Catalogue électronique",
    "Enchère électronique",
    "Sans objet",
)
EXECUTION_MODALITIES = _table("Tranches", "Bons de commande", "Marchés subséquents", "Sans objet")
PRICE_TYPES = _table(
    "Définitif ferme", "Définitif actualisable", "Définitif révisable", "Provisoire"
)
CCAG = _table(
    "Travaux",
    "Maitrise d'œuvre",
    "Fournitures courantes et services",
    "Marchés industriels",
    "Prestations intellectuelles",
    "Techniques de l'information et de la communication",
    "Pas de CCAG",
)
GROUPING_TYPES = _table("Conjoint", "Solidaire", "Pas de groupement")
PRICE_FORMS = _table(
    "Unitaire", "Forfaitaire", "Mixte", "Ferme", "Ferme et actualisable", "Révisable"
)


def match(value: str | None, table: dict[str, str]) -> tuple[str | None, bool]:
    """The official label for ``value`` and whether it was recognised."""
    if value is None:
        return None, True
    label = table.get(value) or table.get(fold(value))
    return (label, True) if label else (value, False)


def procedure(value: str | None) -> tuple[str | None, str | None]:
    """Normalised procedure label and the problem, if any (legacy label or unknown)."""
    if value is None:
        return None, None
    if value in PROCEDURES:
        return PROCEDURES[value], None
    folded = fold(value)
    if folded in PROCEDURES:
        return PROCEDURES[folded], None
    if folded in LEGACY_PROCEDURES:
        return LEGACY_PROCEDURES[folded], "legacy_label"
    return value, "unknown"


def supplier_id_type(value: str | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    folded = fold(value)
    if folded in SUPPLIER_ID_TYPES:
        label = SUPPLIER_ID_TYPES[folded]
        return label, None if value.strip() == label else "variant"
    if folded in SUPPLIER_ID_VARIANTS:
        return SUPPLIER_ID_VARIANTS[folded], "variant"
    return value.strip(), "unknown"
