from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "wenshu.messaging"
    label = "messaging"
    verbose_name = "站内邮件"

    def ready(self) -> None:
        from wenshu.messaging import nav  # noqa: F401  (registers navigation and the unread counter)
