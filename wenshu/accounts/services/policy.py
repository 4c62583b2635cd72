"""The password policy (kept by the security administrator) and what follows from it:
checking a password, generating an initial one, and the reminder to change it."""

from __future__ import annotations

import re
import secrets
import string
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import PasswordPolicy, User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import DomainError, Forbidden

_SYMBOL = re.compile(r"[^A-Za-z0-9]")
# Initial passwords are read aloud or copied from a screen: leave out look-alikes.
_LETTERS = "".join(c for c in string.ascii_letters if c not in "IlOo")
_DIGITS = "23456789"
_SYMBOLS = "@#$%&*+=?!"

POLICY_FIELDS = (
    "min_length",
    "max_length",
    "require_letter",
    "require_digit",
    "require_symbol",
    "allow_symbols",
    "history_count",
    "max_age_days",
    "lockout_threshold",
    "lockout_minutes",
)


def password_policy() -> PasswordPolicy:
    policy, _ = PasswordPolicy.objects.get_or_create(id=1)
    return policy


def password_problems(password: str, *, user: User | None, policy: PasswordPolicy) -> list[str]:
    """Every rule the password breaks, in Chinese; empty when it is acceptable."""
    problems = []
    if len(password) < policy.min_length:
        problems.append(f"密码至少 {policy.min_length} 位")
    if policy.max_length and len(password) > policy.max_length:
        problems.append(f"密码最多 {policy.max_length} 位")
    if policy.require_letter and not re.search(r"[A-Za-z]", password):
        problems.append("密码须包含字母")
    if policy.require_digit and not re.search(r"\d", password):
        problems.append("密码须包含数字")
    if policy.require_symbol and not _SYMBOL.search(password):
        problems.append("密码须包含符号（如 @ # ! 等）")
    if not policy.allow_symbols and _SYMBOL.search(password):
        problems.append("密码只能由字母和数字组成")
    if user is not None and password.lower() == user.username.lower():
        problems.append("密码不能与用户名相同")
    return problems


def policy_problems(values: dict[str, Any]) -> list[str]:
    """Whether a set of policy values is coherent (a password can satisfy it)."""
    problems = []
    low, high = values["min_length"], values["max_length"]
    if not 3 <= low <= 64:
        problems.append("最短长度应在 3 到 64 位之间")
    if high and not low <= high <= 128:
        problems.append("最长长度应为 0（不限），或不小于最短长度且不超过 128 位")
    if values["require_symbol"] and not values["allow_symbols"]:
        problems.append("“须含符号”与“不允许符号”不能同时设置")
    kinds = sum(bool(values[k]) for k in ("require_letter", "require_digit", "require_symbol"))
    if high and kinds > high:
        problems.append("最长长度不足以同时包含所要求的字符种类")
    if values["history_count"] > 24:
        problems.append("历史密码检查次数不能超过 24")
    if values["max_age_days"] > 3650:
        problems.append("提醒修改周期不能超过 3650 天")
    if values["lockout_threshold"] > 100:
        problems.append("锁定前允许的失败次数不能超过 100")
    if not 1 <= values["lockout_minutes"] <= 1440:
        problems.append("锁定分钟数应在 1 到 1440 之间")
    return problems


@transaction.atomic
def password_policy_update(*, actor: User, values: dict[str, Any]) -> PasswordPolicy:
    """The security administrator sets the password policy (S1 art. 14 by default)."""
    if not (actor.is_active and actor.has_role(Role.SECURITY_ADMIN)):
        raise Forbidden("只有安全保密管理员可以设置密码策略。")
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise DomainError("不认识的策略项：" + "、".join(sorted(unknown)))
    policy = PasswordPolicy.objects.select_for_update().get_or_create(id=1)[0]
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    after = {**before, **values}
    problems = policy_problems(after)
    if problems:
        raise DomainError("；".join(problems))
    for field, value in after.items():
        setattr(policy, field, value)
    policy.save()
    changed = {f: [before[f], after[f]] for f in POLICY_FIELDS if before[f] != after[f]}
    audit_record(
        actor=actor,
        action="account.password_policy_changed",
        target=policy,
        details={"changed": changed},
    )
    return policy


def generate_initial_password(*, policy: PasswordPolicy, username: str = "") -> str:
    """A random password that satisfies the policy (S2's 3–8 letters-and-digits included)."""
    length = max(policy.min_length, 10)
    if policy.max_length:
        length = min(length, policy.max_length)
    pools = [_LETTERS, _DIGITS]
    required = [_LETTERS] if policy.require_letter else []
    required += [_DIGITS] if policy.require_digit else []
    if policy.require_symbol:
        required.append(_SYMBOLS)
        pools.append(_SYMBOLS)
    rng = secrets.SystemRandom()
    probe = User(username=username)
    while True:
        chars = [secrets.choice(pool) for pool in required]
        everything = "".join(pools)
        chars += [secrets.choice(everything) for _ in range(length - len(chars))]
        rng.shuffle(chars)
        candidate = "".join(chars)
        if not password_problems(candidate, user=probe, policy=policy):
            return candidate


def password_change_due(user: User) -> bool:
    """True when the password is older than the policy's reminder period (a reminder only)."""
    policy = password_policy()
    if not policy.max_age_days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=policy.max_age_days)


# The first draft's name, kept for callers that already use it.
password_expired = password_change_due
