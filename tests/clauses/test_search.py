"""Lookup, filters and French search over a small hand-built library and the shipped one."""

from __future__ import annotations

import copy

import pytest

from ancrage.clauses import load_library
from ancrage.clauses.text import fold, stem, terms


@pytest.fixture
def library(write_family, entry, criterion):
    """Three nettoyage entries with known titles, keywords and CPV codes."""
    vehicles = copy.deepcopy(entry)
    vehicles.update(
        id="NETT-ENV-003",
        title="Véhicules électriques pour les équipes de nettoyage",
        cpv=["90911"],
        keywords=["déplacements"],
        wording="Les équipes se déplacent avec des véhicules à faibles émissions.",
    )
    social = copy.deepcopy(entry)
    social.update(
        id="NETT-SOC-004",
        title="Clause d'insertion",
        pillar="social",
        cpv=[],
        decp_value=["Clause sociale"],
        keywords=["emploi"],
        wording="Heures d'insertion réservées ; les agents utilisent des produits écolabellisés.",
        legal_basis=["CR-05"],
    )
    return load_library(write_family(entry, criterion, vehicles, social))


def test_fold_and_stem() -> None:
    assert fold("Véhicules ÉLECTRIQUES, œuvre") == "vehicules electriques, oeuvre"
    assert stem("vehicules") == stem("véhicule".replace("é", "e")) == "vehicul"
    assert stem("vegetaux") == stem("vegetal") == "vegetal"
    assert stem("reseaux") == stem("reseau") == "reseau"
    assert stem("biosourcees") == stem("biosource") == "biosourc"
    assert terms("Les produits d'entretien") == ["produit", "entretien"]


def test_search_forgives_accents_case_and_plurals(library) -> None:
    assert [c.id for c in library.search("vehicule electrique")] == ["NETT-ENV-003"]
    assert [c.id for c in library.search("VÉHICULES ÉLECTRIQUES")] == ["NETT-ENV-003"]


def test_title_and_keywords_rank_above_wording(library) -> None:
    # "écolabel" is a keyword of three entries and only in the wording of the insertion clause.
    ids = [c.id for c in library.search("ecolabels")]
    assert ids == ["NETT-ENV-001", "NETT-ENV-002", "NETT-SOC-004"]


def test_search_keeps_entries_matching_every_word_when_some_do(library) -> None:
    assert [c.id for c in library.search("insertion emploi")] == ["NETT-SOC-004"]
    # No entry has both words: entries with one of them are returned, best first.
    assert [c.id for c in library.search("insertion vehicule")] == ["NETT-ENV-003", "NETT-SOC-004"]


def test_search_with_cpv_filter_and_limit(library) -> None:
    # NETT-ENV-003 is coded 90911: a 90919 purchase is outside it.
    assert library.search("vehicule", cpv="90919200") == []
    assert [c.id for c in library.search("vehicule", cpv="90911200")] == ["NETT-ENV-003"]
    # Only the entry without CPV (every CPV) applies to a works purchase.
    assert [c.id for c in library.search("ecolabel", cpv="45000000")] == ["NETT-SOC-004"]
    assert len(library.search("ecolabel", limit=1)) == 1
    assert library.search("le la des") == []


def test_search_by_id(library) -> None:
    assert library.search("nett-soc-004")[0].id == "NETT-SOC-004"


def test_find_filters(library) -> None:
    assert [c.id for c in library.find(kind="award_criterion")] == ["NETT-ENV-002"]
    assert [c.id for c in library.find(pillar="social")] == ["NETT-SOC-004"]
    assert [c.id for c in library.find(decp_value="Clause sociale")] == ["NETT-SOC-004"]
    # Prefix either way: the entry prefix 909 covers 90911200, and a query "90" covers prefix 909.
    assert [c.id for c in library.find(cpv="90919200")] == [
        "NETT-ENV-001",
        "NETT-ENV-002",
        "NETT-SOC-004",
    ]
    assert len(library.find(cpv="90")) == 4
    assert [c.id for c in library.find(cpv="45000000")] == ["NETT-SOC-004"]
    assert library.find(family="transversal") == []


def test_get_unknown_id(library) -> None:
    with pytest.raises(KeyError, match="entrée inconnue du référentiel : XX-ENV-001"):
        library.get("XX-ENV-001")


def test_shipped_library_search() -> None:
    library = load_library()
    found = library.search("vehicule electrique")
    assert {"VEH-ENV-001", "VEH-ENV-002"} <= {c.id for c in found}
    assert library.search("enrobes tiedes")[0].id == "TP-ENV-005"
    assert library.search("végétaux")[0].id == "EV-ENV-003"
    for clause in library.search("insertion", cpv="45233140"):
        assert clause.applies_to_cpv("45233140")
        assert (
            clause.family in {"travaux_batiment", "travaux_publics_voirie", "transversal"}
            or clause.cpv
        )
