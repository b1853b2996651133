"""The consultation form: one main form and four row sets, converted to and from the checker format.

Every field of the checker's input (``docs/conformite.md``) has a place in the form, so that
editing an imported file never drops a value.
"""

from __future__ import annotations

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm

from ancrage.web.consultations import vocabulary as v

# Publicity: nothing ticked means "not stated" (None); this choice means "none at all" ([]).
NO_PUBLICITY = "aucune"
TRI_STATE = [("", "Non renseigné"), ("yes", "Oui"), ("no", "Non")]
_TEXTAREA = {"rows": 2}


def number(value: float | None) -> float | int | None:
    """Whole numbers written without ``.0`` so that exported files read naturally."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


class ConsultationForm(DsfrBaseForm):
    object = forms.CharField(
        label="Objet du marché", widget=forms.Textarea(attrs=_TEXTAREA), max_length=2000
    )
    cpv = forms.CharField(
        label="Code CPV principal",
        max_length=12,
        help_text="8 chiffres, avec ou sans clé de contrôle : 77310000 ou 77310000-6.",
    )
    family = forms.ChoiceField(
        label="Nature du marché",
        choices=[("", "Déduite du code CPV"), *v.choices(v.FAMILY_LABELS)],
        required=False,
    )
    estimated_amount_ht = forms.FloatField(
        label="Valeur estimée du besoin (€ HT)",
        min_value=0,
        help_text="Toute la durée, tous lots, options et reconductions compris.",
    )
    launch_date = forms.DateField(
        label="Date de lancement de la consultation",
        help_text="Date d'envoi de l'avis : c'est elle qui déclenche les règles datées.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    procedure = forms.ChoiceField(label="Procédure", choices=v.choices(v.PROCEDURE_LABELS))
    buyer_kind = forms.ChoiceField(label="Type d'acheteur", choices=v.choices(v.BUYER_KIND_LABELS))
    no_lots_justification = forms.CharField(
        label="Motif du non-allotissement",
        widget=forms.Textarea(attrs=_TEXTAREA),
        required=False,
        help_text="À remplir si le marché n'est pas divisé en lots.",
    )
    reserved = forms.ChoiceField(
        label="Marché réservé", choices=v.choices(v.RESERVED_LABELS), initial="none"
    )
    sourcing = forms.ChoiceField(label="Sourcing réalisé", choices=TRI_STATE, required=False)
    sourcing_actions = forms.CharField(
        label="Sourcing : ce qui a été fait",
        widget=forms.Textarea(attrs=_TEXTAREA),
        required=False,
    )
    publicity = forms.MultipleChoiceField(
        label="Publicité prévue",
        help_text="Ne rien cocher si ce n'est pas encore décidé.",
        choices=[(NO_PUBLICITY, "Aucune publicité"), *v.choices(v.PUBLICITY_LABELS)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    justifications = forms.CharField(
        label="Obligations volontairement écartées et leurs motifs",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Une par ligne : identifiant de la règle, deux-points, motif. "
        "Exemple : « CR-05 : fournitures sur catalogue, sans main-d'œuvre sur place ».",
    )
    duration_months = forms.FloatField(label="Durée (mois)", min_value=0, required=False)
    min_turnover_required = forms.FloatField(
        label="Chiffre d'affaires minimal exigé (€ HT)", min_value=0, required=False
    )
    dce_free_access = forms.ChoiceField(
        label="Documents de la consultation gratuits", choices=TRI_STATE, required=False
    )
    abnormally_low_offers = forms.CharField(
        label="Traitement des offres anormalement basses",
        widget=forms.Textarea(attrs=_TEXTAREA),
        required=False,
    )
    rejected_bidders_information = forms.CharField(
        label="Information des candidats évincés",
        widget=forms.Textarea(attrs=_TEXTAREA),
        required=False,
    )
    fleet_size = forms.IntegerField(
        label="Taille de la flotte de véhicules", min_value=0, required=False
    )
    defence_security = forms.BooleanField(label="Marché de défense ou de sécurité", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if NO_PUBLICITY in (data.get("publicity") or []) and len(data["publicity"]) > 1:
            self.add_error("publicity", "« Aucune publicité » exclut les autres supports.")
        if data.get("sourcing_actions") and not data.get("sourcing"):
            self.add_error("sourcing", "Indiquez si le sourcing a été réalisé.")
        return data

    def clean_justifications(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["justifications"].splitlines(), 1):
            if not line.strip():
                continue
            rule, sep, reason = line.partition(":")
            if not sep or not rule.strip() or not reason.strip():
                raise forms.ValidationError(
                    f"Ligne {number} : écrivez « IDENTIFIANT : motif » (ex. « CR-05 : … »)."
                )
            result[rule.strip().upper()] = reason.strip()
        return result


class _RowForm(DsfrBaseForm):
    """A row of a repeated section; a fully blank row is ignored."""

    key_field = ""
    kind_required = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.template_name = "consultations/_row_field.html"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = any(value not in (None, "", []) for value in data.values())
        if filled and not data.get(self.key_field):
            self.add_error(self.key_field, "Champ obligatoire pour une ligne remplie.")
        if self.kind_required and data.get(self.key_field) and not data.get("kind"):
            self.add_error("kind", "Choisissez la nature.")
        return data

    def is_blank(self) -> bool:
        return not self.cleaned_data.get(self.key_field)

    def row(self) -> Any:
        raise NotImplementedError


class LotForm(_RowForm):
    key_field = "title"
    title = forms.CharField(label="Intitulé du lot", max_length=500, required=False)
    estimated_amount_ht = forms.FloatField(
        label="Valeur estimée du lot (€ HT)", min_value=0, required=False
    )
    min_turnover_required = forms.FloatField(
        label="Chiffre d'affaires minimal exigé (€ HT)", min_value=0, required=False
    )

    def row(self) -> Any:
        d = self.cleaned_data
        extra = {
            k: number(d[k])
            for k in ("estimated_amount_ht", "min_turnover_required")
            if d.get(k) is not None
        }
        return {"title": d["title"], **extra} if extra else d["title"]


class CriterionForm(_RowForm):
    key_field = "name"
    kind_required = True
    name = forms.CharField(label="Nom du critère", max_length=300, required=False)
    weight = forms.FloatField(label="Pondération (%)", min_value=0, max_value=100, required=False)
    kind = forms.ChoiceField(
        label="Nature", choices=[("", "—"), *v.choices(v.CRITERION_KIND_LABELS)], required=False
    )
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs=_TEXTAREA), required=False
    )

    def row(self) -> Any:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "weight": number(d.get("weight")),
            "kind": d["kind"],
            "description": d.get("description") or "",
        }


class ConditionForm(_RowForm):
    key_field = "description"
    kind_required = True
    kind = forms.ChoiceField(
        label="Nature", choices=[("", "—"), *v.choices(v.CONDITION_KIND_LABELS)], required=False
    )
    description = forms.CharField(
        label="Condition d'exécution", widget=forms.Textarea(attrs=_TEXTAREA), required=False
    )

    def row(self) -> Any:
        return {"kind": self.cleaned_data["kind"], "description": self.cleaned_data["description"]}


class SpecificationForm(_RowForm):
    key_field = "description"
    description = forms.CharField(
        label="Spécification technique", widget=forms.Textarea(attrs=_TEXTAREA), required=False
    )
    kind = forms.ChoiceField(
        label="Nature (facultatif)",
        choices=[("", "Non précisée"), *v.choices(v.CONDITION_KIND_LABELS)],
        required=False,
    )

    def row(self) -> Any:
        d = self.cleaned_data
        return (
            {"description": d["description"], "kind": d["kind"]} if d["kind"] else d["description"]
        )


# prefix -> (row form, checker field, blank rows offered after the filled ones)
ROW_SETS: dict[str, tuple[type[_RowForm], str, int]] = {
    "lots": (LotForm, "lots", 2),
    "criteres": (CriterionForm, "award_criteria", 2),
    "conditions": (ConditionForm, "execution_conditions", 2),
    "specifications": (SpecificationForm, "technical_specifications", 2),
}
