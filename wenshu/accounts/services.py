"""Use cases of people and login: password step, completing a login, ending sessions,
changing passwords under the security administrator's policy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wenshu.accounts.models import LoginAttempt, PasswordHistory, PasswordPolicy, User, UserSession
from wenshu.audit.services import audit_record
from wenshu.lib.errors import DomainError, Throttled

_SYMBOL = re.compile(r"[^A-Za-z0-9]")


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


def _recent_hashes(user: User, count: int) -> list[str]:
    if count <= 0:
        return []
    hashes = list(user.password_history.values_list("password", flat=True)[:count])
    return hashes


@transaction.atomic
def password_change(*, user: User, old_password: str | None, new_password: str, actor: User | None = None) -> None:
    """Change a password under the policy. `old_password` is required when the person acts
    for themselves; the history check refuses the last N passwords (S1 art. 14)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if old_password is not None and not user.check_password(old_password):
        raise DomainError("原密码不正确")
    policy = password_policy()
    problems = password_problems(new_password, user=user, policy=policy)
    if any(check_password(new_password, h) for h in _recent_hashes(user, policy.history_count)):
        problems.append(f"新密码不能与最近 {policy.history_count} 次使用过的密码相同")
    if problems:
        raise DomainError("；".join(problems))
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    PasswordHistory.objects.create(user=user, password=user.password)
    audit_record(actor=actor or user, action="account.password_changed", target=user)


def password_expired(user: User) -> bool:
    policy = password_policy()
    if not policy.max_age_days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=policy.max_age_days)


@dataclass(frozen=True)
class PasswordOk:
    user: User


def _request_meta(request: HttpRequest) -> tuple[str, str]:
    from wenshu.audit.context import current

    return current().ip or str(request.META.get("REMOTE_ADDR", "")), str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def _attempt(request: HttpRequest, username: str, user: User | None, result: str, detail: str = "") -> None:
    ip, agent = _request_meta(request)
    LoginAttempt.objects.create(
        username=username[:150], user=user, ip=ip, user_agent=agent, result=result,
        detail=detail[:300], at=timezone.now(),
    )


def _address_throttled(ip: str) -> bool:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    failures = LoginAttempt.objects.filter(ip=ip, at__gte=since).exclude(result=LoginAttempt.Result.SUCCESS).count()
    return failures >= settings.LOGIN_ADDRESS_MAX_FAILURES


def login_password(*, request: HttpRequest, username: str, password: str) -> PasswordOk:
    """The password step. Every refusal is recorded in the login history (committed even
    though the login is refused) and raised as a DomainError with a plain message."""
    username = username.strip()
    ip, _ = _request_meta(request)
    if _address_throttled(ip):
        _attempt(request, username, None, LoginAttempt.Result.THROTTLED)
        raise Throttled(
            f"来自本地址的登录失败次数过多，请 {settings.LOGIN_ADDRESS_WINDOW_MINUTES} 分钟后再试。"
        )
    with transaction.atomic():
        user, refusal = _check_password_locked(request, username, password)
    if refusal is not None:
        raise refusal
    assert user is not None
    return PasswordOk(user=user)


def _check_password_locked(
    request: HttpRequest, username: str, password: str
) -> tuple[User | None, DomainError | None]:
    """Inside one transaction holding the account's row lock: the password check and its
    bookkeeping. Returns the refusal instead of raising so the bookkeeping commits."""
    user = User.objects.select_for_update().select_related("unit").filter(username=username).first()
    if user is None:
        User().set_password(password)  # equal work for unknown names: no timing oracle
        _attempt(request, username, None, LoginAttempt.Result.UNKNOWN_USER)
        return None, DomainError("用户名或密码不正确")
    now = timezone.now()
    if user.locked_until and user.locked_until > now:
        _attempt(request, username, user, LoginAttempt.Result.LOCKED)
        until = timezone.localtime(user.locked_until).strftime("%H:%M")
        return None, DomainError(
            f"该账号因连续输错密码已被锁定，请于 {until} 后再试，或联系本单位系统管理员。"
        )
    if not user.check_password(password):
        return None, _bad_password(request, user, now)
    if not (user.is_active and user.unit.is_registered):
        _attempt(request, username, user, LoginAttempt.Result.INACTIVE)
        return None, DomainError("该账号已停用或所在单位已注销，不能登录。")
    if user.failed_login_count or user.locked_until:
        user.failed_login_count, user.locked_until = 0, None
        user.save(update_fields=["failed_login_count", "locked_until"])
    return user, None


def _bad_password(request: HttpRequest, user: User, now: Any) -> DomainError:
    policy = password_policy()
    user.failed_login_count += 1
    detail = f"第 {user.failed_login_count} 次失败"
    if policy.lockout_threshold and user.failed_login_count >= policy.lockout_threshold:
        user.locked_until = now + timedelta(minutes=policy.lockout_minutes)
        user.failed_login_count = 0
        user.save(update_fields=["failed_login_count", "locked_until"])
        _attempt(request, user.username, user, LoginAttempt.Result.BAD_PASSWORD, detail + "，已锁定")
        audit_record(actor=None, action="account.locked", target=user, unit=user.unit,
                     details={"minutes": policy.lockout_minutes})
        return DomainError(
            f"密码连续输错 {policy.lockout_threshold} 次，账号已锁定 {policy.lockout_minutes} 分钟。"
        )
    user.save(update_fields=["failed_login_count"])
    _attempt(request, user.username, user, LoginAttempt.Result.BAD_PASSWORD, detail)
    left = policy.lockout_threshold - user.failed_login_count if policy.lockout_threshold else 0
    suffix = f"（再错 {left} 次将锁定账号）" if left else ""
    return DomainError("用户名或密码不正确" + suffix)


@transaction.atomic
def login_complete(*, request: HttpRequest, user: User, login_key_id: int | None = None) -> UserSession:
    """Log the person in (after every factor passed), record the session and the attempt."""
    django_login(request, user, backend="wenshu.accounts.backends.WenshuBackend")
    if not request.session.session_key:
        request.session.save()
    ip, agent = _request_meta(request)
    live = UserSession.objects.create(
        user=user, session_key=request.session.session_key or "", login_key_id=login_key_id,
        ip=ip, user_agent=agent,
    )
    _attempt(request, user.username, user, LoginAttempt.Result.SUCCESS)
    audit_record(actor=user, action="account.login", target=user, details={"login_key_id": login_key_id})
    return live


def sessions_end(*, user: User, reason: str, login_key_id: int | None = None) -> int:
    """End a person's live sessions at once (all, or those opened with one login key)."""
    live = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if login_key_id is not None:
        live = live.filter(login_key_id=login_key_id)
    keys = list(live.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return live.update(ended_at=timezone.now(), end_reason=reason[:100])


def session_logout(*, request: HttpRequest) -> None:
    from django.contrib.auth import logout

    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="logout"
        )
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="account.logout", target=request.user)
    logout(request)
