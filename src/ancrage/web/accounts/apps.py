from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ancrage.web.accounts"
    label = "accounts"
    verbose_name = "Organisations et comptes"
