"""Indicator endpoints of the API (buyer and territory indicators) are added to this router.

The indicator engine (``ancrage.indicators``) is being built separately; its endpoints, e.g.
``GET /api/buyers/{siret}/indicators`` and ``GET /api/territories/{kind}/{code}/indicators``,
belong here, public and read-only like ``public.py``.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Indicateurs"])
