from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "wenshu.notify"
    label = "notify"
    verbose_name = "通知与短信"

    def ready(self) -> None:
        from wenshu.notify import nav  # noqa: F401  (registers navigation and the unread counter)
        from wenshu.notify.decisions import connect

        connect()  # tell requesters how org and accounts decided their requests
