from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "asylon.web.cases"
    label = "cases"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_migrate

        from asylon.web.cases import planner_stats

        request_finished.connect(planner_stats.after_request, dispatch_uid="planner-stats")
        post_migrate.connect(planner_stats.after_migrate, sender=self, dispatch_uid="planner-stats")
