"""Exports: JSON and CSV carry every entry, the clausier has one section per family."""

from __future__ import annotations

import csv
import json
import re

import pytest

from ancrage.clauses import load_library
from ancrage.clauses.export import (
    CSV_COLUMNS,
    export_csv,
    export_html,
    export_json,
    export_pdf,
)


@pytest.fixture(scope="module")
def shipped():
    return load_library()


def test_json_export_has_every_entry(shipped, tmp_path) -> None:
    document = json.loads(export_json(shipped, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(document["entries"]) == len(shipped.entries)
    assert len(document["families"]) == len(shipped.families)
    first = document["entries"][0]
    assert list(first) == ["id", "family", *[k for k in first if k not in ("id", "family")]]
    assert first == shipped.get(first["id"]).to_dict()


def test_csv_export_one_row_per_entry(shipped, tmp_path) -> None:
    path = export_csv(shipped, tmp_path / "r.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(shipped.entries)
    assert tuple(rows[0]) == CSV_COLUMNS
    by_id = {row["id"]: row for row in rows}
    row = by_id["EV-SOC-004"]
    assert row["legal_basis"] == "RES-03 | RES-01 | RES-02"
    assert row["decp_value"] == "Marché réservé"
    assert row["weight_min"] == row["weight_max"] == ""
    criterion = by_id["TRANSV-ENV-001"]
    assert (criterion["weight_min"], criterion["weight_max"]) == ("20", "100")
    assert criterion["cpv"] == ""


def test_html_clausier_groups_by_family_and_kind(shipped, tmp_path) -> None:
    html = export_html(shipped, tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    assert len(re.findall(r"<article id=", html)) == len(shipped.entries)
    assert len(re.findall(r'<section id="[a-z_]+">', html)) == len(shipped.families)
    # Table of contents: one link per family, with its entry count.
    toc = re.search(r"<nav>.*?</nav>", html, flags=re.S).group(0)
    assert toc.count("<li>") == len(shipped.families)
    assert '<a href="#transversal">Clauses transversales (tous achats)</a> (16)' in toc
    # Self-contained: no external stylesheet, script or image.
    assert "<link" not in html and "<script" not in html and "<img" not in html
    # Inside a family, kinds come in the order of the format: criteria before reserved contracts.
    section = re.search(r'<section id="transversal">.*?</section>', html, flags=re.S).group(0)
    assert section.index("<h3>Critère d&#x27;attribution</h3>") < section.index(
        "<h3>Marché réservé</h3>"
    )


def test_pdf_export(tmp_path, write_family, entry, criterion) -> None:
    library = load_library(write_family(entry, criterion))
    path = export_pdf(library, tmp_path / "r.pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
