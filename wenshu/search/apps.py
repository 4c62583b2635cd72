from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wenshu.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self) -> None:
        # Search sits below the content apps in DESIGN's list but indexes them: rather than the
        # content apps calling us, we register their sources here (reading them lazily), so no
        # content app imports search code.
        from wenshu.search import nav, sources  # noqa: F401
