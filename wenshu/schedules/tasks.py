"""Task entry points (called by wenshu.ops.schedule); they only call services."""

from __future__ import annotations

from wenshu.schedules.services import reminders_send_due


def send_due_reminders() -> int:
    return reminders_send_due()
