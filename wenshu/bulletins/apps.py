from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    """Notices and public information (通知公告/公共信息) and information reports (信息上报)."""

    name = "wenshu.bulletins"
    label = "bulletins"
    verbose_name = "通知公告与信息上报"

    def ready(self) -> None:
        from wenshu.bulletins import nav  # noqa: F401  (registers navigation and counters)
