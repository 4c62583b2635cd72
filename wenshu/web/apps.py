from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wenshu.web"
    label = "web"
    verbose_name = "界面"
