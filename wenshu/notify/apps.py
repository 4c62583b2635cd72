from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "wenshu.notify"
    label = "notify"
    verbose_name = "通知与短信"
