from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "asylon.web.register"
    label = "register"
    verbose_name = "Accountability register"
