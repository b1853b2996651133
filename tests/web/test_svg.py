"""The SVG helpers (charts and maps): accessible, offline, missing values never drawn as 0."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from ancrage.web.observatory import charts, maps

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg)  # well-formed XML: usable as is in a PDF
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    return root


def test_line_chart_leaves_a_gap_for_missing_values():
    svg = charts.line_chart(
        ["2022", "2023", "2024", "2025"],
        [charts.Series("Part sociale", [10.0, None, 30.0, 40.0])],
        unit="%",
        title="Évolution",
        desc="2022 : 10 %, 2023 : non disponible, 2024 : 30 %, 2025 : 40 %",
        target=30.0,
        y_max=100.0,
    )
    root = parse(svg)
    # Three points, and one line only from 2024 to 2025: no segment through the missing year.
    assert len(root.findall(f"{SVG}circle")) == 3
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    assert "Objectif 30,0\u00a0%" in svg
    # y axis 0-100 over 204 px (260 - 16 - 40): 30 % sits at 16 + 204 × 0.7 = 158.8.
    target = [el for el in root.findall(f"{SVG}line") if el.get("stroke") == charts.TARGET]
    assert target[0].get("y1") == "158.8"


def test_bar_chart_writes_not_available_instead_of_zero():
    svg = charts.bar_chart(
        [("Travaux", 50.0), ("Services", None)],
        unit="%",
        title="Par famille",
        desc="Travaux 50 %, services non disponible",
        x_max=100.0,
    )
    root = parse(svg)
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == 1
    # 640 - 230 - 70 = 340 px for 100 %: 50 % is 170 px wide.
    assert rects[0].get("width") == "170.0"
    assert "non disponible" in svg


def test_progress_bar_against_a_target():
    root = parse(charts.progress(25.0, 30.0, label="Part sociale", width=200))
    filled = root.findall(f"{SVG}rect")[1]
    assert filled.get("width") == "50.0"  # 25 % of 200 px
    assert root.find(f"{SVG}line").get("x1") == "60.0"  # 30 % of 200 px
    assert "25,0\u00a0% pour un objectif de 30,0\u00a0%" in root.find(f"{SVG}desc").text


def test_outlines_shipped_with_the_package():
    departements = maps.outlines("departements")
    regions = maps.outlines("regions")
    assert len(departements) == 101 and len(regions) == 18
    assert departements["35"]["name"] == "Ille-et-Vilaine" and departements["35"]["region"] == "53"
    assert sorted(c for c, f in departements.items() if f["region"] == "53") == [
        "22",
        "29",
        "35",
        "56",
    ]
    assert (maps.GEODATA / "departements.json").stat().st_size < 1_000_000


def test_frame_projection():
    frame = maps.Frame(0.0, 40.0, 10.0, 50.0, width=508, pad=4)
    # Corners map to the padding; the scale keeps longitudes × cos(45°).
    assert frame.xy(0.0, 50.0) == (4.0, 4.0)
    x, y = frame.xy(10.0, 40.0)
    assert round(x, 6) == 504.0
    assert round(y, 3) == round(4 + 10 * 500 / (10 * 0.7071067811865476), 3)
    assert frame.contains(5.0, 45.0) and not frame.contains(-61.5, 16.2)


def test_choropleth_classes_and_colours():
    assert maps.classes([0.0, 50.0, None]) == [10.0, 20.0, 30.0, 40.0, 50.0]
    bounds = maps.classes([0.0, 50.0])
    assert maps.colour_of(0.0, bounds) == maps.PALETTE[0]
    assert maps.colour_of(35.0, bounds) == maps.PALETTE[3]
    assert maps.colour_of(50.0, bounds) == maps.PALETTE[-1]
    assert maps.colour_of(None, bounds) == maps.NO_DATA
    svg = maps.choropleth(
        {"35": 40.0, "29": 10.0, "22": None},
        level="departements",
        frame=maps.Frame.around(["22", "29", "35", "56"]),
        unit="%",
        title="Part sociale",
        desc="Ille-et-Vilaine 40 %, Finistère 10 %, Côtes-d'Armor non disponible",
        highlight="35",
    )
    parse(svg)
    colours = {
        code: fill for fill, code in re.findall(r'fill="(#\w+)"[^>]*data-code="(\d\d)"', svg)
    }
    assert colours["35"] == maps.PALETTE[-1] and colours["29"] == maps.PALETTE[0]
    assert colours["22"] == maps.NO_DATA and colours["56"] == "#ffffff"


def test_points_map_draws_only_what_is_in_the_frame():
    frame = maps.metro_frame()
    points = [
        maps.Point(-1.68, 48.11, "Rennes", True, 100.0),
        maps.Point(-61.5, 16.2, "Pointe-à-Pitre", False, 10.0),  # overseas: outside the frame
    ]
    svg = maps.points_map(frame, points, title="Titulaires", desc="2 titulaires, 1 hors cadre")
    root = parse(svg)
    titled = [c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert [c.find(f"{SVG}title").text for c in titled] == ["Rennes"]
    assert titled[0].get("fill") == maps.LOCAL


def test_convex_hull_keeps_the_outer_points_only():
    points = [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1), (1, 0), (0, 0)]
    assert sorted(maps.convex_hull(points)) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert maps.convex_hull([(1, 1), (1, 1)]) == [(1, 1)]


def test_an_area_known_by_points_is_drawn_and_labelled():
    area = maps.PointArea(((-1.68, 48.11), (-1.6, 48.2), (-1.75, 48.05)), "EPCI : 3 communes")
    svg = maps.choropleth(
        {"35": 40.0},
        level="departements",
        frame=maps.Frame.around(["35"]),
        unit="%",
        title="Carte",
        desc="Un EPCI dessiné par ses communes.",
        area=area,
    )
    root = parse(svg)
    dots = [c for c in root.iter(f"{SVG}circle") if c.get("r") == "1.8"]
    assert len(dots) == 4  # three communes and the legend's sample
    hull = [p for p in root.iter(f"{SVG}polygon") if p.get("stroke-dasharray")]
    assert len(hull) == 1 and len(hull[0].get("points").split()) == 3
    assert "EPCI : 3 communes" in svg
