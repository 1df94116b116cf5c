from django.apps import AppConfig


class EvidencePagesConfig(AppConfig):
    name = "asylon.web.evidence"
    label = "evidence_pages"  # "evidence" would read as the asylon.evidence library
    verbose_name = "Country evidence pages"
