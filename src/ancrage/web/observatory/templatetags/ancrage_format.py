"""French number formatting for templates (narrow no-break space as thousands separator)."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()
NNBSP = "\u202f"


def _group(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


@register.filter
def nombre(value) -> str:
    """1234567 → « 1 234 567 »; empty for None."""
    if value is None or value == "":
        return ""
    return _group(float(value), 0)


@register.filter
def euros(value) -> str:
    """Amount in euros, no decimals; « non publié » for None (never 0)."""
    if value is None:
        return "non publié"
    return _group(float(value), 0) + "\u00a0€"


@register.filter
def millions(value) -> str:
    """Large amounts in M€ with one decimal."""
    if value is None:
        return "non publié"
    return _group(float(value) / 1e6, 1) + "\u00a0M€"


@register.filter
def oui_non(value) -> str:
    """True/False/None → Oui/Non/Non renseigné."""
    if value is None:
        return "Non renseigné"
    return "Oui" if value else "Non"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (empty value: removed)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
