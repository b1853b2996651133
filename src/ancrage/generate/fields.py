"""Value tables for the DECP 2022 fields, drawn per family (official labels of schema 2.0.3)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ancrage.generate import calibration as cal
from ancrage.generate.draw import Categorical
from ancrage.generate.geo import CpvCodes


class CpvChooser:
    """Draws a CPV code per family: the measured frequent codes, else any code of a division."""

    def __init__(self, cpv: CpvCodes) -> None:
        self.cpv = cpv
        self._top = {
            family: Categorical((code, n) for code, n in codes if code in cpv.label)
            for family, codes in cal.CPV_TOP.items()
        }
        self._divisions = {
            family: Categorical(
                (division, n) for division, n in divisions if cpv.by_division.get(division)
            )
            for family, divisions in cal.CPV_DIVISIONS.items()
        }
        # Codes that start with 0, for the "lost leading zero" defect.
        self.leading_zero = [code for code in cpv.label if code.startswith("0")]

    def draw(self, rng: random.Random, family: str) -> str:
        if rng.random() < cal.CPV_TOP_SHARE[family]:
            return self._top[family].draw(rng)
        codes = self.cpv.by_division[self._divisions[family].draw(rng)]
        return codes[rng.randrange(len(codes))]


_ORIGIN_CACHE: dict[str, bool] = {}


def needs_origin(code: str) -> bool:
    """True when the CPV code falls in a range where origineUE / origineFrance apply."""
    known = _ORIGIN_CACHE.get(code)
    if known is None:
        known = any(low <= code <= high for low, high in cal.ORIGIN_CPV_RANGES)
        _ORIGIN_CACHE[code] = known
    return known


class Calendar:
    """Notification days weighted by month, and ISO strings precomputed for speed."""

    MARGIN_DAYS = 900  # publication, modification and execution dates after the last notification

    def __init__(self) -> None:
        self.start = cal.NOTIFICATION_START
        span = (cal.NOTIFICATION_END - self.start).days + 1
        self._days = Categorical(
            (offset, cal.MONTH_WEIGHTS.get((self.start + timedelta(offset)).month, 1.0))
            for offset in range(span)
        )
        self._iso = [
            (self.start + timedelta(offset)).isoformat()
            for offset in range(-400, span + self.MARGIN_DAYS)
        ]
        self.last = (cal.EXTRACTION_DATE - self.start).days
        starts = [(start - self.start).days for start, _, _ in cal.CONSIDERATION_SHARES]
        self._shares: list[tuple[float, float]] = []
        for offset in range(span):
            period = max(index for index, start in enumerate(starts) if offset >= start)
            _, social, environmental = cal.CONSIDERATION_SHARES[period]
            self._shares.append((social, environmental))

    def notification(self, rng: random.Random) -> int:
        """A notification day, as an offset from 2024-01-01."""
        return self._days.draw(rng)

    def iso(self, offset: int) -> str:
        return self._iso[offset + 400]

    def year(self, offset: int) -> int:
        return int(self._iso[offset + 400][:4])

    def day(self, offset: int) -> date:
        return self.start + timedelta(offset)

    def consideration_shares(self, offset: int) -> tuple[float, float]:
        """(social share, environmental share) in force on that notification day."""
        return self._shares[offset]


CCAG = {
    "works": Categorical((("Travaux", 0.9), ("Maitrise d'œuvre", 0.02), ("Pas de CCAG", 0.08))),
    "supplies_it": Categorical(
        (
            ("Techniques de l'information et de la communication", 0.5),
            ("Fournitures courantes et services", 0.3),
            ("Pas de CCAG", 0.2),
        )
    ),
    "supplies_industrial": Categorical(
        (
            ("Marchés industriels", 0.3),
            ("Fournitures courantes et services", 0.5),
            ("Pas de CCAG", 0.2),
        )
    ),
    "supplies": Categorical((("Fournitures courantes et services", 0.8), ("Pas de CCAG", 0.2))),
    "services_design": Categorical(
        (
            ("Maitrise d'œuvre", 0.5),
            ("Prestations intellectuelles", 0.35),
            ("Pas de CCAG", 0.15),
        )
    ),
    "services_it": Categorical(
        (
            ("Techniques de l'information et de la communication", 0.6),
            ("Prestations intellectuelles", 0.2),
            ("Pas de CCAG", 0.2),
        )
    ),
    "services_intellectual": Categorical(
        (
            ("Prestations intellectuelles", 0.6),
            ("Fournitures courantes et services", 0.2),
            ("Pas de CCAG", 0.2),
        )
    ),
    "services": Categorical((("Fournitures courantes et services", 0.75), ("Pas de CCAG", 0.25))),
}


def ccag_table(family: str, cpv: str) -> Categorical[str]:
    division = cpv[:2]
    if family == "works":
        return CCAG["works"]
    if family == "supplies":
        if division in ("30", "32", "48"):
            return CCAG["supplies_it"]
        if division in ("34", "42", "43"):
            return CCAG["supplies_industrial"]
        return CCAG["supplies"]
    if division == "71":
        return CCAG["services_design"]
    if division == "72":
        return CCAG["services_it"]
    if division in ("64", "66", "73", "79", "85"):
        return CCAG["services_intellectual"]
    return CCAG["services"]


PRICE_FORM = {
    "framework": Categorical((("Unitaire", 0.85), ("Mixte", 0.1), ("Forfaitaire", 0.05))),
    "works": Categorical((("Forfaitaire", 0.7), ("Unitaire", 0.1), ("Mixte", 0.2))),
    "other": Categorical((("Forfaitaire", 0.55), ("Unitaire", 0.3), ("Mixte", 0.15))),
}
PRICE_TYPE = Categorical(
    (
        ("Définitif révisable", 0.55),
        ("Définitif ferme", 0.25),
        ("Définitif actualisable", 0.18),
        ("Provisoire", 0.02),
    )
)
FRAMEWORK_MODALITY = Categorical((("Bons de commande", 0.7), ("Marchés subséquents", 0.3)))
OTHER_TECHNIQUES = Categorical(
    (
        ("Sans objet", 0.985),
        ("Concours", 0.005),
        ("Système d'acquisition dynamique", 0.005),
        ("Catalogue électronique", 0.004),
        ("Enchère électronique", 0.001),
    )
)
ADVANCE_RATE = Categorical(((0.05, 0.5), (0.1, 0.2), (0.2, 0.1), (0.3, 0.05), (0, 0.15)))
SUBCONTRACT_PRICE = Categorical((("Révisable", 0.5), ("Ferme", 0.3), ("Actualisable", 0.2)))
CONCESSION_NATURE = Categorical(
    (
        ("Délégation de service public", 0.45),
        ("Concession de service public", 0.2),
        ("Concession de service", 0.25),
        ("Concession de travaux", 0.1),
    )
)
CONCESSION_PROCEDURE = Categorical(
    (
        ("Procédure négociée ouverte", 0.7),
        ("Procédure non négociée ouverte", 0.15),
        ("Procédure négociée restreinte", 0.1),
        ("Procédure non négociée restreinte", 0.05),
    )
)
CONCESSION_OBJECTS = (
    "Exploitation du service public de l'eau potable",
    "Exploitation du service public de l'assainissement collectif",
    "Gestion du camping municipal",
    "Restauration scolaire et périscolaire",
    "Exploitation du stationnement payant sur voirie",
    "Gestion de la fourrière automobile",
    "Exploitation du crématorium",
    "Gestion des marchés forains",
    "Exploitation du cinéma municipal",
    "Exploitation du centre aquatique",
    "Exploitation du réseau de chaleur urbain",
    "Exploitation du réseau de transports urbains",
    "Gestion de la crèche multi-accueil",
    "Exploitation du port de plaisance",
)
