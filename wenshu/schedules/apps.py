from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "wenshu.schedules"
    label = "schedules"
    verbose_name = "个人日程"

    def ready(self) -> None:
        from wenshu.schedules import nav  # noqa: F401  (registers navigation)
