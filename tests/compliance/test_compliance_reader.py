"""Reading and validating a consultation: French errors naming the field, derived family."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ancrage.compliance import ConsultationError, load_consultation, parse_consultation

from .builders import consultation


@pytest.mark.parametrize(
    ("cpv", "family"),
    [
        ("45233140", "works"),
        ("03142000", "supplies"),
        ("44000000", "supplies"),
        ("48000000", "supplies"),
        ("50000000", "services"),
        ("98000000", "services"),
    ],
)
def test_family_derived_from_cpv_division(cpv: str, family: str) -> None:
    result = parse_consultation(consultation(cpv=cpv))
    assert result.family == family and result.family_derived


def test_stated_family_wins_and_french_aliases() -> None:
    result = parse_consultation(consultation(family="fournitures"))
    assert result.family == "supplies" and not result.family_derived


def test_cpv_given_as_a_number_gets_its_leading_zero_back() -> None:
    assert parse_consultation(consultation(cpv=3142000)).cpv == "03142000"
    assert parse_consultation(consultation(cpv="55523100-3")).cpv == "55523100"


def test_unknown_cpv_division_without_family() -> None:
    with pytest.raises(ConsultationError, match="division 99"):
        parse_consultation(consultation(cpv="99000000"))


def test_zero_led_cpv_in_yaml_is_not_read_as_an_octal_number(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "object: Fruits\ncpv: 03222000\nestimated_amount_ht: 10000\nlaunch_date: 2026-10-01\n"
        "procedure: Procédure adaptée\nbuyer_kind: state\n",
        encoding="utf-8",
    )
    result = load_consultation(path)
    assert result.cpv == "03222000"
    assert result.procedure == "mapa"
    assert result.launch_date == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"object": None}, "champ « object » obligatoire manquant"),
        ({"estimated_amount_ht": -1}, "montant négatif"),
        ({"estimated_amount_ht": True}, "nombre attendu"),
        ({"procedure": "gré à gré"}, "champ « procedure » : valeur 'gré à gré' inconnue"),
        ({"reserved": "esat"}, "champ « reserved »"),
        (
            {"award_criteria": [{"name": "Prix", "weight": 50, "kind": "prix"}]},
            "award_criteria[0].kind",
        ),
        ({"award_criteria": [{"weight": 50, "kind": "price"}]}, "award_criteria[0].name"),
        ({"execution_conditions": [{"kind": "social"}]}, "execution_conditions[0].description"),
        ({"technical_specifications": [3]}, "technical_specifications[0]"),
        ({"lots": "deux lots"}, "champ « lots » : liste attendue"),
        ({"sourcing": {"actions": "x"}}, "sourcing.done"),
        ({"publicity": ["journal"]}, "champ « publicity »"),
        ({"fleet_size": 2.5}, "fleet_size"),
        ({"defence_security": "oui"}, "defence_security"),
    ],
)
def test_invalid_fields_are_named_in_french(changes: dict, message: str) -> None:
    with pytest.raises(ConsultationError) as error:
        parse_consultation(consultation(**changes))
    assert message in str(error.value)


def test_reserved_null_means_none() -> None:
    assert parse_consultation(consultation(reserved=None)).reserved == "none"
    data = consultation()
    data["reserved"] = None
    assert parse_consultation(data).reserved == "none"
