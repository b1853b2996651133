"""Realistic defects of real DECP files (decp-format.md §6), injected in a small share of marchés.

Each function changes one record in place, the way real producers get it wrong. Exact duplicates
and republished revisions are extra records, produced by the writer (see ``core``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from ancrage.generate import calibration as cal
from ancrage.generate.draw import Categorical

Record = dict[str, Any]

OLD_PROCEDURE_LABELS = (
    "Marché négocié sans publicité ni mise en concurrence préalable",
    "Procédure concurrentielle avec négociation",
    "Procédure négociée avec mise en concurrence préalable",
)


def _amount_as_string(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["montant"] = str(record["montant"])


def _duration_as_string(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["dureeMois"] = str(record["dureeMois"])


def _nc_value(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    field = ("dureeMois", "offresRecues", "marcheInnovant", "attributionAvance")[rng.randrange(4)]
    record[field] = "NC"


def _cpv_lost_zero(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    code = record["codeCPV"]
    if not code.startswith("0"):
        # Only divisions 03 and 09 start with 0: move the record there, as the defect needs it.
        code = leading_zero[rng.randrange(len(leading_zero))]
    record["codeCPV"] = code[1:]


def _date_with_timezone(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    month = int(record["dateNotification"][5:7])
    record["dateNotification"] += "+02:00" if 4 <= month <= 10 else "+01:00"


def _type_field(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    # Real producers put "_type" right after "id" (Mégalis 2024 file).
    items = list(record.items())
    record.clear()
    record[items[0][0]] = items[0][1]
    record["_type"] = "Marché"
    record.update(items[1:])


def _enum_variant(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    variant = rng.randrange(4)
    if variant == 0:
        record["nature"] = ("MARCHE", "marché")[rng.randrange(2)]
    elif variant == 1:
        record["procedure"] = record["procedure"].upper()
    elif variant == 2:
        procedure = record["procedure"]
        record["procedure"] = (
            procedure.replace("d'offres", "d offres")
            if "d'offres" in procedure
            else procedure.lower()
        )
    else:
        place = record["lieuExecution"]
        code_type = place["typeCode"]
        place["typeCode"] = code_type.upper() if rng.random() < 0.5 else code_type.title()


def _old_procedure_label(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["procedure"] = OLD_PROCEDURE_LABELS[rng.randrange(len(OLD_PROCEDURE_LABELS))]


def _empty_awardees(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["titulaires"] = []


def _no_consideration_combined(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["considerationsSociales"] = {
        "considerationSociale": ["Pas de considération sociale", "Clause sociale"]
    }


def _amount_one_euro(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["montant"] = 1


def _amount_huge(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    record["montant"] = 1e11


def _publication_before_notification(
    rng: random.Random, record: Record, leading_zero: list[str]
) -> None:
    notified = date.fromisoformat(record["dateNotification"])
    record["datePublicationDonnees"] = (notified - timedelta(1 + rng.randrange(60))).isoformat()


def _missing_buyer(rng: random.Random, record: Record, leading_zero: list[str]) -> None:
    variant = rng.randrange(3)
    if variant == 0:
        record["acheteur"] = {"id": ""}
    elif variant == 1:
        record["acheteur"] = {}
    else:
        record["acheteur"] = {"id": "NC"}


INJECTORS: dict[str, Callable[[random.Random, Record, list[str]], None]] = {
    "amount_as_string": _amount_as_string,
    "duration_as_string": _duration_as_string,
    "nc_value": _nc_value,
    "cpv_lost_zero": _cpv_lost_zero,
    "date_with_timezone": _date_with_timezone,
    "type_field": _type_field,
    "enum_variant": _enum_variant,
    "old_procedure_label": _old_procedure_label,
    "empty_awardees": _empty_awardees,
    "no_consideration_combined": _no_consideration_combined,
    "amount_one_euro": _amount_one_euro,
    "amount_huge": _amount_huge,
    "publication_before_notification": _publication_before_notification,
    "missing_buyer": _missing_buyer,
}
EXTRA_RECORDS = ("exact_duplicate", "republished_revision")


class DefectPlan:
    """Decides, record by record, which defect (if any) to inject."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        pairs = list(cal.DEFECT_SHARES.items())
        self.total_share = sum(share for _, share in pairs) if enabled else 0.0
        self._kinds = Categorical(pairs)
        self.counts: dict[str, int] = dict.fromkeys(cal.DEFECT_SHARES, 0)

    def draw(self, rng: random.Random) -> str | None:
        """The defect of the next marché, or None (most of the time)."""
        if not self.enabled or rng.random() >= self.total_share:
            return None
        return self._kinds.draw(rng)

    def inject(
        self, rng: random.Random, kind: str, record: Record, leading_zero: list[str]
    ) -> None:
        INJECTORS[kind](rng, record, leading_zero)
        self.counts[kind] += 1
