"""Read a consultation from YAML or JSON and validate it, with French errors naming the field."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ancrage.compliance.findings import RULE_IDS
from ancrage.compliance.model import (
    BUYER_KINDS,
    CONDITION_KINDS,
    CRITERION_KINDS,
    FAMILIES,
    FAMILY_ALIASES,
    KNOWN_FIELDS,
    PROCEDURE_ALIASES,
    PROCEDURES,
    PUBLICITY_MEDIA,
    RESERVED_KINDS,
    AwardCriterion,
    Consultation,
    ConsultationError,
    ExecutionCondition,
    Lot,
    Sourcing,
    Specification,
    family_from_cpv,
)


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``03222000`` as an octal number: keep zero-led digits as text (CPV codes)."""


def _int_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    text = loader.construct_scalar(node)
    if isinstance(text, str) and re.fullmatch(r"0[0-9_]+", text):
        return text
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_text)


def load_consultation(path: Path) -> Consultation:
    """Read a consultation from a ``.yaml``/``.yml`` or ``.json`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConsultationError(f"fichier introuvable : {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConsultationError(f"fichier illisible ({path}) : {error}") from error
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, _Loader)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise ConsultationError(f"syntaxe invalide dans {path.name} : {error}") from error
    return parse_consultation(data)


def parse_consultation(data: Any) -> Consultation:
    """Validate a decoded mapping and build a :class:`Consultation`."""
    if not isinstance(data, dict):
        raise ConsultationError("la consultation doit être un objet (clé : valeur)")
    unknown = sorted(set(map(str, data)) - KNOWN_FIELDS)
    if unknown:
        raise ConsultationError(f"champ(s) inconnu(s) : {', '.join(unknown)}")
    cpv = _cpv(_required(data, "cpv"))
    family = data.get("family")
    if family is None:
        family, derived = family_from_cpv(cpv), True
    else:
        family, derived = _choice(FAMILY_ALIASES.get(family, family), "family", FAMILIES), False
    return Consultation(
        object=_text(_required(data, "object"), "object", required=True),
        cpv=cpv,
        family=family,
        family_derived=derived,
        estimated_amount_ht=_amount(_required(data, "estimated_amount_ht"), "estimated_amount_ht"),
        launch_date=_date(_required(data, "launch_date"), "launch_date"),
        procedure=_procedure(_required(data, "procedure")),
        buyer_kind=_choice(_required(data, "buyer_kind"), "buyer_kind", BUYER_KINDS),
        lots=tuple(_lot(item, i) for i, item in enumerate(_list(data, "lots"))),
        no_lots_justification=_text(data.get("no_lots_justification"), "no_lots_justification"),
        award_criteria=tuple(
            _criterion(item, i) for i, item in enumerate(_list(data, "award_criteria"))
        ),
        execution_conditions=tuple(
            _condition(item, i) for i, item in enumerate(_list(data, "execution_conditions"))
        ),
        technical_specifications=tuple(
            _specification(item, i)
            for i, item in enumerate(_list(data, "technical_specifications"))
        ),
        reserved=_choice(data.get("reserved") or "none", "reserved", RESERVED_KINDS),
        sourcing=_sourcing(data.get("sourcing")),
        justifications=_justifications(data.get("justifications")),
        defence_security=_bool(data.get("defence_security", False), "defence_security"),
        duration_months=_optional_amount(data.get("duration_months"), "duration_months"),
        min_turnover_required=_optional_amount(
            data.get("min_turnover_required"), "min_turnover_required"
        ),
        publicity=_publicity(data.get("publicity")),
        dce_free_access=None
        if data.get("dce_free_access") is None
        else _bool(data["dce_free_access"], "dce_free_access"),
        abnormally_low_offers=_optional_text(data, "abnormally_low_offers"),
        rejected_bidders_information=_optional_text(data, "rejected_bidders_information"),
        fleet_size=_fleet_size(data.get("fleet_size")),
    )


# --- field readers -----------------------------------------------------------------------------


def _required(data: dict, name: str) -> Any:
    if data.get(name) is None or data.get(name) == "":
        raise ConsultationError(f"champ « {name} » obligatoire manquant")
    return data[name]


def _text(value: Any, name: str, *, required: bool = False) -> str:
    if value is None:
        if required:
            raise ConsultationError(f"champ « {name} » obligatoire manquant")
        return ""
    if not isinstance(value, str):
        raise ConsultationError(f"champ « {name} » : texte attendu, reçu {value!r}")
    if required and not value.strip():
        raise ConsultationError(f"champ « {name} » : texte vide")
    return value.strip()


def _optional_text(data: dict, name: str) -> str | None:
    return None if data.get(name) is None else _text(data[name], name)


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConsultationError(
            f"champ « {name} » : valeur {value!r} inconnue (attendu : {', '.join(allowed)})"
        )
    return value


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ConsultationError(f"champ « {name} » : true ou false attendu, reçu {value!r}")
    return value


def _amount(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConsultationError(
            f"champ « {name} » : nombre attendu (euros HT, sans espace ni symbole), reçu {value!r}"
        )
    if value < 0 or value != value:  # NaN is not equal to itself
        raise ConsultationError(f"champ « {name} » : montant négatif ou invalide ({value!r})")
    return float(value)


def _optional_amount(value: Any, name: str) -> float | None:
    return None if value is None else _amount(value, name)


def _date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConsultationError(
        f"champ « {name} » : date attendue au format AAAA-MM-JJ, reçu {value!r}"
    )


def _cpv(value: Any) -> str:
    # A number (JSON, or a mapping built in code) lost its leading zero: CPV codes have 8 digits.
    text = str(value).strip() if not isinstance(value, bool) else ""
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:08d}"
    code = text.split("-")[0]
    if len(code) != 8 or not code.isdigit():
        raise ConsultationError(
            f"champ « cpv » : code CPV à 8 chiffres attendu (ex. 55523100-3), reçu {value!r}"
        )
    return code


def _procedure(value: Any) -> str:
    if isinstance(value, str):
        key = value.strip().lower().replace("’", "'")
        value = PROCEDURE_ALIASES.get(key, key)
    return _choice(value, "procedure", PROCEDURES)


def _list(data: dict, name: str) -> list:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConsultationError(f"champ « {name} » : liste attendue")
    return value


def _mapping(item: Any, where: str) -> dict:
    if not isinstance(item, dict):
        raise ConsultationError(f"{where} : objet attendu (clé : valeur), reçu {item!r}")
    return item


def _lot(item: Any, index: int) -> Lot:
    where = f"lots[{index}]"
    if isinstance(item, str):
        return Lot(title=_text(item, where, required=True))
    item = _mapping(item, where)
    return Lot(
        title=_text(_required(item, "title"), f"{where}.title", required=True),
        estimated_amount_ht=_optional_amount(
            item.get("estimated_amount_ht"), f"{where}.estimated_amount_ht"
        ),
        min_turnover_required=_optional_amount(
            item.get("min_turnover_required"), f"{where}.min_turnover_required"
        ),
    )


def _criterion(item: Any, index: int) -> AwardCriterion:
    where = f"award_criteria[{index}]"
    item = _mapping(item, where)
    weight = item.get("weight")
    return AwardCriterion(
        name=_text(item.get("name"), f"{where}.name", required=True),
        weight=None if weight is None else _amount(weight, f"{where}.weight"),
        kind=_choice(item.get("kind"), f"{where}.kind", CRITERION_KINDS),
        description=_text(item.get("description"), f"{where}.description"),
    )


def _condition(item: Any, index: int) -> ExecutionCondition:
    where = f"execution_conditions[{index}]"
    item = _mapping(item, where)
    return ExecutionCondition(
        kind=_choice(item.get("kind"), f"{where}.kind", CONDITION_KINDS),
        description=_text(item.get("description"), f"{where}.description", required=True),
    )


def _specification(item: Any, index: int) -> Specification:
    where = f"technical_specifications[{index}]"
    if isinstance(item, str):
        return Specification(description=_text(item, where, required=True))
    item = _mapping(item, where)
    kind = item.get("kind")
    return Specification(
        description=_text(item.get("description"), f"{where}.description", required=True),
        kind=None if kind is None else _choice(kind, f"{where}.kind", CONDITION_KINDS),
    )


def _sourcing(value: Any) -> Sourcing | None:
    if value is None:
        return None
    value = _mapping(value, "sourcing")
    if "done" not in value:
        raise ConsultationError("champ « sourcing.done » obligatoire manquant (true ou false)")
    return Sourcing(
        done=_bool(value["done"], "sourcing.done"),
        actions=_text(value.get("actions"), "sourcing.actions"),
    )


def _justifications(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    value = _mapping(value, "justifications")
    result = {}
    for rule, text in value.items():
        if rule not in RULE_IDS:
            raise ConsultationError(
                f"champ « justifications » : identifiant de règle inconnu {rule!r} "
                "(ex. CR-05, ORG-03)"
            )
        result[rule] = _text(text, f"justifications.{rule}")
    return result


def _publicity(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ConsultationError(
            "champ « publicity » : liste attendue (ex. [boamp, profil_acheteur])"
        )
    return tuple(_choice(item, "publicity", PUBLICITY_MEDIA) for item in value)


def _fleet_size(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConsultationError(f"champ « fleet_size » : entier positif attendu, reçu {value!r}")
    return value
