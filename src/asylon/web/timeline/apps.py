from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "asylon.web.timeline"
    label = "timeline"
