from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "asylon.web.exports"
    label = "exports"
    verbose_name = "Exports behind approval"
