from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "asylon.web.timeline"
    label = "timeline"

    def ready(self) -> None:
        from asylon.web.timeline import alert_cache  # noqa: F401  (connects the signal handlers)
