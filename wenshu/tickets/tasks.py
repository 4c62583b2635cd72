"""Background work of the tickets app; the periodic schedule lives in wenshu/ops/schedule.py."""

from __future__ import annotations

import logging

from wenshu.tickets.services import tickets_timers_sweep

log = logging.getLogger(__name__)


def tickets_sweep() -> dict[str, int]:
    """Send due 50 %/90 % reminders, escalate tickets unresolved after 24 hours and close
    tickets whose reopen window has passed. Idempotent: each step is claimed once per ticket
    and clock round, so a rerun or a second worker changes nothing."""
    fired = tickets_timers_sweep()
    if any(fired.values()):
        log.info("tickets sweep: %s", fired)
    return fired
