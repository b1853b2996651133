"""Territory parsing, validation and French labels."""

from __future__ import annotations

import pytest

from ancrage.enrichment import Territory, TerritoryError


@pytest.mark.parametrize("kind", ["commune", "epci", "departement", "region"])
def test_parse_administrative_kinds(kind: str) -> None:
    territory = Territory.parse(kind)
    assert territory == Territory(kind)
    assert territory.value is None
    assert str(territory) == kind


def test_parse_accented_spellings() -> None:
    assert Territory.parse("Département") == Territory("departement")
    assert Territory.parse("région") == Territory("region")


def test_parse_radius() -> None:
    assert Territory.parse("radius:30") == Territory("radius", 30.0)
    assert Territory.parse("radius:12,5km").value == 12.5
    assert str(Territory.parse("radius:30")) == "radius:30"
    assert Territory.parse("radius:30").label == "Dans un rayon de 30 km autour de l'acheteur"
    assert Territory.parse("radius:12.5").label == "Dans un rayon de 12,5 km autour de l'acheteur"


def test_parse_custom_list_sorted_and_deduplicated() -> None:
    territory = Territory.parse("custom:69266, 2A004,69266")
    assert territory.value == ("2A004", "69266")
    assert territory.label == "Liste personnalisée de 2 communes"
    assert str(territory) == "custom:2A004,69266"


def test_labels_are_french() -> None:
    assert Territory("departement").label == "Même département que l'acheteur"
    assert Territory("epci").label == "Même EPCI que l'acheteur"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("canton", "Territoire inconnu"),
        ("radius:abc", "Rayon illisible"),
        ("radius:0", "Rayon invalide"),
        ("radius:-3", "Rayon invalide"),
        ("custom:", "au moins un code commune"),
        ("custom:7505", "Codes commune INSEE invalides : 7505"),
        ("departement:69", "ne prend pas de valeur"),
    ],
)
def test_bad_territories_are_explained(text: str, message: str) -> None:
    with pytest.raises(TerritoryError, match=message):
        Territory.parse(text)
