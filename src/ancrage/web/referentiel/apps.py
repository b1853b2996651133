from django.apps import AppConfig


class ReferentielConfig(AppConfig):
    name = "ancrage.web.referentiel"
    label = "referentiel"
    verbose_name = "Référentiel de clauses"
