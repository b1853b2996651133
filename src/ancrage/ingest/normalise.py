"""From one raw DECP record (any format, any shape) to rows of the normalised model.

A record that cannot be represented at all (no buyer, no contract id, not an object) is rejected
with a reason; every other record is loaded as published, with its quality issues. Values are
never invented: what cannot be read is null and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ancrage.ingest import enums, quality
from ancrage.ingest import values as v
from ancrage.ingest.shape import get, items, labels
from ancrage.reference.codes import cpv_family, normalise_cpv

# Fields that exist only in the 2022 format: their presence (with a value) marks a 2022 record.
FIELDS_2022 = frozenset(
    {
        "considerationsSociales",
        "considerationsEnvironnementales",
        "techniques",
        "modalitesExecution",
        "offresRecues",
        "typesPrix",
        "marcheInnovant",
        "ccag",
        "typeGroupementOperateurs",
        "sousTraitanceDeclaree",
        "attributionAvance",
    }
)
# Fields that exist only in the 2019 format.
FIELDS_2019 = ("lieuExecution.nom", "acheteur.nom", "autoriteConcedante.nom", "uid", "uuid")


def _has_2019_marker(record: dict) -> bool:
    if "uid" in record or "uuid" in record:
        return True
    return any(
        (type(record.get(parent)) is dict and record[parent].get("nom") is not None)
        or record.get(f"{parent}.nom") is not None
        for parent in ("acheteur", "lieuExecution", "autoriteConcedante")
    )


_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def object_key(text: str | None) -> str:
    """The object as it enters the revision key: lower case, ASCII blanks collapsed.

    The SQL fast path (:mod:`ancrage.ingest.sql_normalise`) computes the same key.
    """
    return _SPACES.sub(" ", (text or "").lower()).strip(" ")


class Rejected(Exception):
    """The record cannot be represented: it goes to quarantine with this reason."""

    def __init__(self, reason: str, explanation: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.explanation = explanation


@dataclass
class Normalised:
    contract: dict[str, Any]
    awardees: list[dict[str, Any]] = field(default_factory=list)
    modifications: list[dict[str, Any]] = field(default_factory=list)
    issues: list[tuple[str, str | None, str]] = field(default_factory=list)  # field, value, rule
    revision_key: str = ""


# Rules that say nothing about a text-only format: in XML and CSV every number is text, and
# tabular exports have no column for the awardee's identifier type.
NOT_APPLICABLE = {
    "json": frozenset(),
    "xml": frozenset({"number_as_text"}),
    "tabular": frozenset({"number_as_text", "supplier_id_type_missing"}),
}


class _Issues(list):
    def __init__(self, ignore: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.ignore = ignore

    def add(self, field_name: str, value: object, rule: str) -> None:
        if rule not in self.ignore:
            self.append((field_name, None if value is None else str(value)[:500], rule))


def _kind(record: dict, hint: str | None) -> str:
    if hint:
        return hint
    marker = get(record, "_type", "type_contrat", "typeContrat")
    if isinstance(marker, str) and "concession" in v.fold(marker):
        return "concession"
    if get(record, "autoriteConcedante", "autoriteConcedante.id", "valeurGlobale") is not None:
        return "concession"
    return "marche"


def schema_version(record: dict) -> str:
    """``2022``, ``2019`` or ``hybrid`` (2019 markers and 2022 fields, even empty, together)."""
    has_2022 = not FIELDS_2022.isdisjoint(record)
    has_2019 = _has_2019_marker(record) or (
        isinstance(get(record, "titulaires"), list)
        and any("denominationSociale" in t for t in items(get(record, "titulaires"), "titulaire"))
    )
    if has_2022 and has_2019:
        return "hybrid"
    return "2022" if has_2022 else "2019"


def normalise(record: Any, kind_hint: str | None = None, syntax: str = "json") -> Normalised:
    """Normalise one raw record; raise :class:`Rejected` when it cannot be represented.

    ``syntax`` (json, xml or tabular) says which quality rules make sense for the source.
    """
    if not isinstance(record, dict):
        raise Rejected(
            "not_an_object",
            "L'élément lu n'est pas un objet marché ou concession (valeur isolée, liste…).",
        )
    issues = _Issues(NOT_APPLICABLE[syntax])
    kind = _kind(record, kind_hint)
    buyer_path = "autoriteConcedante" if kind == "concession" else "acheteur"
    buyer_raw = get(
        record, f"{buyer_path}.id", "acheteur.id", "autoriteConcedante.id", "acheteur_id"
    )
    buyer_id = v.text(buyer_raw)
    if buyer_id is None:
        raise Rejected(
            "no_buyer",
            "Aucun identifiant d'acheteur (SIRET) : impossible de savoir qui a passé ce contrat.",
        )
    buyer_id = buyer_id.replace(" ", "")
    problem = quality.check_siret(buyer_id)
    if problem:
        issues.add(f"{buyer_path}.id", buyer_id, f"buyer_siret_{problem}")
    contract_ref = v.text(get(record, "id"))
    if contract_ref is None or contract_ref.strip("0") == "":
        raise Rejected(
            "no_contract_id",
            "Identifiant du contrat absent ou nul : impossible de l'identifier chez l'acheteur.",
        )
    if not quality.contract_id_ok(contract_ref):
        issues.add("id", contract_ref, "contract_id_nonstandard")
    version = schema_version(record)
    if "_type" in record and version != "2019":
        issues.add("_type", record["_type"], "schema_type_field")

    contract: dict[str, Any] = {
        "uid": buyer_id + contract_ref,
        "kind": kind,
        "buyer_id": buyer_id,
        "id": contract_ref,
        "schema_version": version,
        "buyer_name": v.text(get(record, f"{buyer_path}.nom", "acheteur_nom")),
    }
    _what(record, contract, issues)
    _money_and_time(record, kind, contract, issues)
    _responsible(record, kind, version, contract, issues)
    awardees = _awardees(record, kind, buyer_id, issues)
    modifications, awardees = _modifications(record, kind, awardees, contract, issues)
    contract["awardee_count"] = sum(1 for a in awardees if a["is_current"])
    initial_ids = sorted({a["supplier_id"] or "" for a in awardees if a["origin"] == "initial"})
    key = "|".join(
        (
            kind,
            buyer_id,
            contract_ref,
            str(contract["notification_date"]),
            ",".join(initial_ids),
            object_key(contract["object"]),
        )
    )
    return Normalised(contract, awardees, modifications, list(issues), key)


def _enum(record, path, table, contract, column, issues) -> None:
    raw = v.text(get(record, path))
    label, known = enums.match(raw, table)
    if not known:
        issues.add(path, raw, "enum_unknown")
    contract[column] = label


def _enum_list(record, path, wrapper, table, issues) -> list[str] | None:
    found = labels(get(record, path), wrapper)
    if found is None:
        return None
    out = []
    for raw in found:
        label, known = enums.match(raw, table)
        if not known:
            issues.add(path, raw, "enum_unknown")
        out.append(label)
    return out


def _what(record: dict, contract: dict, issues: _Issues) -> None:
    _enum(record, "nature", enums.NATURES, contract, "nature", issues)
    contract["object"] = v.text(get(record, "objet"))
    cpv_text = v.text(get(record, "codeCPV", "codeCpv", "cpv"))
    contract["cpv_raw"] = cpv_text
    contract["cpv"] = cpv = normalise_cpv(cpv_text) if cpv_text else None
    if cpv_text is None:
        if contract["kind"] == "marche":  # concessions have no CPV field in the 2022 format
            issues.add("codeCPV", None, "cpv_missing")
    elif cpv is None:
        issues.add("codeCPV", cpv_text, "cpv_malformed")
    elif len(cpv_text.split("-")[0].strip()) == 7:
        issues.add("codeCPV", cpv_text, "cpv_leading_zero_lost")
    contract["family"] = cpv_family(cpv) if cpv else None
    procedure_raw = v.text(get(record, "procedure"))
    contract["procedure_raw"] = procedure_raw
    contract["procedure"], problem = enums.procedure(procedure_raw)
    if procedure_raw is None:
        issues.add("procedure", None, "procedure_missing")
    elif problem == "legacy_label":
        issues.add("procedure", procedure_raw, "procedure_legacy_label")
    elif problem:
        issues.add("procedure", procedure_raw, "enum_unknown")
    contract["techniques"] = _enum_list(record, "techniques", "technique", enums.TECHNIQUES, issues)
    contract["execution_modalities"] = _enum_list(
        record, "modalitesExecution", "modaliteExecution", enums.EXECUTION_MODALITIES, issues
    )
    contract["price_types"] = _enum_list(record, "typesPrix", "typePrix", enums.PRICE_TYPES, issues)
    contract["framework_agreement_id"] = v.text(get(record, "idAccordCadre"))
    _enum(record, "ccag", enums.CCAG, contract, "ccag", issues)
    _enum(record, "formePrix", enums.PRICE_FORMS, contract, "price_form", issues)
    _enum(
        record, "typeGroupementOperateurs", enums.GROUPING_TYPES, contract, "grouping_type", issues
    )
    code = v.text(get(record, "lieuExecution.code", "lieuExecution_code"))
    contract["place_code"] = code.replace(" ", "") if code else None
    _enum(
        record,
        "lieuExecution.typeCode",
        enums.PLACE_CODE_TYPES,
        contract,
        "place_code_type",
        issues,
    )


def _num(record, paths, name, issues, parser=v.number):
    raw = get(record, *paths)
    value, problem = parser(raw)
    if problem == "placeholder":
        issues.add(name, raw, "placeholder_value")
    elif problem == "given_as_text":
        issues.add(name, raw, "number_as_text")
    elif problem:
        issues.add(name, raw, problem)
    return value


def _date(record, paths, name, issues, today):
    raw = get(record, *paths)
    value, problem = v.parse_date(raw)
    if problem == "placeholder":
        issues.add(name, raw, "placeholder_value")
    elif problem == "nonstandard_format":
        issues.add(name, raw, "date_nonstandard_format")
    elif problem:
        issues.add(name, raw, problem)
    if value is not None:
        rule = quality.date_rules(value, today)
        if rule:
            issues.add(name, raw, rule)
    return value


def _money_and_time(record: dict, kind: str, contract: dict, issues: _Issues) -> None:
    today = v.today()
    amount_field = "valeurGlobale" if kind == "concession" else "montant"
    amount = _num(record, (amount_field, "montant", "valeurGlobale"), amount_field, issues)
    if amount is None and v.is_blank(get(record, amount_field, "montant", "valeurGlobale")):
        issues.add(amount_field, None, "amount_missing")
    if amount is not None:
        for rule in quality.amount_rules(amount):
            issues.add(amount_field, v.num_text(amount), rule)
    contract["amount_ht"] = contract["current_amount_ht"] = amount
    duration = _num(record, ("dureeMois",), "dureeMois", issues)
    if duration is None and v.is_blank(get(record, "dureeMois")):
        issues.add("dureeMois", None, "duration_missing")
    if duration is not None and (duration <= 0 or duration > 180):
        issues.add("dureeMois", v.num_text(duration), "duration_implausible")
    if (
        amount is not None
        and duration is not None
        and quality.amount_duration_incoherent(amount, duration)
    ):
        issues.add(
            "montant",
            f"{v.num_text(amount)} € / {v.num_text(duration)} mois",
            "amount_duration_incoherent",
        )
    contract["duration_months"] = contract["current_duration_months"] = duration
    notif_field = "dateSignature" if kind == "concession" else "dateNotification"
    notified = _date(
        record, (notif_field, "dateNotification", "dateSignature"), notif_field, issues, today
    )
    if notified is None and v.is_blank(
        get(record, notif_field, "dateNotification", "dateSignature")
    ):
        issues.add(notif_field, None, "notification_date_missing")
    published = _date(record, ("datePublicationDonnees",), "datePublicationDonnees", issues, today)
    if notified and published and published < notified:
        issues.add(
            "datePublicationDonnees", published.isoformat(), "publication_before_notification"
        )
    contract["notification_date"] = notified
    contract["publication_date"] = published
    contract["execution_start_date"] = _date(
        record, ("dateDebutExecution",), "dateDebutExecution", issues, today
    )
    contract["advance"] = _num(
        record, ("attributionAvance",), "attributionAvance", issues, v.boolean
    )
    contract["advance_rate"] = _num(record, ("tauxAvance",), "tauxAvance", issues)
    contract["public_subsidy"] = _num(
        record, ("montantSubventionPublique",), "montantSubventionPublique", issues
    )
    offers = _num(record, ("offresRecues",), "offresRecues", issues, v.integer)
    if offers == 0:
        issues.add("offresRecues", 0, "offers_received_zero")
    contract["offers_received"] = offers


def _considerations(record, path, wrapper, table, none_label, name, issues):
    found = _enum_list(record, path, wrapper, table, issues)
    if found is None:
        return None, None
    if none_label in found and len(set(found)) > 1:
        issues.add(path, " | ".join(found), f"{name}_no_consideration_combined")
    return found, any(label != none_label for label in found)


def _responsible(record: dict, kind: str, version: str, contract: dict, issues: _Issues) -> None:
    social, has_social = _considerations(
        record,
        "considerationsSociales",
        "considerationSociale",
        enums.SOCIAL,
        enums.NO_SOCIAL,
        "social",
        issues,
    )
    environmental, has_env = _considerations(
        record,
        "considerationsEnvironnementales",
        "considerationEnvironnementale",
        enums.ENVIRONMENTAL,
        enums.NO_ENVIRONMENTAL,
        "environmental",
        issues,
    )
    contract["social_considerations"] = social
    contract["environmental_considerations"] = environmental
    contract["has_social_consideration"] = has_social
    contract["has_environmental_consideration"] = has_env
    reserved = None if social is None else any(label in enums.RESERVED for label in social)
    if reserved and len(set(social)) > 1:
        issues.add("considerationsSociales", " | ".join(social), "reserved_not_alone")
    contract["reserved"] = reserved
    contract["innovative"] = _num(record, ("marcheInnovant",), "marcheInnovant", issues, v.boolean)
    contract["subcontracting_declared"] = _num(
        record, ("sousTraitanceDeclaree",), "sousTraitanceDeclaree", issues, v.boolean
    )
    acts = list(items(get(record, "actesSousTraitance"), "acteSousTraitance"))
    contract["subcontract_count"] = (
        len(acts) if get(record, "actesSousTraitance") is not None else None
    )
    eu = _num(record, ("origineUE",), "origineUE", issues)
    fr = _num(record, ("origineFrance",), "origineFrance", issues)
    for name, share in (("origineUE", eu), ("origineFrance", fr)):
        if share is not None and not 0 <= share <= 1:
            issues.add(name, v.num_text(share), "origin_share_out_of_range")
    if eu is not None and fr is not None and fr > eu:
        issues.add(
            "origineFrance", f"{v.num_text(fr)} > {v.num_text(eu)}", "origin_france_above_eu"
        )
    contract["origin_eu_share"] = eu
    contract["origin_france_share"] = fr


def _awardee_list(value, wrapper, origin, buyer_id, issues) -> list[dict]:
    out = []
    for position, item in enumerate(items(value, wrapper)):
        supplier_id = v.text(item.get("id"))
        if supplier_id:
            supplier_id = supplier_id.replace(" ", "")
        id_type, problem = enums.supplier_id_type(v.text(item.get("typeIdentifiant")))
        if supplier_id is None:
            issues.add(f"{wrapper}.id", item.get("id"), "supplier_id_missing")
        if id_type is None and supplier_id is not None:
            issues.add(f"{wrapper}.typeIdentifiant", None, "supplier_id_type_missing")
        elif problem:
            issues.add(
                f"{wrapper}.typeIdentifiant",
                item.get("typeIdentifiant"),
                f"supplier_id_type_{problem}",
            )
        if supplier_id and id_type == "SIRET" and quality.check_siret(supplier_id):
            issues.add(f"{wrapper}.id", supplier_id, "supplier_siret_malformed")
        if supplier_id and supplier_id == buyer_id:
            issues.add(f"{wrapper}.id", supplier_id, "supplier_is_buyer")
        out.append(
            {
                "position": position,
                "supplier_id": supplier_id,
                "supplier_id_type": id_type,
                "supplier_name": v.text(item.get("denominationSociale") or item.get("nom")),
                "origin": origin,
                "is_current": True,
            }
        )
    return out


def _awardees(record: dict, kind: str, buyer_id: str, issues: _Issues) -> list[dict]:
    path, wrapper = (
        ("concessionnaires", "concessionnaire")
        if kind == "concession"
        else ("titulaires", "titulaire")
    )
    value = get(record, path, "titulaires", "concessionnaires")
    awardees = _awardee_list(value, wrapper, "initial", buyer_id, issues)
    if not awardees:
        issues.add(path, None, "awardees_missing")
    return awardees


def _modifications(record, kind, awardees, contract, issues):
    raw_mods = list(items(get(record, "modifications"), "modification"))
    parsed = []
    for order, mod in enumerate(raw_mods):
        today = v.today()
        date_field = (
            "dateSignatureModification" if kind == "concession" else "dateNotificationModification"
        )
        notified = _date(
            mod,
            (date_field, "dateNotificationModification", "dateSignatureModification"),
            date_field,
            issues,
            today,
        )
        published = _date(
            mod,
            ("datePublicationDonneesModification",),
            "datePublicationDonneesModification",
            issues,
            today,
        )
        amount = _num(mod, ("montant", "valeurGlobale"), "modification.montant", issues)
        duration = _num(mod, ("dureeMois",), "modification.dureeMois", issues)
        mod_awardees = _awardee_list(
            get(mod, "titulaires", "concessionnaires"),
            "concessionnaire" if kind == "concession" else "titulaire",
            "",
            contract["buyer_id"],
            issues,
        )
        if (
            amount is None
            and duration is None
            and not mod_awardees
            and not mod.get("objetModification")
        ):
            issues.add("modifications", mod.get("id"), "modification_without_data")
        mod_id = v.text(mod.get("id"))
        sort_id, _ = v.integer(mod_id) if mod_id else (None, None)
        parsed.append(
            (
                sort_id if sort_id is not None else order,
                notified,
                order,
                mod_id,
                mod,
                amount,
                duration,
                published,
                mod_awardees,
            )
        )
    # Modifications carry new totals: their order decides the current state.
    parsed.sort(key=lambda p: (p[0], p[1] or contract["notification_date"] or v.today(), p[2]))
    modifications = []
    for seq, (_, notified, _, mod_id, mod, amount, duration, published, mod_awardees) in enumerate(
        parsed, 1
    ):
        modifications.append(
            {
                "seq": seq,
                "modification_id": mod_id,
                "object": v.text(mod.get("objetModification")),
                "notification_date": notified,
                "publication_date": published,
                "amount_ht": amount,
                "duration_months": duration,
                "awardee_count": len(mod_awardees),
            }
        )
        if amount is not None:
            contract["current_amount_ht"] = amount
        if duration is not None:
            contract["current_duration_months"] = duration
        if mod_awardees:
            for awardee in awardees:
                awardee["is_current"] = False
            for awardee in mod_awardees:
                awardee["origin"] = f"modification:{seq}"
            awardees = awardees + mod_awardees
    contract["modification_count"] = len(modifications)
    return modifications, awardees
