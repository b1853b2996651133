"""Forms of the accounts pages, rendered with the DSFR field templates."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from dsfr.forms import DsfrBaseForm

from ancrage.web.accounts.models import Membership, Organisation


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    username = forms.CharField(
        label="Adresse électronique",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        # Accounts are created with the e-mail, lowercased, as username.
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass


class RegisterFromInvitationForm(DsfrBaseForm):
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    password1 = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class BuyersForm(DsfrBaseForm):
    sirets = forms.CharField(
        label="SIRET des acheteurs",
        help_text="Un SIRET par ligne (14 chiffres, espaces acceptés).",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def siret_list(self) -> list[str]:
        return [line for line in self.cleaned_data["sirets"].splitlines() if line.strip()]


class TerritoryForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de territoire", choices=Organisation.TerritoryKind.choices)
    code = forms.CharField(
        label="Code du territoire",
        required=False,
        help_text=(
            "Commune : code INSEE ; EPCI : SIREN ; département ; région. "
            "Laisser vide pour le territoire de l'acheteur."
        ),
    )
    radius_km = forms.IntegerField(label="Rayon (km)", required=False, min_value=1)
    communes = forms.CharField(
        label="Liste de communes",
        required=False,
        help_text="Codes INSEE séparés par des virgules ou des retours à la ligne.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def commune_list(self) -> list[str]:
        text = self.cleaned_data.get("communes") or ""
        return [c for c in text.replace("\n", ",").split(",") if c.strip()]


class PeerGroupForm(DsfrBaseForm):
    peer_group = forms.CharField(
        label="Groupe de pairs imposé",
        required=False,
        max_length=100,
        help_text="Laisser vide pour le groupe calculé (type d'acheteur et taille).",
    )


class TargetsForm(DsfrBaseForm):
    social = forms.FloatField(
        label="Cible sociale (%)", required=False, min_value=0, max_value=100,
        help_text="Vide : cible nationale du PNAD (30 %).",
    )  # fmt: skip
    environmental = forms.FloatField(
        label="Cible environnementale (%)", required=False, min_value=0, max_value=100,
        help_text="Vide : cible nationale du PNAD (100 %).",
    )  # fmt: skip
    local = forms.FloatField(label="Cible locale (%)", required=False, min_value=0, max_value=100)
    sme = forms.FloatField(label="Cible PME (%)", required=False, min_value=0, max_value=100)
    inclusive = forms.FloatField(
        label="Cible structures inclusives (%)", required=False, min_value=0, max_value=100
    )


class InviteForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique")
    # Least privilege by default: the administrator raises the role on purpose.
    role = forms.ChoiceField(
        label="Rôle", choices=Membership.Role.choices, initial=Membership.Role.VIEWER
    )


class RoleForm(DsfrBaseForm):
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)


class ApiTokenForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom du jeton", max_length=100, help_text="Par exemple : tableau de bord interne."
    )
