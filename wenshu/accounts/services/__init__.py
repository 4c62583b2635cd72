"""Use cases of people and login (one module per area; everything public is here).

login: the password step, completing a login, sessions, unlock · policy: the password
policy · passwords: change and reset · grants: roles · people: opening/closing accounts ·
profile: particulars · tokens: personal API tokens.
"""

from wenshu.accounts.services.grants import may_manage_role, role_grant, role_revoke
from wenshu.accounts.services.login import (
    AccountLocked,
    AccountUnavailable,
    BadCredentials,
    PasswordOk,
    account_unlock,
    login_complete,
    login_password,
    session_logout,
    session_rekey,
    sessions_end,
    sessions_sweep,
)
from wenshu.accounts.services.passwords import password_change, password_reset
from wenshu.accounts.services.people import (
    Decision,
    OpeningFiling,
    account_request_approve,
    account_request_close,
    account_request_open,
    account_request_reject,
    account_request_withdraw,
)
from wenshu.accounts.services.policy import (
    POLICY_FIELDS,
    generate_initial_password,
    password_change_due,
    password_expired,
    password_policy,
    password_policy_update,
    password_problems,
)
from wenshu.accounts.services.profile import Filing, ProfileChoices, person_update, profile_update
from wenshu.accounts.services.tokens import api_token_create, api_token_revoke

__all__ = [
    "POLICY_FIELDS",
    "AccountLocked",
    "AccountUnavailable",
    "BadCredentials",
    "Decision",
    "Filing",
    "OpeningFiling",
    "PasswordOk",
    "ProfileChoices",
    "account_request_approve",
    "account_request_close",
    "account_request_open",
    "account_request_reject",
    "account_request_withdraw",
    "account_unlock",
    "api_token_create",
    "api_token_revoke",
    "generate_initial_password",
    "login_complete",
    "login_password",
    "may_manage_role",
    "password_change",
    "password_change_due",
    "password_expired",
    "password_policy",
    "password_policy_update",
    "password_problems",
    "password_reset",
    "person_update",
    "profile_update",
    "role_grant",
    "role_revoke",
    "session_logout",
    "session_rekey",
    "sessions_end",
    "sessions_sweep",
]
