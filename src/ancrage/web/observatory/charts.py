"""Server-side SVG charts (no JavaScript, no network), reusable as is in PDF reports.

Every chart is a self-contained ``<svg>`` string with ``role="img"``, a ``<title>`` and a
``<desc>`` (the text summary); the pages always show the data table next to it. Missing values
(``None``, "not available") are drawn as gaps and never as zero. Colours are those of the State
design system (DSFR) and keep a contrast ratio of at least 3:1 on white.

No Django here: the PDF reports of a later issue call the same functions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BLUE = "#000091"  # bleu France
COLOURS = ("#000091", "#c9191e", "#18753c", "#b34000", "#6e445a", "#3a3a3a")
TARGET = "#c9191e"
GRID = "#dddddd"
TEXT = "#161616"
MUTED = "#666666"
FONT = 'font-family="Marianne, Arial, sans-serif"'
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One line of a line chart: ``values`` aligned with the chart's x labels."""

    label: str
    values: Sequence[float | None]


def number_fr(value: float, decimals: int = 1) -> str:
    """``1234.5`` → ``1 234,5`` (narrow no-break space, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _fmt(value: float, unit: str) -> str:
    decimals = 0 if unit == "indice" or abs(value) >= 1000 else 1
    text = number_fr(value, decimals)
    return f"{text}\u00a0{unit}" if unit in ("%", "km") else text


def _open(width: int, height: int, title: str, desc: str, css_class: str) -> tuple[str, str]:
    uid = f"ancrage-svg-{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {width} '
        f'{height}" width="100%" role="img" aria-labelledby="{uid}-t {uid}-d" {FONT}>'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
    )
    return head, uid


def _nice_max(value: float) -> float:
    """A round upper bound for the axis (100 for shares close to 100)."""
    if value <= 0:
        return 1.0
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1)
        bound = step * magnitude
        if bound >= value:
            return float(bound)
    return float(value)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str,
    title: str,
    desc: str,
    target: float | None = None,
    y_max: float | None = None,
    width: int = 640,
    height: int = 260,
) -> str:
    """Lines over ``x_labels`` (years), an optional dashed target line, a legend below."""
    left, right, top, bottom = 56, 16, 16, 40
    legend_h = 20 * len(series)
    values = [v for s in series for v in s.values if v is not None]
    top_value = y_max or _nice_max(max([*values, target or 0.0, 0.0]))
    plot_w, plot_h = width - left - right, height - top - bottom
    total_h = height + legend_h
    head, _ = _open(width, total_h, title, desc, "ancrage-chart")
    parts = [head]

    def y_of(value: float) -> float:
        return top + plot_h - (value / top_value) * plot_h

    step = plot_w / max(len(x_labels) - 1, 1)

    def x_of(index: int) -> float:
        return left + (index * step if len(x_labels) > 1 else plot_w / 2)

    for i in range(5):
        value = top_value * i / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{escape(_fmt(value, unit))}</text>'
        )
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'font-size="12" fill="{TEXT}">{escape(label)}</text>'
        )
    if target is not None:
        y = y_of(target)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{TARGET}" '
            f'stroke-dasharray="6 4" stroke-width="2"/><text x="{width - right}" y="{y - 5:.1f}" '
            f'text-anchor="end" font-size="11" fill="{TARGET}">Objectif '
            f"{escape(_fmt(target, unit))}</text>"
        )
    for index, (s, colour) in enumerate(zip(series, itertools.cycle(COLOURS), strict=False)):
        segment: list[str] = []
        segments = []
        for i, value in enumerate(s.values):
            if value is None:  # a gap, never a drop to zero
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x_of(i):.1f},{y_of(value):.1f}")
            parts.append(
                f'<circle cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" r="4" fill="{colour}">'
                f"<title>{escape(s.label)}, {escape(x_labels[i])} : "
                f"{escape(_fmt(value, unit))}</title></circle>"
            )
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    'stroke-width="2.5"/>'
                )
        y = height + 20 * index + 4
        parts.append(
            f'<rect x="{left}" y="{y}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{left + 20}" y="{y + 6}" font-size="12" fill="{TEXT}">'
            f"{escape(s.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    *,
    unit: str,
    title: str,
    desc: str,
    target: float | None = None,
    x_max: float | None = None,
    width: int = 640,
    highlight: str | None = None,
) -> str:
    """Horizontal bars, one per (label, value); "non disponible" written for a missing value."""
    label_w, right, row_h, top = 230, 70, 26, 8
    height = top * 2 + row_h * max(len(bars), 1) + (18 if target is not None else 0)
    values = [v for _, v in bars if v is not None]
    top_value = x_max or _nice_max(max([*values, target or 0.0, 0.0]))
    plot_w = width - label_w - right
    head, _ = _open(width, height, title, desc, "ancrage-chart")
    parts = [head]
    for i, (label, value) in enumerate(bars):
        y = top + i * row_h
        short = label if len(label) <= 34 else label[:33] + "…"
        weight = ' font-weight="bold"' if highlight is not None and label == highlight else ""
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}"{weight}><title>{escape(label)}</title>{escape(short)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{label_w}" y="{y + 17}" font-size="12" fill="{MUTED}" '
                'font-style="italic">non disponible</text>'
            )
            continue
        bar_w = max(plot_w * min(value, top_value) / top_value, 1 if value > 0 else 0)
        colour = TARGET if highlight is not None and label == highlight else BLUE
        parts.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{bar_w:.1f}" height="16" fill="{colour}">'
            f"<title>{escape(label)} : {escape(_fmt(value, unit))}</title></rect>"
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 17}" font-size="12" fill="{TEXT}">'
            f"{escape(_fmt(value, unit))}</text>"
        )
    if target is not None:
        x = label_w + plot_w * min(target, top_value) / top_value
        bottom = top + row_h * len(bars)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="{TARGET}" '
            f'stroke-dasharray="5 3" stroke-width="2"/><text x="{x:.1f}" y="{bottom + 14}" '
            f'text-anchor="middle" font-size="11" fill="{TARGET}">Objectif '
            f"{escape(_fmt(target, unit))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def progress(value: float | None, target: float, *, label: str, width: int = 220) -> str:
    """A small bar: the value against a target (for the gap to the PNAD targets)."""
    head, _ = _open(
        width,
        22,
        label,
        "Valeur non disponible"
        if value is None
        else f"{_fmt(value, '%')} pour un objectif de {_fmt(target, '%')}",
        "ancrage-progress",
    )
    parts = [head, f'<rect x="0" y="5" width="{width}" height="12" fill="#eeeeee"/>']
    if value is not None:
        filled = width * max(0.0, min(value, 100.0)) / 100.0
        parts.append(f'<rect x="0" y="5" width="{filled:.1f}" height="12" fill="{BLUE}"/>')
    x = width * min(target, 100.0) / 100.0
    x = min(x, width - 1.5)
    parts.append(
        f'<line x1="{x:.1f}" x2="{x:.1f}" y1="1" y2="21" stroke="{TARGET}" stroke-width="3"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
