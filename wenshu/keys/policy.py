"""Who must present a login key: the security administrator's KeyPolicy and its overrides.

Evaluation: administrators (ADMIN_ROLES) always need a key unless the mode is "none";
otherwise the most specific override wins (unit+role, then unit, then role; among equally
specific ones "required" wins); with no override the mode decides ("all" → everyone,
"admins" → administrators only, "none" → nobody).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from wenshu.accounts.roles import ADMIN_ROLES
from wenshu.keys.models import KeyPolicy, KeyPolicyRule, PolicyMode


def effective_mode() -> str:
    row = KeyPolicy.objects.filter(id=1).only("mode").first()
    mode = row.mode if row and row.mode else settings.KEY_REQUIRED_DEFAULT
    return mode if mode in PolicyMode.values else PolicyMode.ALL  # an unknown setting fails safe


def _matching_rule(user: Any, rules: list[KeyPolicyRule]) -> bool | None:
    roles = {str(r) for r in user.role_set}
    tiers = (
        [r for r in rules if r.unit_id == user.unit_id and r.role in roles],
        [r for r in rules if r.unit_id == user.unit_id and not r.role],
        [r for r in rules if r.unit_id is None and r.role in roles],
    )
    for tier in tiers:
        if tier:
            return any(r.required for r in tier)
    return None


def key_required(user: Any) -> bool:
    mode = effective_mode()
    if mode != PolicyMode.NONE and user.has_role(*ADMIN_ROLES):
        return True
    rules = list(KeyPolicyRule.objects.filter(Q(unit_id=user.unit_id) | Q(unit__isnull=True)))
    decided = _matching_rule(user, rules)
    if decided is not None:
        return decided
    return mode == PolicyMode.ALL
