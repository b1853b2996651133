"""The pool of suppliers: legal units (SIREN) and their establishments (SIRET) in real communes.

SMEs have one establishment (sometimes two); mid-caps and large companies have agencies across
the country, so a national group can win "locally" through its local establishment, as in SIRENE.
Only compact arrays are kept: names are drawn later, when the SIRENE files are written.
"""

from __future__ import annotations

import random
from array import array

from ancrage.generate import calibration as cal
from ancrage.generate.draw import Categorical, skewed_index
from ancrage.generate.geo import Communes
from ancrage.generate.identifiers import private_siren, siret
from ancrage.generate.names import TRADES

FAMILIES = ("works", "supplies", "services")
FAMILY_INDEX = {family: index for index, family in enumerate(FAMILIES)}
CATEGORIES = ("PME", "ETI", "GE")
SIAE_KIND_NAMES = tuple(kind for kind, _ in cal.SIAE_KINDS)

# Unit flags (bit field).
ESS = 1
SOLE_TRADER = 2
NON_DIFFUSIBLE = 4
ABSENT_FROM_SIRENE = 8
SIAE = 16

# Hypothesis: 70 % of establishments belong to SMEs; ETI have 2-12 establishments, GE 10-60.
SME_ESTABLISHMENT_SHARE = 0.70
# Units flagged ESS so that about ESS_AWARD_SHARE of awards go to ESS organisations (SMEs win
# ~62 % of awards), counting the inclusive structures, most of which are associations (~1 %).
ESS_UNIT_SHARE = (cal.ESS_AWARD_SHARE - 0.01) / 0.62
# Popularity skew: the first establishments of a bucket win more often (a few firms win a lot).
POPULARITY_SKEW = 1.6


