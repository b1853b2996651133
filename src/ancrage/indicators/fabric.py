"""Economic fabric: SMEs, social-economy and inclusive suppliers (from ``supplier_profiles``).

Supplier-level with the equal split (1/n contract, amount/n). A supplier whose category is unknown
(no SIRENE match, ``categorieEntreprise`` empty, foreign firm) leaves the denominator: an unknown
size is not "not an SME".
"""

from __future__ import annotations

from ancrage.indicators.base import Indicator, Share

SPLIT = (
    "Contrat à plusieurs titulaires : chacun des n titulaires actuels compte pour 1/n contrat et "
    "1/n du montant actuel HT ; un contrat n'est jamais compté deux fois."
)
CURRENT = "Titulaires pris en compte : les titulaires actuels (après la dernière modification)."
AMOUNT = "Contrats sans montant actuel connu (pour la variante en montant)."
EXAMPLE = (
    "Jeu « fabric » : c1 (100 000 €, S1 PME, non ESS, non inclusive ; un ancien titulaire S9 "
    "remplacé par modification est ignoré) ; c2 (60 000 €, deux titulaires à 0,5 : S2 PME, ESS, "
    "inclusive, et S3 grande entreprise) ; c3 (40 000 €, S4 : catégorie et ESS inconnues, non "
    "inclusive) ; c4 (200 000 €, titulaire hors UE sans profil) ; c5 (montant inconnu, S1)."
)


def _fabric(
    id: str,
    label: str,
    column: str,
    what: str,
    by_amount: bool,
    example: str,
    fields: tuple[str, ...],
    source: str,
    why: str,
    matches: str | None = None,
) -> Share:
    unit_words = "Montant actuel HT / n" if by_amount else "Parts de contrat (1/n)"
    return Share(
        id=id,
        label=label,
        theme="fabric",
        level="supplier",
        definition=(
            f"Part {'du montant actuel HT' if by_amount else 'des contrats (parts 1/n)'} de la "
            f"période attribuée à {what}, parmi les titulaires dont la qualité est connue."
        ),
        numerator=f"{unit_words} des titulaires qui sont {what}",
        denominator=f"{unit_words} des titulaires dont la qualité est connue",
        fields=(
            "titulaires.id",
            *fields,
            *(("montant", "modifications.montant") if by_amount else ()),
        ),
        unit="%",
        why=why,
        exclusions=(
            "Titulaires dont la qualité est inconnue (absents de SIRENE, champ vide, étrangers).",
            "Contrats sans titulaire actuel.",
            *((AMOUNT,) if by_amount else ()),
        ),
        assumptions=(
            SPLIT,
            CURRENT,
            "La qualité est celle du référentiel à la date de l'import, "
            "supposée valable à la date d'attribution.",
        ),
        caveats=("La part dépend de la couverture SIRENE : regardez le dénominateur.",),
        example=f"{EXAMPLE} {example}",
        source=source,
        unavailable_reason=(
            "Aucun titulaire de qualité connue sur la période (ou données SIRENE / structures "
            "inclusives non importées) : indicateur non disponible."
        ),
        higher_is_better=True,
        flag=(lambda t: t[column] == matches) if matches else (lambda t: t[column]),
        eligible=lambda t: t[column].notnull(),
        by_amount=by_amount,
    )


SME_FIELDS = ("SIRENE categorieEntreprise",)
SME_SOURCE = "Recensement OECP (part des PME en nombre et en montant) ; SIRENE categorieEntreprise."
SME_WHY = (
    "L'accès des PME à la commande publique est un objectif constant (allotissement, avances) ; la "
    "part des PME permet de vérifier que les procédures ne les écartent pas."
)
ESS_FIELDS = ("SIRENE economieSocialeSolidaireUniteLegale",)
ESS_SOURCE = "SPASER (L. 2111-3) ; SIRENE economieSocialeSolidaireUniteLegale."
ESS_WHY = "Suivi des achats auprès de l'économie sociale et solidaire, objectif courant des SPASER."
INC_FIELDS = ("SIRET du titulaire rapproché de la liste des SIAE, EA et ESAT",)
INC_SOURCE = (
    "Indicateur officiel « Part des marchés publics (en montant) attribués à des fournisseurs "
    "inclusifs » ; Marché de l'inclusion (part d'achat inclusif)."
)
INC_WHY = (
    "Mesure le recours aux structures d'insertion et du handicap (SIAE, EA, ESAT), objectif "
    "explicite des SPASER et de l'indicateur national."
)

INDICATORS: list[Indicator] = [
    _fabric(
        "sme_share",
        "Part des contrats attribués à des PME (en nombre)",
        "size",
        "des PME",
        False,
        "Dénominateur : c1 1 + c2 0,5 + 0,5 + c5 1 = 3 (S4 et le titulaire hors UE sont "
        "inconnus) ; numérateur : c1 1 + c2 0,5 (S2) + c5 1 = 2,5 ; valeur 83,33 %.",
        SME_FIELDS,
        SME_SOURCE,
        SME_WHY,
        matches="sme",
    ),
    _fabric(
        "sme_share_amount",
        "Part du montant attribué à des PME",
        "size",
        "des PME",
        True,
        "Dénominateur : 100 000 + 30 000 + 30 000 = 160 000 € (c5 sans montant) ; numérateur : "
        "100 000 + 30 000 = 130 000 € ; valeur 81,25 %.",
        SME_FIELDS,
        SME_SOURCE,
        SME_WHY,
        matches="sme",
    ),
    _fabric(
        "social_economy_share",
        "Part des contrats attribués à des entreprises de l'ESS (en nombre)",
        "social_economy",
        "des entreprises de l'économie sociale et solidaire",
        False,
        "Dénominateur : c1 1 + c2 1 + c5 1 = 3 ; numérateur : S2 0,5 ; valeur 16,67 %.",
        ESS_FIELDS,
        ESS_SOURCE,
        ESS_WHY,
    ),
    _fabric(
        "social_economy_share_amount",
        "Part du montant attribué à des entreprises de l'ESS",
        "social_economy",
        "des entreprises de l'économie sociale et solidaire",
        True,
        "Dénominateur : 100 000 + 60 000 = 160 000 € ; numérateur : 30 000 € ; valeur 18,75 %.",
        ESS_FIELDS,
        ESS_SOURCE,
        ESS_WHY,
    ),
    _fabric(
        "inclusive_supplier_share",
        "Part des contrats attribués à des fournisseurs inclusifs (en nombre)",
        "inclusive",
        "des fournisseurs inclusifs (SIAE, EA, ESAT)",
        False,
        "Dénominateur : c1 1 + c2 1 + c3 1 + c5 1 = 4 ; numérateur : S2 0,5 ; valeur 12,5 %.",
        INC_FIELDS,
        INC_SOURCE,
        INC_WHY,
    ),
    _fabric(
        "inclusive_supplier_share_amount",
        "Part du montant attribué à des fournisseurs inclusifs (définition officielle)",
        "inclusive",
        "des fournisseurs inclusifs (SIAE, EA, ESAT)",
        True,
        "Dénominateur : 100 000 + 60 000 + 40 000 = 200 000 € ; numérateur : 30 000 € ; valeur "
        "15 %.",
        INC_FIELDS,
        INC_SOURCE,
        INC_WHY,
    ),
]
