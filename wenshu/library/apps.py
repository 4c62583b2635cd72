from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "wenshu.library"
    label = "library"
    verbose_name = "文档管理"

    def ready(self) -> None:
        from wenshu.library import hooks, nav  # noqa: F401  (navigation, org hooks)

        hooks.register()
