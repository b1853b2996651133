"""Organisations and who may act for them.

Only ``access.py`` queries these models for a user, and only ``actions.py`` writes them, so that
the organisation check lives in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        BUYER = "buyer", "Acheteur"
        BUYER_GROUP = "buyer_group", "Groupement d'acheteurs (SPASER partagé)"
        SUPPORT_HUB = "support_hub", "Réseau d'appui"

    class TerritoryKind(models.TextChoices):
        COMMUNE = "commune", "Commune"
        EPCI = "epci", "Intercommunalité (EPCI)"
        DEPARTEMENT = "departement", "Département"
        REGION = "region", "Région"
        RADIUS = "radius", "Rayon autour de l'acheteur"
        CUSTOM = "custom", "Liste de communes"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.BUYER)
    # Territory that defines "local" for this organisation's indicators. For commune, EPCI,
    # département and région, an empty code means "the one of the buyer".
    territory_kind = models.CharField(
        "périmètre local",
        max_length=20,
        choices=TerritoryKind.choices,
        default=TerritoryKind.DEPARTEMENT,
    )
    territory_code = models.CharField("code du territoire", max_length=20, blank=True)
    territory_radius_km = models.PositiveIntegerField("rayon (km)", null=True, blank=True)
    territory_communes = models.JSONField("communes", default=list, blank=True)
    peer_group = models.CharField("groupe de pairs imposé", max_length=100, blank=True)
    # Own targets in percent; null means "the national target applies" (PNAD).
    target_social_pct = models.FloatField("cible sociale (%)", null=True, validators=PERCENT)
    target_environmental_pct = models.FloatField(
        "cible environnementale (%)", null=True, validators=PERCENT
    )
    target_local_pct = models.FloatField("cible locale (%)", null=True, validators=PERCENT)
    target_sme_pct = models.FloatField("cible PME (%)", null=True, validators=PERCENT)
    target_inclusive_pct = models.FloatField("cible insertion (%)", null=True, validators=PERCENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        ordering = (
            "name",
            "pk",
        )

    def __str__(self) -> str:
        return self.name

    def territory_spec(self) -> str:
        """Territory as text understood by ``ancrage.enrichment.territory.Territory.parse``."""
        kind = self.territory_kind
        if kind == self.TerritoryKind.RADIUS:
            return f"radius:{self.territory_radius_km}"
        if kind == self.TerritoryKind.CUSTOM:
            return "custom:" + ",".join(self.territory_communes)
        return f"{kind}:{self.territory_code}" if self.territory_code else kind

    def territory_label(self) -> str:
        """French description of the territory, for pages."""
        kind = self.TerritoryKind(self.territory_kind)
        if kind == self.TerritoryKind.RADIUS:
            return f"Rayon de {self.territory_radius_km} km autour de l'acheteur"
        if kind == self.TerritoryKind.CUSTOM:
            count = len(self.territory_communes)
            return f"Liste de {count} commune{'s' if count > 1 else ''}"
        if self.territory_code:
            return f"{kind.label} {self.territory_code}"
        return f"{kind.label} de l'acheteur"


class OrganisationBuyer(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="buyers")
    siret = models.CharField("SIRET", max_length=14)

    class Meta:
        verbose_name = "acheteur de l'organisation"
        ordering = ("siret",)
        constraints = (
            models.UniqueConstraint(fields=["organisation", "siret"], name="unique_org_buyer"),
        )

    def __str__(self) -> str:
        return self.siret


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur de l'organisation"
        BUYER = "buyer", "Acheteur"
        VIEWER = "viewer", "Lecture seule (élu, agent)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        ordering = (
            "organisation",
            "user__email",
        )
        constraints = (
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership"),
        )

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse électronique")
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = (
            "-created_at",
            "-pk",
        )

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class ApiToken(models.Model):
    """A bearer token of an organisation; only its SHA-256 digest is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nom", max_length=100)
    prefix = models.CharField(max_length=12)  # shown to recognise a token, not secret
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        ordering = (
            "-created_at",
            "-pk",
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
