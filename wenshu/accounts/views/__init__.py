"""The account pages, one module per audience; urls.py names them from here."""

from wenshu.accounts.views.auth import login_view, logout_view, password_change_view
from wenshu.accounts.views.people import (
    people_view,
    person_close_view,
    person_reset_view,
    person_role_view,
    person_view,
)
from wenshu.accounts.views.personal import (
    login_history_view,
    profile_view,
    token_revoke_view,
    tokens_view,
)
from wenshu.accounts.views.requests import (
    request_approve_view,
    request_new_view,
    request_reject_view,
    request_view,
    request_withdraw_view,
    requests_view,
)
from wenshu.accounts.views.security import (
    audit_login_history_view,
    security_index_view,
    security_locked_view,
    security_policy_view,
    security_role_revoke_view,
    security_roles_view,
    security_unlock_view,
)

__all__ = [
    "audit_login_history_view",
    "login_history_view",
    "login_view",
    "logout_view",
    "password_change_view",
    "people_view",
    "person_close_view",
    "person_reset_view",
    "person_role_view",
    "person_view",
    "profile_view",
    "request_approve_view",
    "request_new_view",
    "request_reject_view",
    "request_view",
    "request_withdraw_view",
    "requests_view",
    "security_index_view",
    "security_locked_view",
    "security_policy_view",
    "security_role_revoke_view",
    "security_roles_view",
    "security_unlock_view",
    "token_revoke_view",
    "tokens_view",
]
