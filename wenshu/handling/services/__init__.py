"""收文办理 use cases (keyword-only, atomic, audited). Views, API and tasks call these."""

from wenshu.handling.services.delegation import (
    acting_as,
    delegation_create,
    delegation_revoke,
    principals_now,
    shown_as,
)
from wenshu.handling.services.flow import (
    HandlerInput,
    circulation_read,
    circulation_send,
    delivery_import,
    handling_act,
    handling_archive,
    handling_propose,
)
from wenshu.handling.services.reminders import assignments_remind_overdue, checkin_remind
from wenshu.handling.services.report import compliance_report, compliance_xlsx

__all__ = [
    "HandlerInput",
    "acting_as",
    "assignments_remind_overdue",
    "checkin_remind",
    "circulation_read",
    "circulation_send",
    "compliance_report",
    "compliance_xlsx",
    "delegation_create",
    "delegation_revoke",
    "delivery_import",
    "handling_act",
    "handling_archive",
    "handling_propose",
    "principals_now",
    "shown_as",
]
