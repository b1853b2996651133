"""Extra sections of the buyer page: the place where the indicator sections plug in.

A section is a function ``(request, buyer: dict, con) -> str | None`` returning rendered HTML
(or None to show nothing). The indicator module registers its sections with
``register_buyer_section``; the buyer page renders them in order, between the summary and the list
of contracts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

BuyerSection = Callable[[HttpRequest, dict[str, Any], Any], str | None]
BUYER_SECTIONS: list[BuyerSection] = []


def register_buyer_section(section: BuyerSection) -> BuyerSection:
    """Decorator adding a section to every buyer page."""
    if section not in BUYER_SECTIONS:
        BUYER_SECTIONS.append(section)
    return section


def render_buyer_sections(request: HttpRequest, buyer: dict[str, Any], con) -> list[SafeString]:
    rendered = []
    for section in BUYER_SECTIONS:
        html = section(request, buyer, con)
        if html:
            rendered.append(mark_safe(html))  # sections render Django templates (escaped)
    return rendered
