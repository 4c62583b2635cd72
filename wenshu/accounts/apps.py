from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wenshu.accounts"
    label = "accounts"
    verbose_name = "人员与登录"

    def ready(self) -> None:
        from wenshu.accounts import nav  # noqa: F401  (registers navigation and counters)
