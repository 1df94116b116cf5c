from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "asylon.web.audit"
    label = "audit"
