from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "asylon.web.documents"
    label = "documents"
    verbose_name = "Documents and notes"
