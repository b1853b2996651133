from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "ancrage.web.consultations"
    label = "consultations"
    verbose_name = "Consultations"
    default_auto_field = "django.db.models.BigAutoField"
