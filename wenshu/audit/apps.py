from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wenshu.audit"
    label = "audit"
    verbose_name = "审计"
