"""Read, validate and cross-check the référentiel data files.

Every problem is reported in French with the file, the entry id and the field, because the people who
edit these files are buyers and lawyers as much as developers.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ancrage.clauses.library import Library
from ancrage.clauses.model import (
    CRITERION_KINDS,
    FAMILY_PREFIXES,
    PILLAR_ID_SEGMENT,
    Clause,
    Source,
    Verification,
)
from ancrage.clauses.rules import KNOWN_RULE_IDS

DATA_DIR = Path(__file__).resolve().parent / "data"

# DECP value expected for (kind group, pillar) — DECP-02: a criterion is declared as "Critère …",
# an execution condition or a specification as "Clause …", a reservation as "Marché réservé".
_EXPECTED_DECP: dict[tuple[str, str], str] = {
    ("criterion", "environmental"): "Critère environnemental",
    ("criterion", "social"): "Critère social",
    ("clause", "environmental"): "Clause environnementale",
    ("clause", "social"): "Clause sociale",
}
_CRITERION_VALUES = frozenset({"Critère environnemental", "Critère social"})
_CLAUSE_VALUES = frozenset({"Clause environnementale", "Clause sociale"})


class ClauseLibraryError(ValueError):
    """A data file of the référentiel is invalid; ``problems`` lists every message (French)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = "Référentiel invalide"
        super().__init__(
            f"{head} : {problems[0]}"
            if len(problems) == 1
            else head + " :\n- " + "\n- ".join(problems)
        )


@cache
def _validator() -> Draft202012Validator:
    text = (
        resources.files("ancrage.clauses").joinpath("schema/clause.schema.json").read_text("utf-8")
    )
    return Draft202012Validator(json.loads(text))


def schema() -> dict[str, Any]:
    """The JSON Schema of one data file (entries included)."""
    return dict(_validator().schema)


# The C parser of libyaml is about twenty times faster than the pure Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_library(path: Path | None = None) -> Library:
    """Load every ``*.yaml`` file of ``path`` (a directory or one file; default: shipped data).

    Raises ``ClauseLibraryError`` listing every problem found (schema, unique ids, known rule ids,
    id prefix and pillar, DECP values consistent with the kind). Results are cached per set of
    files and modification times, so an edited file is read again.
    """
    path = (DATA_DIR if path is None else Path(path)).resolve()
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise ClauseLibraryError([f"aucun fichier .yaml dans le dossier {path}"])
    elif path.is_file():
        files = [path]
    else:
        raise ClauseLibraryError([f"chemin introuvable : {path}"])
    return _load(tuple((file, file.stat().st_mtime_ns) for file in files))


@cache
def _load(stamped_files: tuple[tuple[Path, int], ...]) -> Library:
    files = [file for file, _ in stamped_files]
    problems: list[str] = []
    entries: list[Clause] = []
    families: dict[str, tuple[str, int]] = {}
    seen: dict[str, str] = {}
    for file in files:
        document = _read_yaml(file, problems)
        if document is None:
            continue
        schema_problems = _schema_problems(file, document)
        if schema_problems:
            problems.extend(schema_problems)
            continue
        family = document["family"]
        if family in families:
            problems.append(
                f"{file.name} : la famille « {family} » est déjà définie par un autre fichier"
            )
            continue
        if file.stem != family:
            problems.append(
                f"{file.name} : le fichier doit s'appeler {family}.yaml (champ « family »)"
            )
        families[family] = (document["label"], document["version"])
        for raw in document["entries"]:
            entry_problems = _cross_check(file, family, raw)
            if raw["id"] in seen:
                entry_problems.append(
                    f"{file.name}, entrée {raw['id']}, champ « id » : identifiant en double "
                    f"(déjà utilisé dans {seen[raw['id']]})"
                )
            else:
                seen[raw["id"]] = file.name
            problems.extend(entry_problems)
            if not entry_problems:
                entries.append(_to_clause(family, raw))
    if problems:
        raise ClauseLibraryError(problems)
    return Library(entries, families)


