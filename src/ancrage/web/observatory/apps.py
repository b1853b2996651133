from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "ancrage.web.observatory"
    label = "observatory"
    verbose_name = "Observatoire"