class SupplierPool:
    """Establishments indexed by (département, family, large) for fast local draws."""

    def __init__(self, rng: random.Random, communes: Communes, size: int) -> None:
        self.communes = communes
        # Units
        self.unit_category = bytearray()  # index in CATEGORIES
        self.unit_trade = bytearray()  # index in TRADES (or SIAE kind for SIAE units)
        self.unit_flags = bytearray()
        self.unit_first_establishment = array("l")
        # Establishments
        self.establishment_unit = array("l")
        self.establishment_commune = array("l")
        self.establishment_number = array("l")  # NIC without its check digit
        self.sirets: list[str] = []
        self._local: dict[tuple[str, int, int], list[int]] = {}
        self._national: dict[tuple[int, int], list[int]] = {}
        self._siae_local: dict[str, list[int]] = {}
        self._siae_national: list[int] = []
        region_departements: dict[str, set[str]] = {}
        for departement, region in communes.departement_region.items():
            region_departements.setdefault(region, set()).add(departement)
        self._region_departements = {
            region: sorted(departements) for region, departements in region_departements.items()
        }
        self._places = Categorical(
            (index, population**0.9) for index, population in enumerate(communes.population)
        )
        self._build(rng, size)

    # --- construction ---------------------------------------------------------------------------

    def _build(self, rng: random.Random, size: int) -> None:
        trades_by_family = {
            family: [index for index, trade in enumerate(TRADES) if trade[2] == family]
            for family in FAMILIES
        }
        family_draw = Categorical(cal.FAMILY_SHARES.items())
        siae_kinds = Categorical((index, count) for index, (_, count) in enumerate(cal.SIAE_KINDS))
        siae_count = max(12, size // 80)
        while len(self.sirets) < size:
            family = family_draw.draw(rng)
            trade = trades_by_family[family][rng.randrange(len(trades_by_family[family]))]
            if rng.random() < SME_ESTABLISHMENT_SHARE:
                flags = 0
                if rng.random() < ESS_UNIT_SHARE:
                    flags |= ESS
                elif rng.random() < cal.SOLE_TRADER_SHARE:
                    flags |= SOLE_TRADER
                    if rng.random() < cal.NON_DIFFUSIBLE_SHARE:
                        flags |= NON_DIFFUSIBLE
                if rng.random() < cal.SIRENE_GAP_SHARE:
                    flags |= ABSENT_FROM_SIRENE
                establishments = 2 if rng.random() < 0.05 else 1
                self._add_unit(rng, 0, trade, flags, establishments, spread=False)
            elif rng.random() < 0.5:
                self._add_unit(rng, 1, trade, 0, 2 + rng.randrange(11), spread=True)
            else:
                self._add_unit(rng, 2, trade, 0, 10 + rng.randrange(51), spread=True)
        for _ in range(siae_count):
            kind = siae_kinds.draw(rng)
            flags = SIAE | (ESS if kind != SIAE_KIND_NAMES.index("EI") else 0)
            self._add_unit(rng, 0, kind, flags, 1, spread=False)

    def _add_unit(
        self, rng: random.Random, category: int, trade: int, flags: int, count: int, spread: bool
    ) -> None:
        unit = len(self.unit_category)
        self.unit_category.append(category)
        self.unit_trade.append(trade)
        self.unit_flags.append(flags)
        self.unit_first_establishment.append(len(self.sirets))
        siren = private_siren(unit)
        home = self._places.draw(rng)
        family = FAMILY_INDEX[TRADES[trade][2]] if not flags & SIAE else -1
        large = 1 if category else 0
        for number in range(1, count + 1):
            # SME second establishments stay in the same département as the first one.
            place = self._places.draw(rng) if (spread and number > 1) else home
            if not spread and number > 1:
                same = self.communes.by_departement[self.communes.departement[home]]
                place = same[rng.randrange(len(same))]
            establishment = len(self.sirets)
            self.establishment_unit.append(unit)
            self.establishment_commune.append(place)
            self.establishment_number.append(number)
            self.sirets.append(siret(siren, number))
            departement = self.communes.departement[place]
            if flags & SIAE:
                self._siae_local.setdefault(departement, []).append(establishment)
                self._siae_national.append(establishment)
            else:
                self._local.setdefault((departement, family, large), []).append(establishment)
                self._national.setdefault((family, large), []).append(establishment)

    # --- draws ----------------------------------------------------------------------------------

    def draw(
        self, rng: random.Random, family: str, departement: str, region: str, large: bool
    ) -> int:
        """An establishment for an award; local, regional or national per the calibration."""
        family_index = FAMILY_INDEX[family]
        group = 1 if large else 0
        same_departement, same_region = cal.LOCAL_SHARES[family]
        roll = rng.random()
        candidates: list[int] | None = None
        if roll < same_departement:
            # A local award: any local establishment of the family, of the other size if needed.
            candidates = self._local.get((departement, family_index, group)) or self._local.get(
                (departement, family_index, 1 - group)
            )
        elif roll < same_region:
            others = [d for d in self._region_departements.get(region, ()) if d != departement]
            if others:
                other = others[rng.randrange(len(others))]
                candidates = self._local.get((other, family_index, group))
        if not candidates:
            candidates = self._national.get((family_index, group)) or self._national.get(
                (family_index, 1 - group)
            )
        if not candidates:  # a tiny pool may lack a family: any establishment will do
            return rng.randrange(len(self.sirets))
        return candidates[skewed_index(rng, len(candidates), POPULARITY_SKEW)]

    def draw_inclusive(self, rng: random.Random, departement: str, region: str) -> int | None:
        """An inclusive structure (SIAE), preferably in the same département, then anywhere."""
        candidates = self._siae_local.get(departement)
        if not candidates or rng.random() < 0.3:
            candidates = self._siae_national
        if not candidates:
            return None
        return candidates[rng.randrange(len(candidates))]

    def unit_of(self, establishment: int) -> int:
        return self.establishment_unit[establishment]

    def is_sme(self, establishment: int) -> bool:
        return self.unit_category[self.establishment_unit[establishment]] == 0
