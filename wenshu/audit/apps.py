from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wenshu.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from wenshu.audit import nav  # noqa: F401  (registers navigation and counters)
