"""A consultation an organisation prepares, stored in the checker's input format."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ancrage.web.accounts.models import Organisation


class Consultation(models.Model):
    """One planned consultation, private to its organisation.

    ``data`` is the structured input of ``ancrage.compliance`` (the YAML/JSON format of
    ``docs/conformite.md``), the single source of truth; the other descriptive fields copy a few
    of its values so that lists can be sorted and filtered without reading JSON.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="consultations"
    )
    object = models.TextField("objet du marché")
    cpv = models.CharField("code CPV", max_length=8)
    estimated_amount_ht = models.FloatField("valeur estimée (€ HT)")
    launch_date = models.DateField("date de lancement")
    procedure = models.CharField("procédure", max_length=40)
    buyer_kind = models.CharField("type d'acheteur", max_length=20)
    data = models.JSONField("description structurée", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ("-updated_at", "-pk")
        indexes = (models.Index(fields=["organisation", "-updated_at"]),)

    def __str__(self) -> str:
        return self.object
