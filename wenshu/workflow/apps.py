from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "wenshu.workflow"
    label = "workflow"
    verbose_name = "流程"

    def ready(self) -> None:
        from wenshu.workflow import nav  # noqa: F401  (registers navigation and the 待办 counter)
