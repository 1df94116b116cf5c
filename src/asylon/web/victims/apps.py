from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "asylon.web.victims"
    label = "victims"
    verbose_name = "Victim lists"
