"""Changing a password, and restoring an initial one (S1 art. 14)."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import PasswordHistory, User
from wenshu.accounts.roles import Role
from wenshu.accounts.services.common import (
    is_unit_admin_of,
    lock_person,
    person_in_reach,
    unit_has_admin,
)
from wenshu.accounts.services.login import sessions_end
from wenshu.accounts.services.policy import (
    generate_initial_password,
    password_policy,
    password_problems,
)
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden


def _recent_hashes(user: User, count: int) -> list[str]:
    if count <= 0:
        return []
    return list(user.password_history.values_list("password", flat=True)[:count])


@transaction.atomic
def password_change(
    *,
    user: User,
    old_password: str | None,
    new_password: str,
    actor: User | None = None,
    keep_session_key: str | None = None,
) -> None:
    """Change a password under the policy. `old_password` is required when the person acts
    for themselves; the history check refuses the last N passwords (S1 art. 14). Other
    sessions of the person end (the one named by `keep_session_key` stays)."""
    user = lock_person(user.pk)
    if old_password is not None and not user.check_password(old_password):
        raise DomainError("原密码不正确")
    policy = password_policy()
    problems = password_problems(new_password, user=user, policy=policy)
    if user.has_usable_password() and user.check_password(new_password):
        problems.append("新密码不能与当前密码相同")
    elif any(check_password(new_password, h) for h in _recent_hashes(user, policy.history_count)):
        problems.append(f"新密码不能与最近 {policy.history_count} 次使用过的密码相同")
    if problems:
        raise DomainError("；".join(problems))
    _set_password(user, new_password, must_change=False)
    sessions_end(user=user, reason="password_changed", except_session_key=keep_session_key)
    audit_record(
        actor=actor or user, action="account.password_changed", target=user, unit=user.unit
    )


def _set_password(user: User, raw: str, *, must_change: bool) -> None:
    user.set_password(raw)
    user.must_change_password = must_change
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    PasswordHistory.objects.create(user=user, password=user.password)


def set_initial_password(user: User) -> str:
    """Give the person a fresh one-time initial password (caller holds the row lock).
    The clear text is returned once and never stored or logged."""
    raw = generate_initial_password(policy=password_policy(), username=user.username)
    _set_password(user, raw, must_change=True)
    return raw


def _check_reset_allowed(actor: User, person: User) -> None:
    if actor.pk == person.pk:
        raise Forbidden(
            "不能为自己恢复初始密码；忘记密码请联系本单位系统管理员，记得密码请使用“修改密码”。"
        )
    if is_unit_admin_of(actor, person.unit_id):
        return
    if actor.is_active and actor.has_role(Role.CITY_ADMIN):
        if unit_has_admin(person.unit_id, besides=person):
            raise Forbidden(
                "按《管理办法》第十四条，该单位已确定系统管理员，恢复初始密码应由该单位系统管理员办理；"
                "本单位没有系统管理员的，才由市数字办办理。"
            )
        return
    raise Forbidden("只有本单位系统管理员（本单位没有系统管理员的，由市数字办）可以恢复初始密码。")


@transaction.atomic
def password_reset(*, actor: User, user: User) -> str:
    """Restore an initial password (S1 art. 14): by the person's unit administrator, or by
    the digital office when the unit has no administrator. Returns the new password — show
    it once; the person must change it at the next login, and their sessions end now."""
    person_in_reach(actor, user)
    person = lock_person(user.pk)
    _check_reset_allowed(actor, person)
    if person.status != User.Status.ACTIVE:
        raise Conflict(f"该账号状态为“{person.get_status_display()}”，不能恢复初始密码。")
    raw = set_initial_password(person)
    person.failed_login_count, person.locked_until = 0, None
    person.save(update_fields=["failed_login_count", "locked_until"])
    sessions_end(user=person, reason="password_reset")
    audit_record(actor=actor, action="account.password_reset", target=person, unit=person.unit)
    return raw
