from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "wenshu.seals"
    label = "seals"
    verbose_name = "电子印章"
