from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "asylon.web.demo"
    label = "demo"
