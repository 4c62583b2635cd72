from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "wenshu.keys"
    label = "keys"
    verbose_name = "登录密钥"
