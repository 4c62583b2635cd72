from typing import Any

from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "wenshu.seals"
    label = "seals"
    verbose_name = "电子印章"

    def ready(self) -> None:
        from wenshu.org import hooks
        from wenshu.seals import nav  # noqa: F401  (registers navigation and counters)
        from wenshu.seals.services import seals_flag_unit_deregistered, seals_unit_renamed

        hooks.register_deregister_hook(seals_flag_unit_deregistered)
        hooks.register_merge_hook(_merged)
        hooks.register_rename_hook(seals_unit_renamed)


def _merged(*, source: Any, target: Any, actor: Any) -> None:
    # The merged-away unit's seals are handed back and destroyed (article 23); the surviving
    # unit applies for its own seals through the usual steps.
    from wenshu.seals.services import seals_flag_unit_deregistered

    seals_flag_unit_deregistered(unit=source, actor=actor)
