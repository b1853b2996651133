"""The generated documentation pages exist for every indicator and are up to date."""

from __future__ import annotations

from pathlib import Path

from ancrage.indicators import docs
from ancrage.indicators.registry import CATALOGUE

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicateurs"
SECTIONS = (
    "## Définition",
    "## Méthode",
    "## Exemple",
    "## Pourquoi c'est utile",
    "## Sortie",
    "## Paramètres",
    "## Exclusions",
    "## Hypothèses",
)


def test_pages_are_up_to_date() -> None:
    assert docs.stale(DOCS) == [], "lancer : python -m ancrage.indicators.docs"


def test_every_page_has_the_fixed_sections() -> None:
    for ind in CATALOGUE:
        text = (DOCS / f"{ind.id}.md").read_text(encoding="utf-8")
        positions = [text.index(section) for section in SECTIONS]
        assert positions == sorted(positions), ind.id
        assert f"`{ind.id}`" in text


def test_check_mode_reports_a_stale_page(tmp_path: Path) -> None:
    docs.write(tmp_path)
    (tmp_path / "social_share.md").write_text("modifiée à la main\n", encoding="utf-8")
    (tmp_path / "ancien.md").write_text("indicateur supprimé\n", encoding="utf-8")
    assert docs.main(["--check", str(tmp_path)]) == 1
    assert docs.stale(tmp_path) == ["ancien.md", "social_share.md"]
