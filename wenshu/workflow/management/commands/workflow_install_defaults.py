"""Install (or update) the shipped BPMN flows as the city defaults.

Idempotent; run after migrate."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from wenshu.workflow import registry
from wenshu.workflow.services import definition_install_default


class Command(BaseCommand):
    help = "安装系统内置的发文、收文流程为全市默认流程（可重复运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        for entry in registry.process_keys():
            if entry.default_file is None:
                continue
            definition = definition_install_default(key=entry.key)
            self.stdout.write(f"{entry.key}: {definition}")
