from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "wenshu.exchange"
    label = "exchange"
    verbose_name = "公文交换"

    def ready(self) -> None:
        from wenshu.exchange import nav  # noqa: F401  (registers navigation and counters)
