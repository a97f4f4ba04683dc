from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dhdigital.accounts"
    label = "accounts"
    verbose_name = "Accounts and teams"
