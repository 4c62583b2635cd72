from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "wenshu.meetings"
    label = "meetings"
    verbose_name = "会议通知"

    def ready(self) -> None:
        from wenshu.meetings import nav  # noqa: F401  (registers navigation and counters)
