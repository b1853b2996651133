"""Indicator rows → what the pages show: French texts, cards by theme, trends, categories.

Pure functions over the rows of :mod:`indicator_data` (no Django, no database), shared by the
buyer sections, the territory pages, the exports and the API.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ancrage.enrichment import SIZE_BAND_LABELS
from ancrage.indicators import CATALOGUE, get
from ancrage.indicators.base import THEMES
from ancrage.indicators.report import _quality_rule_label, format_value
from ancrage.web.observatory.charts import number_fr

BUYER_KIND_LABELS = {
    "commune": "Communes",
    "departement": "Départements",
    "region": "Régions",
    "epci": "EPCI à fiscalité propre",
    "syndicat": "Syndicats",
    "hospital": "Établissements de santé",
    "state": "Services de l'État",
    "public_establishment": "Établissements publics",
    "social_housing": "Organismes de logement social",
    "other": "Autres acheteurs",
}
# Indicators computed on amounts: their numerator and denominator are euros.
AMOUNT_IDS = frozenset(
    {ind.id for ind in CATALOGUE if getattr(ind, "by_amount", False)}
    | {
        "top5_supplier_share",
        "origin_eu_share",
        "origin_france_share",
        "supplier_concentration_hhi",
    }
)
# Key figures drawn as trend charts (the table lists every indicator).
TREND_IDS = ("social_share", "environmental_share", "local_share", "sme_share")
BREAKDOWN_IDS = [
    "social_share",
    "environmental_share",
    "local_share",
    "sme_share",
    "single_bid_rate",
]
PNAD_IDS = ("social_share", "environmental_share")


def peer_group_label(peer_group: str | None) -> str | None:
    """``"commune/pop3.5k-10k"`` → « Communes, de 3 500 à 9 999 habitants »."""
    if not peer_group:
        return None
    kind, _, band = peer_group.partition("/")
    kind_label = BUYER_KIND_LABELS.get(kind, kind)
    band_label = SIZE_BAND_LABELS.get(band)
    return f"{kind_label}, {band_label}" if band_label else kind_label


def quantity(value: float | None, indicator_id: str) -> str:
    """A numerator or denominator: euros for amount indicators, else a count (1/n parts)."""
    if value is None:
        return "—"
    if indicator_id in AMOUNT_IDS:
        return number_fr(value, 0) + "\u00a0€"
    if float(value).is_integer():
        return number_fr(value, 0)
    return number_fr(value, 2)


def gap_text(gap: float | None, unit: str) -> str | None:
    if gap is None:
        return None
    sign = "+" if gap >= 0 else "−"
    text = format_value(abs(gap), unit)
    if unit == "%":  # a difference of percentages is in points
        text = text.replace(" %", "\u00a0points")
    return sign + text


def percentile_text(percentile: float | None) -> str:
    if percentile is None:
        return "—"
    return f"{number_fr(percentile, 0)}\u1d49 centile"


def years_of(rows: list[dict[str, Any]]) -> list[int]:
    return sorted({r["year"] for r in rows if r["year"] is not None})


def default_year(rows: list[dict[str, Any]]) -> int | None:
    """The most recent year with figures."""
    years = years_of(rows)
    return years[-1] if years else None


def card(row: dict[str, Any]) -> dict[str, Any]:
    """One indicator's figure with everything the page states about it."""
    ind = get(row["indicator_id"])
    unit = ind.unit
    return {
        "id": ind.id,
        "label": ind.label,
        "unit": unit,
        "value": row["value"],
        "value_text": format_value(row["value"], unit) if row["available"] else "non disponible",
        "available": row["available"],
        "reason": row.get("reason"),
        "numerator": quantity(row["numerator"], ind.id) if row["numerator"] is not None else None,
        "denominator": quantity(row["denominator"], ind.id),
        "numerator_text": ind.numerator,
        "denominator_text": ind.denominator,
        "target": row.get("target"),
        "target_text": format_value(row["target"], unit) if row.get("target") is not None else None,
        "gap": row.get("gap"),
        "gap_text": gap_text(row.get("gap"), unit),
        "peer_median_text": format_value(row.get("peer_median"), unit)
        if row.get("peer_median") is not None
        else "—",
        "peer_percentile_text": percentile_text(row.get("peer_percentile")),
        "peer_count": row.get("peer_count"),
        "higher_is_better": ind.higher_is_better,
        "territory_dependent": ind.territory_dependent,
    }


