from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the periodic schedule, the demo city, serving. Top of the import graph."""

    name = "wenshu.ops"
    label = "ops"
    verbose_name = "运行维护"
