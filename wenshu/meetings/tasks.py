"""Task entry points; the periodic schedule itself lives in wenshu.ops.schedule."""

from __future__ import annotations

import logging

from wenshu.meetings.services import reminders_send_due

log = logging.getLogger(__name__)


def send_due_reminders() -> dict[str, int]:
    """Reply reminders before the deadline and start reminders before the meeting."""
    counts = reminders_send_due()
    if counts.reply or counts.start:
        log.info("meeting reminders sent: %s reply, %s start", counts.reply, counts.start)
    return {"reply": counts.reply, "start": counts.start}
