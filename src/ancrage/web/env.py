"""Typed readers of environment variables for the Django settings.

Each helper raises ``ImproperlyConfigured`` with a French message naming the variable, so that a
typo in a deployment is explained instead of crashing later with an unrelated error.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable as text, or ``default`` when unset."""
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable (``1``/``0``, ``true``/``false``, ``oui``/``non``)."""
    value = os.environ.get(name)
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"La variable {name}={value!r} doit valoir 1/0, true/false ou oui/non."
    )


def env_int(name: str, default: int) -> int:
    """An integer variable."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"La variable {name}={value!r} doit être un nombre entier."
        ) from error


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list (spaces around items are ignored, empty items dropped)."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
