"""Use cases of the login-key lifecycle (S1 chapter 6, art. 25–32).

application (art. 27) → review by the gov office (art. 28) → production by the digital office
(art. 28) → pick-up notice (art. 29) → pick-up recorded → in use; holder change filed (art. 31);
loss reported → revoked at once, sessions ended → the unit's findings → re-application (art. 32).

Every function: keyword-only, permission first, one transaction, audit inside, notifications
through notify (delivered after commit by the notify app).
"""

from wenshu.keys.services._common import holder_handle
from wenshu.keys.services.applications import (
    key_application_approve,
    key_application_reject,
    key_application_withdraw,
    key_apply,
    key_collect,
    key_notify,
    key_produce_totp,
    key_produce_webauthn,
)
from wenshu.keys.services.in_use import (
    key_holder_change,
    key_loss_findings,
    key_reapply,
    key_reinstate,
    key_report_loss,
    key_revoke,
    key_suspend_cloned,
)
from wenshu.keys.services.policy import (
    key_issue_demo_totp,
    key_issue_direct_totp,
    key_policy_rule_add,
    key_policy_rule_remove,
    key_policy_set,
)

__all__ = [
    "holder_handle",
    "key_application_approve",
    "key_application_reject",
    "key_application_withdraw",
    "key_apply",
    "key_collect",
    "key_holder_change",
    "key_issue_demo_totp",
    "key_issue_direct_totp",
    "key_loss_findings",
    "key_notify",
    "key_policy_rule_add",
    "key_policy_rule_remove",
    "key_policy_set",
    "key_produce_totp",
    "key_produce_webauthn",
    "key_reapply",
    "key_reinstate",
    "key_report_loss",
    "key_revoke",
    "key_suspend_cloned",
]
