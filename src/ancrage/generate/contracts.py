"""Builds one DECP 2022 marché or contrat de concession (a dict in the JSON 2.0.3 shape)."""

from __future__ import annotations

import math
import random
from typing import Any

from ancrage.generate import calibration as cal
from ancrage.generate import fields as f
from ancrage.generate.buyers import Buyer, BuyerPool
from ancrage.generate.draw import Categorical, lognormal
from ancrage.generate.geo import Communes
from ancrage.generate.identifiers import eu_vat_number, hors_ue_id
from ancrage.generate.names import TRADES, company_name, contract_object
from ancrage.generate.suppliers import SupplierPool

Record = dict[str, Any]


def contract_id(style: int, year: int, sequence: int) -> str:
    """A buyer-internal id in one of the styles buyers use (at most 16 characters)."""
    if style == 0:
        return f"{year}-{sequence:04d}"
    if style == 1:
        return f"{year % 100:02d}M{sequence:04d}"
    if style == 2:
        return f"{year}F{sequence:05d}"
    if style == 3:
        return f"{year}{sequence:06d}"
    if style == 4:
        return f"AC{year % 100:02d}-{sequence:03d}"
    return f"M{year}_{sequence}"


class ContractFactory:
    """Draws contracts; holds the pools and the per-buyer id sequences."""

    def __init__(
        self,
        communes: Communes,
        cpv: f.CpvChooser,
        buyers: BuyerPool,
        suppliers: SupplierPool,
    ) -> None:
        self.communes = communes
        self.cpv = cpv
        self.buyers = buyers
        self.suppliers = suppliers
        self.calendar = f.Calendar()
        self.sequences: dict[str, int] = {}
        self.awardee_rows = 0
        self.foreign_awardees = 0
        self._family = Categorical(cal.FAMILY_SHARES.items())
        self._below = Categorical(cal.PROCEDURES_BELOW)
        self._below_supplies = Categorical(cal.PROCEDURES_BELOW_SUPPLIES)
        self._above_works = Categorical(cal.PROCEDURES_ABOVE_WORKS)
        self._above_supplies = Categorical(cal.PROCEDURES_ABOVE_SUPPLIES)
        self._offers = Categorical(cal.OFFERS_COMPETITIVE)
        self._offers_no_pub = Categorical(cal.OFFERS_NO_PUBLICITY)
        self._multi = Categorical(cal.MULTI_AWARDEE_COUNTS)
        self._framework_cumulative = []
        total = 0.0
        for months, share in cal.DURATION_FRAMEWORK:
            total += share
            self._framework_cumulative.append((total, months))
        self.concession_years = Categorical(cal.CONCESSION_YEARS)
        self._social = Categorical(cal.SOCIAL_MIXES)
        self._environmental = Categorical(cal.ENVIRONMENTAL_MIXES)
        self._place_type = Categorical(cal.PLACE_TYPE_SHARES)

    # --- shared pieces --------------------------------------------------------------------------

    def next_id(self, rng: random.Random, buyer: Buyer, year: int) -> tuple[str, int]:
        sequence = self.sequences.get(buyer.siret, 0) + 1
        self.sequences[buyer.siret] = sequence
        return contract_id(buyer.id_style, year, sequence), sequence

    def _amount(self, rng: random.Random, family: str) -> tuple[float, float]:
        """(amount, its standard score), the score driving the correlated duration."""
        mu, sigma = cal.AMOUNT_LOG[family]
        score = rng.gauss(0.0, 1.0)
        amount = math.exp(mu + sigma * score)
        while not cal.AMOUNT_MIN <= amount <= cal.AMOUNT_MAX:
            score = rng.gauss(0.0, 1.0)
            amount = math.exp(mu + sigma * score)
        # Buyers publish round amounts about as often as amounts in cents.
        amount = float(round(amount, -2)) if rng.random() < 0.4 else round(amount, 2)
        return amount, score

    def considerations(
        self, rng: random.Random, day: int, reserved_label: str
    ) -> tuple[list[str], list[str]]:
        social_share, environmental_share = self.calendar.consideration_shares(day)
        if rng.random() < social_share:
            social = list(self._social.draw(rng))
            if social == ["Marché réservé"]:
                social = [reserved_label]
        else:
            social = ["Pas de considération sociale"]
        if rng.random() < environmental_share:
            environmental = list(self._environmental.draw(rng))
        else:
            environmental = ["Pas de considération environnementale"]
        return social, environmental

    def draw_awardees(
        self,
        rng: random.Random,
        buyer: Buyer,
        family: str,
        count: int,
        amount: float,
        reserved: bool,
    ) -> list[tuple[str, str]]:
        """(typeIdentifiant, id) of ``count`` distinct awardees."""
        communes = self.communes
        departement = communes.departement[buyer.commune]
        region = communes.region[buyer.commune]
        sme_share = cal.SME_SHARE_BY_BUYER_KIND[buyer.kind]
        for ceiling, factor in cal.SME_AMOUNT_FACTORS:
            if amount < ceiling:
                sme_share *= factor
                break
        chosen: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _ in range(count * 3):  # a few retries when the same supplier is drawn twice
            if len(chosen) == count:
                break
            awardee = self._one_awardee(rng, family, departement, region, sme_share, reserved)
            if awardee[1] not in seen:
                seen.add(awardee[1])
                chosen.append(awardee)
        self.awardee_rows += len(chosen)
        self.foreign_awardees += sum(1 for kind, _ in chosen if kind != "SIRET")
        return chosen

    def _one_awardee(
        self,
        rng: random.Random,
        family: str,
        departement: str,
        region: str,
        sme_share: float,
        reserved: bool,
    ) -> tuple[str, str]:
        suppliers = self.suppliers
        if reserved or rng.random() < cal.SIAE_AWARD_SHARE:
            inclusive = suppliers.draw_inclusive(rng, departement, region)
            if inclusive is not None:
                return "SIRET", suppliers.sirets[inclusive]
        roll = rng.random()
        if roll < cal.FOREIGN_TVA_SHARE:
            return "TVA", eu_vat_number(rng)
        if roll < cal.FOREIGN_TVA_SHARE + cal.FOREIGN_HORS_UE_SHARE:
            trade = TRADES[rng.randrange(len(TRADES))][0]
            return "HORS-UE", hors_ue_id(rng, company_name(rng, trade))
        large = rng.random() >= sme_share
        establishment = suppliers.draw(rng, family, departement, region, large)
        return "SIRET", suppliers.sirets[establishment]

    def publication_day(self, rng: random.Random, day: int) -> int:
        mu, sigma = cal.PUBLICATION_DELAY_LOG
        return min(day + int(lognormal(rng, mu, sigma)), max(day, self.calendar.last))

    # --- marché ---------------------------------------------------------------------------------

    def marche(self, rng: random.Random) -> Record:
        buyer = self.buyers.draw(rng)
        family = self._family.draw(rng)
        cpv = self.cpv.draw(rng, family)
        day = self.calendar.notification(rng)
        year = self.calendar.year(day)
        identifier, sequence = self.next_id(rng, buyer, year)
        lot = rng.randrange(1, 9) if rng.random() < 0.15 else None
        if lot is not None:
            identifier = f"{identifier}L{lot}"
        framework = rng.random() < cal.FRAMEWORK_SHARE
        amount, score = self._amount(rng, family)
        procedure = self._procedure(rng, family, amount, buyer.state)
        if procedure == cal.PROC_NO_PUB:
            offers = self._offers_no_pub.draw(rng)
        elif rng.random() < cal.OFFERS_TAIL_SHARE:
            offers = rng.randrange(17, 41)
        else:
            offers = self._offers.draw(rng)
        duration = self._duration(rng, family, framework, score)
        social, environmental = self.considerations(rng, day, "Marché réservé")
        multi_share = (
            cal.MULTI_AWARDEE_SHARE_FRAMEWORK if framework else cal.MULTI_AWARDEE_SHARE_OTHER
        )
        count = self._multi.draw(rng) if rng.random() < multi_share else 1
        awardees = self.draw_awardees(
            rng, buyer, family, count, amount, reserved="Marché réservé" in social
        )
        record: Record = {"id": identifier, "acheteur": {"id": buyer.siret}}
        record["nature"] = self._nature(rng, buyer)
        record["objet"] = contract_object(rng, self.cpv.cpv.label[cpv], family, lot)
        record["codeCPV"] = cpv
        if framework:
            record["techniques"] = {"technique": ["Accord-cadre"]}
            record["modalitesExecution"] = {"modaliteExecution": [f.FRAMEWORK_MODALITY.draw(rng)]}
        else:
            record["techniques"] = {"technique": [f.OTHER_TECHNIQUES.draw(rng)]}
            modality = "Tranches" if rng.random() < 0.08 else "Sans objet"
            record["modalitesExecution"] = {"modaliteExecution": [modality]}
            if rng.random() < 0.04:  # a marché subséquent names its accord-cadre
                record["idAccordCadre"] = contract_id(
                    buyer.id_style, year, rng.randrange(1, sequence + 1)
                )
        record["marcheInnovant"] = rng.random() < cal.INNOVATIVE_SHARE
        record["ccag"] = f.ccag_table(family, cpv).draw(rng)
        record["offresRecues"] = offers
        mandatory = amount > 50_000 and duration > 2
        advance = rng.random() < (cal.ADVANCE_SHARE if mandatory else cal.ADVANCE_SHARE_OTHER)
        record["attributionAvance"] = advance
        if advance:
            record["tauxAvance"] = f.ADVANCE_RATE.draw(rng)
        record["typeGroupementOperateurs"] = self._grouping(rng, len(awardees), framework)
        declared = rng.random() < cal.SUBCONTRACTING_SHARE[family]
        record["sousTraitanceDeclaree"] = declared
        if declared and rng.random() < 0.5:
            record["actesSousTraitance"] = self._subcontracts(rng, buyer, day, amount, duration)
        record["procedure"] = procedure
        record["lieuExecution"] = self._place(rng, buyer)
        record["dureeMois"] = duration
        record["dateNotification"] = self.calendar.iso(day)
        record["datePublicationDonnees"] = self.calendar.iso(self.publication_day(rng, day))
        record["montant"] = amount
        record["typesPrix"] = {"typePrix": [f.PRICE_TYPE.draw(rng)]}
        forms = f.PRICE_FORM[
            "framework" if framework else ("works" if family == "works" else "other")
        ]
        record["formePrix"] = forms.draw(rng)
        if f.needs_origin(cpv):
            share_eu = round(rng.uniform(0.5, 1.0), 2)
            record["origineUE"] = share_eu
            record["origineFrance"] = round(share_eu * rng.uniform(0.3, 1.0), 2)
        record["titulaires"] = [
            {"titulaire": {"typeIdentifiant": kind, "id": value}} for kind, value in awardees
        ]
        record["considerationsSociales"] = {"considerationSociale": social}
        record["considerationsEnvironnementales"] = {"considerationEnvironnementale": environmental}
        if rng.random() < cal.MODIFICATION_SHARE:
            record["modifications"] = self.modifications(
                rng, record, day, 1 + (rng.random() < 0.15)
            )
        return record

    def modifications(
        self, rng: random.Random, record: Record, day: int, count: int, start: int = 1
    ) -> list[Record]:
        """``count`` modifications carrying the new totals, after ``day``."""
        amount, duration = record["montant"], record["dureeMois"]
        result = []
        for number in range(start, start + count):
            room = self.calendar.last - day  # no modification after the extraction date
            if room < 30:
                break
            day += 30 + rng.randrange(min(300, room - 29))
            amount = round(amount * rng.uniform(1.03, 1.25), 2)
            modification: Record = {"id": number}
            if rng.random() < 0.4:
                duration += 1 + rng.randrange(12)
                modification["dureeMois"] = duration
            modification["montant"] = amount
            modification["dateNotificationModification"] = self.calendar.iso(day)
            modification["datePublicationDonneesModification"] = self.calendar.iso(
                self.publication_day(rng, day)
            )
            result.append({"modification": modification})
        return result

    def _procedure(self, rng: random.Random, family: str, amount: float, state: bool) -> str:
        if family == "works":
            table = self._below if amount < cal.THRESHOLD_WORKS else self._above_works
        else:
            threshold = (
                cal.THRESHOLD_STATE_SUPPLIES_SERVICES
                if state
                else cal.THRESHOLD_LOCAL_SUPPLIES_SERVICES
            )
            table = self._below_supplies if amount < threshold else self._above_supplies
        return table.draw(rng)

    def _duration(self, rng: random.Random, family: str, framework: bool, score: float) -> int:
        """A duration correlated with the amount (bigger contracts last longer)."""
        rho = cal.DURATION_AMOUNT_CORRELATION
        standard = rho * score + math.sqrt(1 - rho * rho) * rng.gauss(0.0, 1.0)
        if family != "works" and framework:
            quantile = 0.5 * (1 + math.erf(standard / math.sqrt(2)))
            for cumulative, months in self._framework_cumulative:
                if quantile <= cumulative:
                    return months
            return self._framework_cumulative[-1][1]
        mu, sigma = cal.DURATION_WORKS_LOG if family == "works" else cal.DURATION_OTHER_LOG
        return max(1, min(120, round(math.exp(mu + sigma * standard))))

    def _nature(self, rng: random.Random, buyer: Buyer) -> str:
        if buyer.state and rng.random() < cal.DEFENCE_NATURE_SHARE:
            return "Marché de défense ou de sécurité"
        if rng.random() < cal.PARTNERSHIP_NATURE_SHARE:
            return "Marché de partenariat"
        return "Marché"

    def _grouping(self, rng: random.Random, awardees: int, framework: bool) -> str:
        if awardees <= 1 or (framework and rng.random() < 0.7):
            return "Pas de groupement"
        return "Conjoint" if rng.random() < 0.6 else "Solidaire"

    def _place(self, rng: random.Random, buyer: Buyer) -> Record:
        communes = self.communes
        commune = buyer.commune
        if rng.random() < 0.3:
            same = communes.by_departement[communes.departement[commune]]
            commune = same[rng.randrange(len(same))]
        kind = self._place_type.draw(rng)
        if kind == "Code postal":
            code = communes.postal_code[commune]
        elif kind == "Code commune":
            code = communes.code[commune]
        elif kind == "Code département":
            code = communes.departement[commune]
        elif kind == "Code région":
            code = communes.region[commune]
        else:
            code = "99100"  # INSEE code of France
        return {"code": code, "typeCode": kind}

    def _subcontracts(
        self, rng: random.Random, buyer: Buyer, day: int, amount: float, duration: int
    ) -> list[Record]:
        communes = self.communes
        departement = communes.departement[buyer.commune]
        region = communes.region[buyer.commune]
        acts = []
        for number in range(1, 2 + (rng.random() < 0.3)):
            establishment = self.suppliers.draw(rng, "works", departement, region, False)
            notified = min(day + rng.randrange(60), max(day, self.calendar.last))
            acts.append(
                {
                    "acteSousTraitance": {
                        "id": number,
                        "sousTraitant": {
                            "typeIdentifiant": "SIRET",
                            "id": self.suppliers.sirets[establishment],
                        },
                        "dureeMois": max(1, min(duration, 1 + rng.randrange(duration))),
                        "dateNotification": self.calendar.iso(notified),
                        "montant": round(amount * rng.uniform(0.05, 0.3), 2),
                        "variationPrix": f.SUBCONTRACT_PRICE.draw(rng),
                        "datePublicationDonnees": self.calendar.iso(
                            self.publication_day(rng, notified)
                        ),
                    }
                }
            )
        return acts
