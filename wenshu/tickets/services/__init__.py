"""Use cases of the tickets app (故障报修/应急). Views, API routes and tasks call these.

Other apps use `ticket_raise_system` to put a fault they detected in the digital office's
queue (idempotent per dedupe_key).
"""

from wenshu.tickets.services.escalation import (
    default_notice_units,
    due_step,
    ticket_record_solution,
    tickets_auto_close,
    tickets_timers_sweep,
)
from wenshu.tickets.services.handling import (
    ticket_acknowledge,
    ticket_close,
    ticket_escalate,
    ticket_note,
    ticket_reopen,
    ticket_resolve,
    ticket_start,
    ticket_take,
)
from wenshu.tickets.services.reporting import (
    ReportInput,
    ticket_raise_system,
    ticket_report,
    ticket_withdraw,
)

__all__ = [
    "ReportInput",
    "default_notice_units",
    "due_step",
    "ticket_acknowledge",
    "ticket_close",
    "ticket_escalate",
    "ticket_note",
    "ticket_raise_system",
    "ticket_record_solution",
    "ticket_reopen",
    "ticket_report",
    "ticket_resolve",
    "ticket_start",
    "ticket_take",
    "ticket_withdraw",
    "tickets_auto_close",
    "tickets_timers_sweep",
]
