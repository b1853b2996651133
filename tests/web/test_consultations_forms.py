"""The consultation form against the checker's format: round trips, row rules, French errors.

``post_for`` (the POST a browser sends for a stored description) is shared by the other
consultation tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ancrage.compliance import check_consultation, parse_consultation
from ancrage.web.consultations import vocabulary
from ancrage.web.consultations.documents import jsonable, parse_document, to_json, to_yaml
from ancrage.web.consultations.editor import ConsultationEditor

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "exemples" / "consultations"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def example(name: str) -> dict[str, Any]:
    return jsonable(parse_document((EXAMPLES / name).read_bytes(), name))


def post_for(data: dict[str, Any]) -> dict[str, Any]:
    """What the edit page's form sends, unchanged, for the stored description ``data``."""
    editor = ConsultationEditor(data=data)
    forms = [editor.form]
    for formset in editor.rowsets.values():
        forms += [formset.management_form, *formset.forms]
    post: dict[str, Any] = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            post[bound.html_name] = "on" if value is True else value
    return post


def minimal(**changes: Any) -> dict[str, Any]:
    return {
        "object": "Nettoyage des locaux de la mairie",
        "cpv": "90911200",
        "estimated_amount_ht": 80000,
        "launch_date": "2026-10-01",
        "procedure": "mapa",
        "buyer_kind": "local_authority",
        **changes,
    }


def test_labels_cover_the_checker_vocabularies_exactly() -> None:
    for labels, values in vocabulary.VOCABULARIES:
        assert tuple(labels) == tuple(values)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_survives_the_form_unchanged(name: str) -> None:
    data = example(name)
    editor = ConsultationEditor(post_for(data))
    assert editor.is_valid(), editor.errors()
    again = editor.to_data()
    assert parse_consultation(again) == parse_consultation(data)
    assert check_consultation(parse_consultation(again)) == check_consultation(
        parse_consultation(data)
    )


def test_form_output_in_the_checker_format() -> None:
    post = post_for(minimal())
    post.update(
        {
            "criteres-0-name": "Prix",
            "criteres-0-weight": "60",
            "criteres-0-kind": "price",
            "criteres-1-name": "Gestion écologique",
            "criteres-1-weight": "40.5",
            "criteres-1-kind": "environmental",
            "criteres-1-description": "Produits écolabellisés ou équivalents.",
            "lots-0-title": "Lot unique",
            "lots-1-title": "Lot 2",
            "lots-1-estimated_amount_ht": "30000",
            "specifications-0-description": "Produits sans solvant.",
            "specifications-0-kind": "environmental",
            "sourcing": "no",
            "publicity": ["boamp", "profil_acheteur"],
            "dce_free_access": "yes",
            "justifications": "cr-05 : pas de main-d'œuvre\n\nTH-08: chiffre d'affaires justifié",
            "defence_security": "on",
        }
    )
    editor = ConsultationEditor(post)
    assert editor.is_valid(), editor.errors()
    assert editor.to_data() == {
        "object": "Nettoyage des locaux de la mairie",
        "cpv": "90911200",
        "estimated_amount_ht": 80000,
        "launch_date": "2026-10-01",
        "procedure": "mapa",
        "buyer_kind": "local_authority",
        "lots": ["Lot unique", {"title": "Lot 2", "estimated_amount_ht": 30000}],
        "award_criteria": [
            {"name": "Prix", "weight": 60, "kind": "price", "description": ""},
            {
                "name": "Gestion écologique",
                "weight": 40.5,
                "kind": "environmental",
                "description": "Produits écolabellisés ou équivalents.",
            },
        ],
        "technical_specifications": [
            {"description": "Produits sans solvant.", "kind": "environmental"}
        ],
        "reserved": "none",
        "sourcing": {"done": False},
        "justifications": {"CR-05": "pas de main-d'œuvre", "TH-08": "chiffre d'affaires justifié"},
        "defence_security": True,
        "publicity": ["boamp", "profil_acheteur"],
        "dce_free_access": True,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"criteres-0-weight": "30"}, "Critères d'attribution, ligne 1 — Nom du critère : Champ obligatoire pour une ligne remplie."),
        ({"criteres-0-name": "Prix"}, "Critères d'attribution, ligne 1 — Nature : Choisissez la nature."),
        ({"conditions-0-description": "Tri des déchets."}, "Conditions d'exécution, ligne 1 — Nature : Choisissez la nature."),
        ({"criteres-0-name": "Prix", "criteres-0-kind": "price", "criteres-0-weight": "120"}, "Critères d'attribution, ligne 1 — Pondération (%) : Assurez-vous que cette valeur est inférieure ou égale à 100."),
        ({"justifications": "CR-05 sans deux-points"}, "Obligations volontairement écartées et leurs motifs : Ligne 1 : écrivez « IDENTIFIANT : motif » (ex. « CR-05 : … »)."),
        ({"sourcing_actions": "Réunion ouverte."}, "Sourcing réalisé : Indiquez si le sourcing a été réalisé."),
        ({"estimated_amount_ht": "-5"}, "Valeur estimée du besoin (€ HT) : Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"object": ""}, "Objet du marché : Ce champ est obligatoire."),
    ],
)  # fmt: skip
def test_row_and_field_errors_are_french_and_named(changes: dict, message: str) -> None:
    post = {**post_for(minimal()), **changes}
    editor = ConsultationEditor(post)
    assert not editor.is_valid()
    assert message in editor.errors()


def test_blank_rows_are_ignored() -> None:
    editor = ConsultationEditor(post_for(minimal()))
    assert editor.is_valid()
    assert "award_criteria" not in editor.to_data()
    assert "lots" not in editor.to_data()


def test_yaml_and_json_exports_read_back_identically() -> None:
    data = example("restauration-scolaire.yaml")
    assert parse_document(to_yaml(data).encode(), "c.yaml") == data
    assert parse_document(to_json(data).encode(), "c.json") == data


def test_yaml_keeps_zero_led_cpv_codes_as_text() -> None:
    text = yaml.safe_dump(minimal(cpv="03222000")).replace("'03222000'", "03222000")
    assert parse_document(text.encode(), "c.yml")["cpv"] == "03222000"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"object: [", "c.yaml", "YAML invalide ligne 1, colonne 10 (vérifiez l'indentation"),
        (b'{"object": ', "c.json", "JSON invalide ligne 1, colonne 12"),
        (b"- a\n- b\n", "c.yaml", "la consultation doit être un objet (clé : valeur)"),
        ("objet: été".encode("latin-1"), "c.yaml", "le fichier doit être encodé en UTF-8"),
        (b"object: x", "c.txt", "format de fichier non reconnu (« .txt »)"),
    ],
)
def test_unreadable_documents_give_french_errors(content: bytes, name: str, message: str) -> None:
    from ancrage.compliance import ConsultationError

    with pytest.raises(ConsultationError) as error:
        parse_document(content, name)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("publicity", "expected"),
    [(None, None), ([], ()), (["boamp", "jal"], ("boamp", "jal"))],
)
def test_publicity_not_stated_differs_from_none_at_all(publicity, expected) -> None:
    data = minimal() if publicity is None else minimal(publicity=publicity)
    editor = ConsultationEditor(post_for(data))
    assert editor.is_valid(), editor.errors()
    assert parse_consultation(editor.to_data()).publicity == expected


def test_no_publicity_excludes_other_media() -> None:
    editor = ConsultationEditor({**post_for(minimal()), "publicity": ["aucune", "boamp"]})
    assert not editor.is_valid()
    assert "Publicité prévue : « Aucune publicité » exclut les autres supports." in editor.errors()
