"""Logging in and out: the password step with lockout and per-address throttle, completing
a login after every factor, and ending sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wenshu.accounts.models import ApiToken, LoginAttempt, User, UserSession
from wenshu.accounts.roles import Role
from wenshu.accounts.services.common import lock_person, request_meta
from wenshu.accounts.services.policy import password_change_due, password_policy
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, Throttled


@dataclass(frozen=True)
class PasswordOk:
    user: User


class AccountLocked(DomainError):
    """The account is locked after too many wrong passwords (HTTP 423 in the API)."""

    status = 423
    code = "locked"


class AccountUnavailable(DomainError):
    status = 403
    code = "account_unavailable"


class BadCredentials(DomainError):
    status = 401
    code = "bad_credentials"


def _attempt(
    request: HttpRequest, username: str, user: User | None, result: str, detail: str = ""
) -> None:
    ip, agent = request_meta(request)
    LoginAttempt.objects.create(
        username=username[:150],
        user=user,
        ip=ip,
        user_agent=agent,
        result=result,
        detail=detail[:300],
        at=timezone.now(),
    )


def _address_throttled(ip: str) -> bool:
    since = timezone.now() - timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    failures = LoginAttempt.objects.filter(ip=ip, at__gte=since).exclude(
        result=LoginAttempt.Result.SUCCESS
    )
    return failures.count() >= settings.LOGIN_ADDRESS_MAX_FAILURES


def login_password(*, request: HttpRequest, username: str, password: str) -> PasswordOk:
    """The password step. Every refusal is recorded in the login history (committed even
    though the login is refused) and raised as a DomainError with a plain message."""
    username = username.strip()
    ip, _ = request_meta(request)
    if _address_throttled(ip):
        _attempt(request, username, None, LoginAttempt.Result.THROTTLED)
        raise Throttled(
            "来自本地址的登录失败次数过多，已暂停从本地址登录，"
            f"请 {settings.LOGIN_ADDRESS_WINDOW_MINUTES} 分钟后再试。"
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
    user = (
        User.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(username=username)
        .first()
    )
    if user is None:
        User().set_password(password)  # equal work for unknown names: no timing oracle
        _attempt(request, username, None, LoginAttempt.Result.UNKNOWN_USER)
        return None, BadCredentials("用户名或密码不正确")
    now = timezone.now()
    if user.locked_until and user.locked_until > now:
        _attempt(request, username, user, LoginAttempt.Result.LOCKED)
        until = timezone.localtime(user.locked_until).strftime("%H:%M")
        return None, AccountLocked(
            f"该账号因连续输错密码已被锁定，请于 {until} 后再试，或联系安全保密管理员解锁。"
        )
    if not user.check_password(password):
        return None, _bad_password(request, user, now)
    if not (user.is_active and user.unit.is_registered):
        _attempt(request, username, user, LoginAttempt.Result.INACTIVE)
        return None, AccountUnavailable("该账号已停用、已注销或所在单位已注销，不能登录。")
    if user.failed_login_count or user.locked_until:
        user.failed_login_count, user.locked_until = 0, None
        user.save(update_fields=["failed_login_count", "locked_until"])
    return user, None


def _bad_password(request: HttpRequest, user: User, now: datetime) -> DomainError:
    policy = password_policy()
    user.failed_login_count += 1
    detail = f"第 {user.failed_login_count} 次失败"
    if policy.lockout_threshold and user.failed_login_count >= policy.lockout_threshold:
        user.locked_until = now + timedelta(minutes=policy.lockout_minutes)
        user.failed_login_count = 0
        user.save(update_fields=["failed_login_count", "locked_until"])
        _attempt(
            request, user.username, user, LoginAttempt.Result.BAD_PASSWORD, detail + "，已锁定"
        )
        audit_record(
            actor=None,
            action="account.locked",
            target=user,
            unit=user.unit,
            details={"minutes": policy.lockout_minutes},
        )
        return AccountLocked(
            f"密码连续输错 {policy.lockout_threshold} 次，"
            f"账号已锁定 {policy.lockout_minutes} 分钟。"
            "到时自动解锁，急需使用请联系安全保密管理员解锁。"
        )
    user.save(update_fields=["failed_login_count"])
    _attempt(request, user.username, user, LoginAttempt.Result.BAD_PASSWORD, detail)
    left = policy.lockout_threshold - user.failed_login_count if policy.lockout_threshold else 0
    suffix = f"（再错 {left} 次将锁定账号）" if left else ""
    return BadCredentials("用户名或密码不正确" + suffix)


@transaction.atomic
def login_complete(
    *, request: HttpRequest, user: User, login_key_id: int | None = None
) -> UserSession:
    """Log the person in (after every factor passed), record the session and the attempt."""
    django_login(request, user, backend="wenshu.accounts.backends.WenshuBackend")
    if not request.session.session_key:
        request.session.save()
    ip, agent = request_meta(request)
    live = UserSession.objects.create(
        user=user,
        session_key=request.session.session_key or "",
        login_key_id=login_key_id,
        ip=ip,
        user_agent=agent,
    )
    _attempt(request, user.username, user, LoginAttempt.Result.SUCCESS)
    audit_record(
        actor=user, action="account.login", target=user, details={"login_key_id": login_key_id}
    )
    if not user.must_change_password and password_change_due(user):
        days = password_policy().max_age_days
        messages.warning(
            request,
            f"您的密码已使用超过 {days} 天，为了账号安全，请尽快修改密码。",
            fail_silently=True,
        )
    return live


def sessions_end(
    *,
    user: User,
    reason: str,
    login_key_id: int | None = None,
    except_session_key: str | None = None,
) -> int:
    """End a person's live sessions at once (all, or those opened with one login key)."""
    live = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if login_key_id is not None:
        live = live.filter(login_key_id=login_key_id)
    if except_session_key:
        live = live.exclude(session_key=except_session_key)
    keys = list(live.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return live.update(ended_at=timezone.now(), end_reason=reason[:100])


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Follow a session whose key was cycled (e.g. after a password change)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key, ended_at__isnull=True).update(
            session_key=new_key
        )


