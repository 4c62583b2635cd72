from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "wenshu.documents"
    label = "documents"
    verbose_name = "公文"

    def ready(self) -> None:
        from wenshu.documents import guards, nav  # noqa: F401  (navigation and counters)
        from wenshu.documents.services import flow

        flow.register()  # the 发文 flow's handlers, assignment of 用印, the item pages
        guards.release_during_flush()
