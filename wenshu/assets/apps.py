from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "wenshu.assets"
    label = "assets"
    verbose_name = "设备管理"

    def ready(self) -> None:
        from wenshu.assets import nav  # noqa: F401  (registers navigation and counters)