def cards_by_theme(rows: list[dict[str, Any]], year: int | None) -> list[dict[str, Any]]:
    """Indicators without categories for ``year``, grouped by theme in catalogue order."""
    by_id = {r["indicator_id"]: r for r in rows if r["year"] == year and r["category"] is None}
    groups: dict[str, list] = defaultdict(list)
    for ind in CATALOGUE:
        if ind.categories or ind.id == "data_quality":
            continue
        if ind.id in by_id:
            groups[ind.theme].append(card(by_id[ind.id]))
        else:
            groups[ind.theme].append(
                {
                    "id": ind.id,
                    "label": ind.label,
                    "unit": ind.unit,
                    "value": None,
                    "value_text": "non disponible",
                    "available": False,
                    "reason": "Aucun contrat de l'acheteur cette année-là.",
                    "numerator": None,
                    "denominator": "—",
                    "peer_median_text": "—",
                    "peer_percentile_text": "—",
                    "peer_count": None,
                    "target_text": None,
                    "gap_text": None,
                }
            )
    return [
        {"theme": theme, "label": THEMES[theme], "cards": groups[theme]}
        for theme in THEMES
        if groups.get(theme)
    ]


def category_rows(
    rows: list[dict[str, Any]], indicator_id: str, year: int | None
) -> list[dict[str, Any]]:
    """Category rows of an indicator for ``year``, in the plug-in's order, with labels."""
    ind = get(indicator_id)
    order = [c for c, _ in ind.categories]
    selected = [
        r for r in rows if r["indicator_id"] == indicator_id and r["year"] == year and r["category"]
    ]

    def label(category: str) -> str:
        if indicator_id == "data_quality":
            return _quality_rule_label(category)
        return ind.category_labels.get(category, category)

    out = [
        {**card(r), "category": r["category"], "category_label": label(r["category"])}
        for r in selected
    ]
    if order:
        out.sort(key=lambda r: order.index(r["category"]) if r["category"] in order else len(order))
    else:  # quality checklist: most frequent problems first
        out.sort(key=lambda r: (-(r["value"] or 0), r["category_label"]))
    return out


def trend_table(rows: list[dict[str, Any]]) -> tuple[list[int], list[dict[str, Any]]]:
    """Years, and one line per indicator without categories with its value per year."""
    years = years_of(rows)
    values: dict[str, dict[int, dict]] = defaultdict(dict)
    for r in rows:
        if r["category"] is None and r["year"] is not None:
            values[r["indicator_id"]][r["year"]] = r
    lines = []
    for ind in CATALOGUE:
        if ind.categories or ind.id not in values:
            continue
        cells = []
        for year in years:
            row = values[ind.id].get(year)
            value = row["value"] if row else None
            cells.append({"year": year, "value": value, "text": format_value(value, ind.unit)})
        lines.append({"id": ind.id, "label": ind.label, "unit": ind.unit, "cells": cells})
    return years, lines


def trend_series(lines: list[dict[str, Any]], indicator_id: str) -> list[float | None]:
    for line in lines:
        if line["id"] == indicator_id:
            return [c["value"] for c in line["cells"]]
    return []


def breakdown_table(
    rows: list[dict[str, Any]], dimension: str, year: int | None, labels: dict[str, str]
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """(columns = indicators, lines = values of the dimension) for ``year``."""
    selected = [r for r in rows if r["year"] == year]
    columns = [{"id": i, "label": get(i).label} for i in BREAKDOWN_IDS]
    by_key: dict[Any, dict[str, dict]] = defaultdict(dict)
    for r in selected:
        by_key[r[dimension]][r["indicator_id"]] = r
    lines = []
    for key in sorted(by_key, key=lambda k: (k is None, str(k))):
        cells = []
        for column in columns:
            r = by_key[key].get(column["id"])
            value = r["value"] if r else None
            cells.append(
                {
                    "value": value,
                    "text": format_value(value, "%"),
                    "detail": f"{quantity(r['numerator'], column['id'])} / "
                    f"{quantity(r['denominator'], column['id'])}"
                    if r and r["denominator"]
                    else "",
                }
            )
        name = "non renseigné" if key is None else labels.get(str(key), str(key))
        lines.append({"key": key, "label": name, "cells": cells})
    return columns, lines
