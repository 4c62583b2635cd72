from django.apps import AppConfig


class HandlingConfig(AppConfig):
    name = "wenshu.handling"
    label = "handling"
    verbose_name = "收文办理"

    def ready(self) -> None:
        from wenshu.handling import hooks, nav  # noqa: F401  (workflow hooks, navigation)
