"""The seam between the password step (accounts) and a second factor (the keys app).

accounts may not import keys (imports point down), so keys registers a callable here in its
AppConfig.ready(). After a correct password, the login view asks `second_factor_url(user)`:
None means log in now; a URL means store the pending login in the session and go there. The
second-factor view finishes with `accounts.services.login_complete(..., login_key_id=...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PENDING_SESSION_KEY = "wenshu_pending_login"
PENDING_MAX_SECONDS = 300  # the second step must follow the password within five minutes

SecondFactor = Callable[[Any], "str | None"]
_hooks: list[SecondFactor] = []


def register_second_factor(hook: SecondFactor) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def second_factor_url(user: Any) -> str | None:
    for hook in _hooks:
        url = hook(user)
        if url:
            return url
    return None
