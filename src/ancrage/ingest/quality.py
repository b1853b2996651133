"""Data-quality rules recorded at import (table ``quality_issues``).

A rule never changes a value: the record is loaded as published and the issue says what looks
wrong. Rules follow the checks of decp-format.md §6 and the MINEF / decp-qualite frameworks.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

# rule id -> French explanation shown to users (checklist of a buyer's publications).
RULES: dict[str, str] = {
    "placeholder_value": "Valeur de remplissage (« NC », « N/A »…) au lieu d'une donnée.",
    "minef_marker": "Valeur marquée INX, MQ ou CDL par le ministère (inexploitable, manquante…).",
    "not_numeric": "Nombre illisible.",
    "not_integer": "Nombre entier attendu.",
    "number_as_text": "Nombre publié sous forme de texte.",
    "not_boolean": "Booléen illisible (oui/non attendu).",
    "not_a_date": "Date illisible.",
    "date_nonstandard_format": "Date dans un format non standard (AAAA-MM-JJ attendu).",
    "date_implausible": "Date invraisemblable (année avant 2000 ou coquille).",
    "date_in_future": "Date postérieure au jour de l'import.",
    "notification_date_missing": "Date de notification absente.",
    "publication_before_notification": "Données publiées avant la notification du marché.",
    "buyer_siret_malformed": "SIRET de l'acheteur mal formé (14 chiffres attendus).",
    "buyer_siret_checksum": "SIRET de l'acheteur dont la clé de contrôle est fausse.",
    "contract_id_nonstandard": 'Identifiant du marché hors format (16 caractères, sans espace ni , ; & " < \\).',
    "amount_missing": "Montant absent.",
    "amount_implausible_low": "Montant invraisemblablement bas (moins de 200 € HT).",
    "amount_implausible_high": "Montant invraisemblablement élevé (plus d'un milliard d'euros HT).",
    "amount_sentinel": "Montant de remplissage (chiffres répétés, 123456789…, 12 311 111 111).",
    "amount_duration_incoherent": "Montant et durée incohérents (durée saisie en jours ? montant en centimes ?).",
    "duration_missing": "Durée absente.",
    "duration_implausible": "Durée invraisemblable (nulle, négative ou plus de 180 mois).",
    "cpv_missing": "Code CPV absent.",
    "cpv_malformed": "Code CPV invalide.",
    "cpv_leading_zero_lost": "Code CPV dont le zéro initial a été perdu (corrigé à la lecture).",
    "procedure_missing": "Procédure absente.",
    "procedure_legacy_label": "Libellé de procédure de l'ancien format (1.4), converti.",
    "enum_unknown": "Valeur hors nomenclature officielle.",
    "awardees_missing": "Aucun titulaire publié.",
    "supplier_id_missing": "Titulaire sans identifiant.",
    "supplier_siret_malformed": "SIRET du titulaire mal formé.",
    "supplier_id_type_variant": "Type d'identifiant du titulaire mal orthographié (corrigé).",
    "supplier_id_type_unknown": "Type d'identifiant du titulaire inconnu.",
    "supplier_id_type_missing": "Type d'identifiant du titulaire absent.",
    "supplier_is_buyer": "Le titulaire est l'acheteur lui-même.",
    "social_no_consideration_combined": "« Pas de considération sociale » combiné à une autre valeur.",
    "environmental_no_consideration_combined": "« Pas de considération environnementale » combiné à une autre valeur.",
    "reserved_not_alone": "« Marché réservé » devrait être coché seul (fiche DAJ).",
    "offers_received_zero": "Nombre d'offres reçues nul (au moins 1 attendu).",
    "origin_share_out_of_range": "Part d'origine hors de l'intervalle 0–1.",
    "origin_france_above_eu": "Part d'origine France supérieure à la part d'origine UE.",
    "schema_type_field": "Champ « _type » présent, interdit depuis le schéma 2.0.3.",
    "modification_without_data": "Modification publiée sans aucune donnée modifiée.",
    "duplicate_uid_distinct_lots": "Même identifiant réutilisé pour plusieurs marchés de l'acheteur.",
}

_ID_OK = re.compile(r"^[A-Za-z0-9/\-_ .#]{1,16}$")
_REPEATED = re.compile(r"^(\d)\1{7,}$")


@lru_cache(maxsize=1 << 18)
def check_siret(value: str) -> str | None:
    """``malformed``, ``checksum`` or None for a valid SIRET (Luhn; La Poste's own rule).

    Cached: buyers and frequent suppliers come back on many records.
    """
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        return "malformed"
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        # La Poste's establishments do not follow Luhn: the digit sum is a multiple of 5.
        return None if sum(map(int, value)) % 5 == 0 else "checksum"
    return None if _luhn(value) and _luhn(value[:9]) else "checksum"


LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def contract_id_ok(value: str) -> bool:
    return bool(_ID_OK.match(value)) and value.strip("0") != ""


# What decp-processing writes in place of an amount of more than 11 integer digits
# (decp-format.md §6): a sentinel, never a real amount. One definition for the three paths
# (here, sql_rows, _marches.c through compiled.py).
SENTINEL_AMOUNT = 12_311_111_111
SENTINEL_DIGITS = str(SENTINEL_AMOUNT)


def amount_rules(amount: float) -> list[str]:
    rules = []
    digits = f"{amount:.0f}"
    if (
        amount >= 1e8 and (_REPEATED.match(digits) or digits.startswith("123456789"))
    ) or digits == SENTINEL_DIGITS:
        rules.append("amount_sentinel")
    if amount < 200:
        rules.append("amount_implausible_low")
    elif amount > 1e9:
        rules.append("amount_implausible_high")
    return rules


def amount_duration_incoherent(amount: float, months: float) -> bool:
    """decp-qualite coherence rules between amount and duration."""
    if months <= 0:
        return False
    ratio = amount / months
    return (
        ratio < 100
        or (ratio < 1000 and amount < 200_000)
        or (months in (360, 365, 366) and amount < 10_000_000)
        or (months > 120 and amount < 2_000_000)
    )


def date_rules(value: date, today: date) -> str | None:
    if value.year < 2000:
        return "date_implausible"
    if value > today:
        return "date_in_future" if value.year <= today.year + 1 else "date_implausible"
    return None
