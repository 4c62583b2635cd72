from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "wenshu.directory"
    label = "directory"
    verbose_name = "通讯录"

    def ready(self) -> None:
        from wenshu.directory import nav  # noqa: F401  (registers navigation)
