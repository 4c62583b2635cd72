from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "wenshu.org"
    label = "org"
    verbose_name = "使用单位"

    def ready(self) -> None:
        from wenshu.org import nav  # noqa: F401  (registers navigation and counters)