def _read_yaml(file: Path, problems: list[str]) -> Any:
    try:
        document = yaml.load(file.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        problems.append(f"{file.name} : YAML illisible ({error})")
        return None
    except UnicodeDecodeError:
        problems.append(f"{file.name} : le fichier doit être encodé en UTF-8")
        return None
    if document is None:
        problems.append(f"{file.name} : fichier vide")
    # YAML reads unquoted dates and numbers as such; JSON Schema then reports the wrong type.
    return document


def _schema_problems(file: Path, document: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [_describe(file, document, error) for error in _leaf_errors(errors)]


def _leaf_errors(errors: list[ValidationError]) -> list[ValidationError]:
    """Replace ``oneOf`` failures by their most relevant branch and drop duplicates."""
    out: list[ValidationError] = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        if error.validator == "oneOf" and error.context:
            error = _best_branch(error)
        key = (str(list(error.absolute_path)), error.message)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def _best_branch(error: ValidationError) -> ValidationError:
    # The branch whose failure is deepest explains the problem (e.g. a weight above 100).
    deepest = max(error.context or [error], key=lambda e: len(e.absolute_path))
    return deepest if len(deepest.absolute_path) > len(error.absolute_path) else error


def _describe(file: Path, document: Any, error: ValidationError) -> str:
    path = list(error.absolute_path)
    where = file.name
    field_path = path
    if len(path) >= 2 and path[0] == "entries" and isinstance(path[1], int):
        raw = document["entries"][path[1]]
        entry_id = raw.get("id") if isinstance(raw, dict) else None
        where += (
            f", entrée {entry_id}" if isinstance(entry_id, str) else f", entrée n° {path[1] + 1}"
        )
        field_path = path[2:]
    field = ".".join(str(p) for p in field_path)
    return f"{where}{f', champ « {field} »' if field else ''} : {_french(error)}"


def _french(error: ValidationError) -> str:
    value = error.instance
    validator = error.validator
    arg = error.validator_value
    if validator == "required":
        missing = [name for name in arg if isinstance(value, dict) and name not in value]
        return "champ obligatoire manquant : " + ", ".join(f"« {m} »" for m in missing)
    if validator == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return "champ inconnu : " + ", ".join(f"« {e} »" for e in extra)
    if validator == "enum":
        return f"valeur « {value} » non admise ; valeurs admises : {', '.join(map(str, arg))}"
    if validator == "pattern":
        return f"valeur « {value} » au format incorrect (format attendu : {arg})"
    if validator == "type":
        if error.absolute_path and error.absolute_path[-1] == "weight_range":
            if arg == "array":
                return (
                    "fourchette de pondération [min, max] obligatoire pour un critère "
                    "d'attribution ou un sous-critère"
                )
            return "doit valoir null : seuls les critères et sous-critères ont une pondération"
        return f"type incorrect : « {value} » n'est pas {_TYPE_NAMES.get(arg, arg)}"
    if (
        validator in ("minItems", "maxItems")
        and error.absolute_path
        and error.absolute_path[-1] == "weight_range"
    ):
        return "la pondération doit être une fourchette de deux nombres [min, max]"
    if validator == "minItems":
        return "la liste ne doit pas être vide" if arg == 1 else f"au moins {arg} éléments attendus"
    if validator == "maxItems":
        return f"au plus {arg} éléments attendus"
    if validator == "uniqueItems":
        return "la liste contient des doublons"
    if validator in ("minimum", "maximum"):
        return (
            f"valeur {value} hors bornes (attendu entre 1 et 100)"
            if arg in (1, 100)
            else f"valeur {value} hors bornes"
        )
    if validator == "minLength":
        return "texte vide"
    return f"valeur invalide ({error.message})"


_TYPE_NAMES = {
    "string": "un texte",
    "integer": "un nombre entier",
    "array": "une liste",
    "object": "un objet",
    "null": "null",
}


def _cross_check(file: Path, family: str, raw: dict[str, Any]) -> list[str]:
    """Rules JSON Schema cannot express: prefix, pillar segment, rule ids, weights, DECP values."""
    entry_id: str = raw["id"]
    where = f"{file.name}, entrée {entry_id}"
    problems: list[str] = []
    prefix, segment, _ = entry_id.split("-")
    expected_prefix = FAMILY_PREFIXES[family]
    if prefix != expected_prefix:
        problems.append(
            f"{where}, champ « id » : le préfixe doit être {expected_prefix} pour la famille {family}"
        )
    if segment != PILLAR_ID_SEGMENT[raw["pillar"]]:
        problems.append(
            f"{where}, champ « id » : le segment {segment} ne correspond pas au pilier "
            f"{raw['pillar']} (attendu {PILLAR_ID_SEGMENT[raw['pillar']]})"
        )
    unknown = [rule for rule in raw["legal_basis"] if rule not in KNOWN_RULE_IDS]
    if unknown:
        problems.append(
            f"{where}, champ « legal_basis » : règle inconnue de legal-rules.md : {', '.join(unknown)}"
        )
    weights = raw["weight_range"]
    if weights is not None and weights[0] > weights[1]:
        problems.append(
            f"{where}, champ « weight_range » : le minimum dépasse le maximum ({weights})"
        )
    problems.extend(_decp_problems(where, raw))
    return problems


def _decp_problems(where: str, raw: dict[str, Any]) -> list[str]:
    kind, pillar, values = raw["kind"], raw["pillar"], set(raw["decp_value"])
    field = f"{where}, champ « decp_value »"
    if kind == "reserved_contract":
        problems = []
        if "Marché réservé" not in values:
            problems.append(f"{field} : un marché réservé se déclare « Marché réservé »")
        if not any(rule.startswith("RES-") for rule in raw["legal_basis"]):
            problems.append(
                f"{where}, champ « legal_basis » : un marché réservé cite une règle RES-01 à RES-05"
            )
        return problems
    group = "criterion" if kind in CRITERION_KINDS else "clause"
    allowed = _CRITERION_VALUES if group == "criterion" else _CLAUSE_VALUES
    wrong = sorted(values - allowed)
    if wrong:
        nature = "un critère" if group == "criterion" else "une clause ou une spécification"
        return [f"{field} : valeur(s) {', '.join(wrong)} incompatible(s) avec {nature}"]
    expected = _EXPECTED_DECP.get((group, pillar))
    if expected and expected not in values:
        return [f"{field} : « {expected} » attendu pour ce type et ce pilier"]
    return []


def _to_clause(family: str, raw: dict[str, Any]) -> Clause:
    weights = raw["weight_range"]
    return Clause(
        id=raw["id"],
        family=family,
        title=raw["title"].strip(),
        kind=raw["kind"],
        pillar=raw["pillar"],
        cpv=tuple(raw["cpv"]),
        wording=raw["wording"].strip(),
        verification=Verification(
            means=tuple(raw["verification"]["means"]),
            description=raw["verification"]["description"].strip(),
        ),
        weight_range=(weights[0], weights[1]) if weights is not None else None,
        legal_basis=tuple(raw["legal_basis"]),
        decp_value=tuple(raw["decp_value"]),
        eforms=raw["eforms"],
        pitfalls=tuple(p.strip() for p in raw["pitfalls"]),
        sources=tuple(
            Source(s["title"].strip(), str(s["reference"]).strip()) for s in raw["sources"]
        ),
        keywords=tuple(raw["keywords"]),
    )
