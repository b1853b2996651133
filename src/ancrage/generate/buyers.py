"""The pool of public buyers: real communes and EPCI (real SIREN), départements, régions,
hospitals, State services and other public bodies (synthetic valid SIREN), of several sizes.

The number of contracts per buyer is heavy-tailed: communes weigh population ** 0.7, the other
buyers follow a Zipf law on a random rank.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ancrage.generate import calibration as cal
from ancrage.generate.draw import Categorical, weighted_sample_without_replacement
from ancrage.generate.geo import Communes, Names
from ancrage.generate.identifiers import public_siren, siret

# Share of each kind in the buyer pool (hypothesis: most publishing buyers are communes).
POOL_SHARES = {
    "commune": 0.60,
    "epci": 0.10,
    "departement": 0.03,
    "region": 0.007,
    "hospital": 0.06,
    "state": 0.09,
    "public_establishment": 0.113,
}
# (SIREN prefix, catégorie juridique INSEE, NAF) of the synthetic public bodies.
PUBLIC_BODIES = {
    "departement": ("22", "7220", "84.11Z"),
    "region": ("23", "7230", "84.11Z"),
    "hospital": ("26", "7364", "86.10Z"),
    "state": ("13", "7172", "84.11Z"),
}
ESTABLISHMENT_KINDS = (
    # (SIREN prefix, catégorie juridique, NAF, name prefix)
    ("25", "7353", "84.11Z", "SIVU"),
    ("25", "7354", "84.11Z", "SYNDICAT MIXTE"),
    ("27", "7371", "68.20A", "OFFICE PUBLIC DE L'HABITAT"),
    ("19", "7331", "85.31Z", "COLLEGE"),
)
EPCI_LEGAL_CATEGORY = {"CC": "7346", "CA": "7348", "CU": "7343", "METRO": "7344", "MET69": "7344"}
ID_STYLES = 6  # see contracts.contract_id


@dataclass(slots=True)
class Buyer:
    siret: str
    kind: str
    commune: int  # index in Communes
    name: str
    legal_category: str
    naf: str
    headcount: str  # trancheEffectifs code
    id_style: int
    state: bool


def _headcount(population: int) -> str:
    if population < 1_000:
        return "11"
    if population < 5_000:
        return "21"
    if population < 20_000:
        return "32"
    if population < 100_000:
        return "42"
    return "52"


def company_category(headcount: str) -> str:
    """INSEE categorieEntreprise of a public body, from its headcount band."""
    return {"42": "ETI", "52": "GE"}.get(headcount, "PME")


class BuyerPool:
    """Buyers grouped by kind, each kind with its heavy-tailed contract weights."""

    def __init__(self, rng: random.Random, communes: Communes, names: Names, size: int) -> None:
        self.communes = communes
        self.buyers: list[Buyer] = []
        self._by_kind: dict[str, Categorical[int]] = {}
        counts = {kind: max(1, round(size * share)) for kind, share in POOL_SHARES.items()}
        self._add_communes(rng, counts["commune"])
        self._add_epci(rng, names, counts["epci"])
        self._add_territories(rng, names, "departement", counts["departement"])
        self._add_territories(rng, names, "region", counts["region"])
        for kind in ("hospital", "state", "public_establishment"):
            self._add_bodies(rng, kind, counts[kind])
        self._kinds = Categorical(
            (kind, share)
            for kind, share in cal.BUYER_KIND_CONTRACT_SHARES.items()
            if kind in self._by_kind
        )

    def draw(self, rng: random.Random) -> Buyer:
        """A buyer for the next contract."""
        return self.buyers[self._by_kind[self._kinds.draw(rng)].draw(rng)]

    def draw_kind(self, rng: random.Random, kinds: tuple[str, ...]) -> Buyer:
        """A buyer of one of ``kinds`` (concession authorities are local authorities)."""
        available = [kind for kind in kinds if kind in self._by_kind]
        kind = available[rng.randrange(len(available))]
        return self.buyers[self._by_kind[kind].draw(rng)]

    # --- construction ---------------------------------------------------------------------------

    def _register(self, kind: str, buyers: list[Buyer], weights: list[float]) -> None:
        start = len(self.buyers)
        self.buyers.extend(buyers)
        if buyers:
            self._by_kind[kind] = Categorical(
                (start + offset, weight) for offset, weight in enumerate(weights)
            )

    def _add_communes(self, rng: random.Random, count: int) -> None:
        communes = self.communes
        eligible = [index for index in range(len(communes)) if communes.siren[index]]
        chosen = weighted_sample_without_replacement(
            rng, [float(communes.population[index]) for index in eligible], count
        )
        buyers, weights = [], []
        for position in chosen:
            index = eligible[position]
            population = communes.population[index]
            headcount = _headcount(population)
            buyers.append(
                Buyer(
                    siret=siret(communes.siren[index] or "", 1),
                    kind="commune",
                    commune=index,
                    name=f"COMMUNE DE {communes.name[index].upper()}",
                    legal_category="7210",
                    naf="84.11Z",
                    headcount=headcount,
                    id_style=rng.randrange(ID_STYLES),
                    state=False,
                )
            )
            weights.append(population**0.7)
        self._register("commune", buyers, weights)

    def _add_epci(self, rng: random.Random, names: Names, count: int) -> None:
        communes = self.communes
        seats: dict[str, int] = {}  # EPCI SIREN -> most populous member commune
        population: dict[str, int] = {}
        for index, epci in enumerate(communes.epci):
            if not epci:
                continue
            population[epci] = population.get(epci, 0) + communes.population[index]
            seat = seats.get(epci)
            if seat is None or communes.population[index] > communes.population[seat]:
                seats[epci] = index
        sirens = sorted(seats)
        chosen = weighted_sample_without_replacement(
            rng, [float(population[siren]) for siren in sirens], min(count, len(sirens))
        )
        buyers, weights = [], []
        for position in chosen:
            epci = sirens[position]
            seat = seats[epci]
            name, epci_type = names.epci.get(epci, ("", "CC"))
            if not name:
                name = f"COMMUNAUTE DE COMMUNES DE {communes.name[seat].upper()}"
            headcount = _headcount(population[epci])
            buyers.append(
                Buyer(
                    siret=siret(epci, 1),
                    kind="epci",
                    commune=seat,
                    name=name.upper(),
                    legal_category=EPCI_LEGAL_CATEGORY.get(epci_type, "7346"),
                    naf="84.11Z",
                    headcount=headcount,
                    id_style=rng.randrange(ID_STYLES),
                    state=False,
                )
            )
            weights.append(population[epci] ** 0.7)
        self._register("epci", buyers, weights)

    def _add_territories(self, rng: random.Random, names: Names, kind: str, count: int) -> None:
        communes = self.communes
        column = communes.departement if kind == "departement" else communes.region
        seats: dict[str, int] = {}
        population: dict[str, int] = {}
        for index, code in enumerate(column):
            if not code:
                continue
            population[code] = population.get(code, 0) + communes.population[index]
            seat = seats.get(code)
            if seat is None or communes.population[index] > communes.population[seat]:
                seats[code] = index
        codes = sorted(seats)
        chosen = weighted_sample_without_replacement(
            rng, [float(population[code]) for code in codes], min(count, len(codes))
        )
        prefix, legal_category, naf = PUBLIC_BODIES[kind]
        known = names.departement if kind == "departement" else names.region
        label = "DEPARTEMENT" if kind == "departement" else "REGION"
        buyers, weights = [], []
        for position in chosen:
            code = codes[position]
            name = known.get(code, code).upper()
            buyers.append(
                Buyer(
                    # Synthetic SIREN: the reference data carries no SIREN for these bodies.
                    siret=siret(public_siren(prefix, position + 1), 1),
                    kind=kind,
                    commune=seats[code],
                    name=f"{label} {name}",
                    legal_category=legal_category,
                    naf=naf,
                    headcount="52",
                    id_style=rng.randrange(ID_STYLES),
                    state=False,
                )
            )
            weights.append(population[code] ** 0.7)
        self._register(kind, buyers, weights)

    def _add_bodies(self, rng: random.Random, kind: str, count: int) -> None:
        communes = self.communes
        places = weighted_sample_without_replacement(
            rng, [float(value) for value in communes.population], count
        )
        buyers, weights = [], []
        for rank, place in enumerate(places):
            if kind == "public_establishment":
                prefix, legal_category, naf, label = ESTABLISHMENT_KINDS[
                    rng.randrange(len(ESTABLISHMENT_KINDS))
                ]
            else:
                prefix, legal_category, naf = PUBLIC_BODIES[kind]
                label = {"hospital": "CENTRE HOSPITALIER", "state": "DIRECTION DEPARTEMENTALE"}[
                    kind
                ]
            buyers.append(
                Buyer(
                    siret=siret(public_siren(prefix, 50_000 + rank * 3 + len(kind)), 1),
                    kind=kind,
                    commune=place,
                    name=f"{label} DE {communes.name[place].upper()}",
                    legal_category=legal_category,
                    naf=naf,
                    headcount=("32", "42", "52")[rng.randrange(3)],
                    id_style=rng.randrange(ID_STYLES),
                    state=kind == "state",
                )
            )
            # Zipf on a random rank: a few bodies publish most of their kind's contracts.
            weights.append(1.0 / (rng.randrange(count) + 1) ** cal.BUYER_ZIPF_EXPONENT)
        self._register(kind, buyers, weights)
