"""Use cases of the exchange: sending sealed documents, reminding recipients, and the
receiving side.

Sending: document_send, recipients_resolve, print_permissions.
Reminders (催办): delivery_remind, deliveries_remind_laggards.
Receiving: delivery_check, delivery_verify, delivery_sign, delivery_return,
delivery_report_fault, delivery_print, delivery_mark_imported, delivery_link_correction.
Requests (art. 42): delivery_request, delivery_request_decide.
"""

from wenshu.exchange.services.printing import PrintedPdf, delivery_print
from wenshu.exchange.services.receiving import (
    RegistrationInput,
    delivery_link_correction,
    delivery_mark_imported,
    delivery_report_fault,
    delivery_return,
    delivery_sign,
    registration_defaults,
)
from wenshu.exchange.services.recipients import (
    DEFAULT_PRINT_COPIES,
    MAX_PRINT_COPIES,
    Recipient,
    RecipientList,
    print_permissions,
    recipients_resolve,
)
from wenshu.exchange.services.reminders import (
    REMIND_INTERVAL,
    RemindResult,
    deliveries_remind_laggards,
    delivery_remind,
)
from wenshu.exchange.services.requests import delivery_request, delivery_request_decide
from wenshu.exchange.services.sending import ALREADY_SENT, document_send
from wenshu.exchange.services.verification import Verification, delivery_check, delivery_verify

__all__ = [
    "ALREADY_SENT",
    "DEFAULT_PRINT_COPIES",
    "MAX_PRINT_COPIES",
    "REMIND_INTERVAL",
    "PrintedPdf",
    "Recipient",
    "RecipientList",
    "RegistrationInput",
    "RemindResult",
    "Verification",
    "deliveries_remind_laggards",
    "delivery_check",
    "delivery_link_correction",
    "delivery_mark_imported",
    "delivery_print",
    "delivery_remind",
    "delivery_report_fault",
    "delivery_request",
    "delivery_request_decide",
    "delivery_return",
    "delivery_sign",
    "delivery_verify",
    "document_send",
    "print_permissions",
    "recipients_resolve",
    "registration_defaults",
]
