"""Consultations as documents: validation, YAML/JSON import and export in the checker's format."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import yaml

from ancrage.compliance import Consultation, ConsultationError, parse_consultation

MAX_UPLOAD_BYTES = 1_000_000


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``03222000`` as an octal number: keep zero-led digits as text (CPV codes)."""


def _int_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    text = loader.construct_scalar(node)
    if isinstance(text, str) and re.fullmatch(r"0[0-9_]+", text):
        return text
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _int_or_text)


def jsonable(value: Any) -> Any:
    """``value`` with dates written ``AAAA-MM-JJ`` so that it can be stored as JSON."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ConsultationError(f"valeur non reconnue : {value!r}")


def validate(data: Any) -> tuple[dict[str, Any], Consultation]:
    """The storable form of ``data`` and the validated consultation (``ConsultationError``)."""
    if not isinstance(data, dict):
        raise ConsultationError("la consultation doit être un objet (clé : valeur)")
    clean = jsonable(data)
    return clean, parse_consultation(clean)


def parse_document(content: bytes, filename: str = "") -> dict[str, Any]:
    """Decode an uploaded ``.yaml``/``.yml`` or ``.json`` file into a mapping (not yet validated)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise ConsultationError("fichier trop volumineux (1 Mo au plus)")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConsultationError("le fichier doit être encodé en UTF-8") from error
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix not in ("", "json", "yaml", "yml"):
        raise ConsultationError(
            f"format de fichier non reconnu (« .{suffix} ») : YAML (.yaml, .yml) ou JSON (.json)"
        )
    try:
        # JSON is a subset of YAML for our purposes, but JSON errors read better with json.
        data = json.loads(text) if suffix == "json" else yaml.load(text, _Loader)
    except json.JSONDecodeError as error:
        raise ConsultationError(
            f"JSON invalide ligne {error.lineno}, colonne {error.colno} : {error.msg}"
        ) from error
    except yaml.YAMLError as error:
        # PyYAML explains in English: give the position and a French hint instead.
        mark = getattr(error, "problem_mark", None)
        where = f" ligne {mark.line + 1}, colonne {mark.column + 1}" if mark is not None else ""
        raise ConsultationError(
            f"YAML invalide{where} (vérifiez l'indentation, les deux-points et les crochets)"
        ) from error
    if not isinstance(data, dict):
        raise ConsultationError("la consultation doit être un objet (clé : valeur)")
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
