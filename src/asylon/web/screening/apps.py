from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "asylon.web.screening"
    label = "screening"
    verbose_name = "Register screening"
