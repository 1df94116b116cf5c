from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "asylon.web.accounts"
    label = "accounts"
