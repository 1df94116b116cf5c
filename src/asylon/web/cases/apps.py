from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "asylon.web.cases"
    label = "cases"
