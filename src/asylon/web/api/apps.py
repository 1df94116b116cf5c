from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "asylon.web.api"
    label = "api"
