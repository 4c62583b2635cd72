from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "wenshu.keys"
    label = "keys"
    verbose_name = "登录密钥"

    def ready(self) -> None:
        from wenshu.accounts.login_steps import register_second_factor
        from wenshu.keys import nav  # noqa: F401  (registers navigation and counters)
        from wenshu.keys.login import second_factor_hook

        register_second_factor(second_factor_hook)
