"""Workflow use cases (keyword-only, atomic, audited). Other apps import from here.

Definitions: definition_install_default, definition_replace, definition_reset, definition_for.
Processes: process_start, work_item_complete, work_item_withdraw, process_cancel.
"""

from wenshu.workflow.services.definitions import (
    check_required_tasks,
    definition_for,
    definition_install_default,
    definition_replace,
    definition_reset,
)
from wenshu.workflow.services.processes import (
    process_cancel,
    process_start,
    work_item_complete,
    work_item_withdraw,
)

__all__ = [
    "check_required_tasks",
    "definition_for",
    "definition_install_default",
    "definition_replace",
    "definition_reset",
    "process_cancel",
    "process_start",
    "work_item_complete",
    "work_item_withdraw",
]
