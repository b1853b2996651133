"""A broken entry is rejected with a French message naming the file, the entry and the field."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ancrage.clauses import ClauseLibraryError, load_library


def _error(folder) -> ClauseLibraryError:
    with pytest.raises(ClauseLibraryError) as caught:
        load_library(folder)
    return caught.value


def test_valid_file_loads(write_family, entry, criterion) -> None:
    library = load_library(write_family(entry, criterion))
    assert [c.id for c in library.entries] == ["NETT-ENV-001", "NETT-ENV-002"]
    assert library.get("nett-env-002").weight_range == (10, 20)
    assert library.get("NETT-ENV-001").family == "nettoyage"
    assert library.families == {"nettoyage": ("Nettoyage", 1)}


@pytest.mark.parametrize("field", ["wording", "legal_basis", "decp_value", "eforms", "sources"])
def test_missing_field_is_rejected(write_family, entry, field) -> None:
    del entry[field]
    error = _error(write_family(entry))
    assert error.problems == [
        f"nettoyage.yaml, entrée NETT-ENV-001 : champ obligatoire manquant : « {field} »"
    ]


def test_unknown_field_is_rejected(write_family, entry) -> None:
    entry["commentaire"] = "brouillon"
    assert _error(write_family(entry)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-001 : champ inconnu : « commentaire »"
    ]


@pytest.mark.parametrize("bad_id", ["NETT-ENV-1", "nett-env-001", "NETT-ENVI-001", "N-ENV-001"])
def test_bad_id_format_is_rejected(write_family, entry, bad_id) -> None:
    entry["id"] = bad_id
    (problem,) = _error(write_family(entry)).problems
    assert problem.startswith(
        f"nettoyage.yaml, entrée {bad_id}, champ « id » : valeur « {bad_id} »"
    )
    assert "format incorrect" in problem


def test_id_prefix_must_match_family(write_family, entry) -> None:
    entry["id"] = "RESTO-ENV-001"
    assert _error(write_family(entry)).problems == [
        "nettoyage.yaml, entrée RESTO-ENV-001, champ « id » : le préfixe doit être NETT pour la "
        "famille nettoyage"
    ]


def test_id_pillar_segment_must_match_pillar(write_family, entry) -> None:
    entry["id"] = "NETT-SOC-001"
    (problem,) = _error(write_family(entry)).problems
    assert problem == (
        "nettoyage.yaml, entrée NETT-SOC-001, champ « id » : le segment SOC ne correspond pas au "
        "pilier environmental (attendu ENV)"
    )


def test_unknown_rule_id_is_rejected(write_family, entry) -> None:
    entry["legal_basis"] = ["CR-03", "CR-99"]
    assert _error(write_family(entry)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-001, champ « legal_basis » : règle inconnue de "
        "legal-rules.md : CR-99"
    ]


def test_criterion_without_weight_range_is_rejected(write_family, criterion) -> None:
    criterion["weight_range"] = None
    assert _error(write_family(criterion)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-002, champ « weight_range » : fourchette de pondération "
        "[min, max] obligatoire pour un critère d'attribution ou un sous-critère"
    ]


def test_condition_with_weight_range_is_rejected(write_family, entry) -> None:
    entry["weight_range"] = [5, 10]
    assert _error(write_family(entry)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-001, champ « weight_range » : doit valoir null : seuls "
        "les critères et sous-critères ont une pondération"
    ]


def test_inverted_weight_range_is_rejected(write_family, criterion) -> None:
    criterion["weight_range"] = [30, 10]
    assert _error(write_family(criterion)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-002, champ « weight_range » : le minimum dépasse le "
        "maximum ([30, 10])"
    ]


def test_weight_above_100_is_rejected(write_family, criterion) -> None:
    criterion["weight_range"] = [10, 120]
    (problem,) = _error(write_family(criterion)).problems
    assert problem == (
        "nettoyage.yaml, entrée NETT-ENV-002, champ « weight_range.1 » : valeur 120 hors bornes "
        "(attendu entre 1 et 100)"
    )


def test_duplicate_id_is_rejected(write_family, entry) -> None:
    twin: dict[str, Any] = {**entry, "title": "Autre titre"}
    assert _error(write_family(entry, twin)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-001, champ « id » : identifiant en double (déjà utilisé "
        "dans nettoyage.yaml)"
    ]


def test_bad_enum_values_are_rejected(write_family, entry) -> None:
    entry["kind"] = "clause"
    entry["decp_value"] = ["Clause verte"]
    problems = _error(write_family(entry)).problems
    assert problems[0].startswith(
        "nettoyage.yaml, entrée NETT-ENV-001, champ « decp_value.0 » : valeur « Clause verte » non admise"
    )
    assert problems[1].startswith(
        "nettoyage.yaml, entrée NETT-ENV-001, champ « kind » : valeur « clause » non admise"
    )


def test_environmental_entry_needs_a_decp_value(write_family, entry) -> None:
    entry["decp_value"] = []
    assert _error(write_family(entry)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-001, champ « decp_value » : la liste ne doit pas être vide"
    ]


def test_decp_value_must_match_kind(write_family, criterion) -> None:
    criterion["decp_value"] = ["Clause environnementale"]
    assert _error(write_family(criterion)).problems == [
        "nettoyage.yaml, entrée NETT-ENV-002, champ « decp_value » : valeur(s) Clause "
        "environnementale incompatible(s) avec un critère"
    ]


def test_reserved_contract_needs_res_rule_and_decp_value(write_family, entry) -> None:
    entry.update(
        id="NETT-SOC-003", kind="reserved_contract", pillar="social", decp_value=["Clause sociale"]
    )
    assert _error(write_family(entry)).problems == [
        "nettoyage.yaml, entrée NETT-SOC-003, champ « decp_value » : un marché réservé se déclare "
        "« Marché réservé »",
        "nettoyage.yaml, entrée NETT-SOC-003, champ « legal_basis » : un marché réservé cite une "
        "règle RES-01 à RES-05",
    ]


def test_bad_cpv_is_rejected(write_family, entry) -> None:
    entry["cpv"] = ["9091-0000"]
    (problem,) = _error(write_family(entry)).problems
    assert re.match(
        r"nettoyage\.yaml, entrée NETT-ENV-001, champ « cpv\.0 » : valeur « 9091-0000 »", problem
    )


def test_file_name_must_match_family(write_family, entry) -> None:
    folder = write_family(entry, filename="menage.yaml")
    assert _error(folder).problems == [
        "menage.yaml : le fichier doit s'appeler nettoyage.yaml (champ « family »)"
    ]


def test_unreadable_yaml_is_rejected(tmp_path) -> None:
    (tmp_path / "nettoyage.yaml").write_text("family: [nettoyage\n", encoding="utf-8")
    (problem,) = _error(tmp_path).problems
    assert problem.startswith("nettoyage.yaml : YAML illisible")


def test_message_of_the_exception_lists_the_problem(write_family, entry) -> None:
    del entry["keywords"]
    assert str(_error(write_family(entry))) == (
        "Référentiel invalide : nettoyage.yaml, entrée NETT-ENV-001 : champ obligatoire manquant : "
        "« keywords »"
    )
