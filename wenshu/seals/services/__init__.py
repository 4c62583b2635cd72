"""Use cases of electronic seals. Views, API routes, commands, tasks and other apps (the
document work) call these; each is one transaction with its permission check and audit."""

from wenshu.seals.services.applications import (
    ApplicationInput,
    seal_application_decide,
    seal_application_sign_off,
    seal_application_submit,
    seal_application_withdraw,
    seals_unit_renamed,
)
from wenshu.seals.services.destruction import (
    seal_destroy,
    seal_destruction_confirm,
    seal_report_loss,
    seals_flag_unit_deregistered,
)
from wenshu.seals.services.maker import seal_maker_current, seal_maker_init
from wenshu.seals.services.production import ProductionInput, seal_produce
from wenshu.seals.services.rules import seal_rules_update
from wenshu.seals.services.use import (
    SignedSeal,
    cancelled_message,
    seal_sign,
    seal_use_cancel,
    seal_use_decide,
    seal_use_expire_stale,
    seal_use_request,
)
from wenshu.seals.services.verify import SealVerdict, seal_verify

__all__ = [
    "ApplicationInput",
    "ProductionInput",
    "SealVerdict",
    "SignedSeal",
    "cancelled_message",
    "seal_application_decide",
    "seal_application_sign_off",
    "seal_application_submit",
    "seal_application_withdraw",
    "seal_destroy",
    "seal_destruction_confirm",
    "seal_maker_current",
    "seal_maker_init",
    "seal_produce",
    "seal_report_loss",
    "seal_rules_update",
    "seal_sign",
    "seal_use_cancel",
    "seal_use_decide",
    "seal_use_expire_stale",
    "seal_use_request",
    "seal_verify",
    "seals_flag_unit_deregistered",
    "seals_unit_renamed",
]
