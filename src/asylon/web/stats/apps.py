from django.apps import AppConfig


class StatsPagesConfig(AppConfig):
    name = "asylon.web.stats"
    label = "stats_pages"  # "stats" would read as the asylon.stats library
    verbose_name = "Statistics pages"
