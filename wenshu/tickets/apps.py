from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "wenshu.tickets"
    label = "tickets"
    verbose_name = "故障报修"

    def ready(self) -> None:
        from wenshu.tickets import nav  # noqa: F401  (registers navigation and counters)