def session_logout(*, request: HttpRequest) -> None:
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason="logout"
        )
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="account.logout", target=request.user)
    django_logout(request)


def sessions_sweep() -> int:
    """Mark sessions that ended by idling out (their Django session expired) and delete
    expired session rows. Periodic; returns how many live sessions were closed."""
    now = timezone.now()
    ended, last_id = 0, 0
    while True:
        batch = list(
            UserSession.objects.filter(ended_at__isnull=True, id__gt=last_id)
            .order_by("id")
            .values_list("id", "session_key")[:500]
        )
        if not batch:
            break
        last_id = batch[-1][0]
        keys = [key for _, key in batch]
        alive = set(
            Session.objects.filter(session_key__in=keys, expire_date__gt=now).values_list(
                "session_key", flat=True
            )
        )
        dead = [key for key in keys if key not in alive]
        ended += UserSession.objects.filter(session_key__in=dead).update(
            ended_at=now, end_reason="idle_timeout"
        )
    Session.objects.filter(expire_date__lte=now).delete()
    return ended


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> User:
    """The security administrator lifts a lockout before it runs out."""
    if not (actor.is_active and actor.has_role(Role.SECURITY_ADMIN)):
        raise Forbidden("只有安全保密管理员可以解锁账号。")
    person = lock_person(user.pk)
    if not person.is_locked:
        raise Conflict("该账号当前没有被锁定。")
    person.locked_until, person.failed_login_count = None, 0
    person.save(update_fields=["locked_until", "failed_login_count"])
    audit_record(actor=actor, action="account.unlocked", target=person, unit=person.unit)
    return person


def revoke_tokens(person: User) -> int:
    return ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
