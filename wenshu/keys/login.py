"""The second login step: after the password (accounts), the person presents a login key.

The pending login sits in the session under `login_steps.PENDING_SESSION_KEY` ({"user_id",
"at"}). Every refusal is written to the login history (second_factor_failed) and to the audit
log with result "refused", outside the failed check's transaction so both commit although the
login fails. Success ends in `accounts.services.login_complete(..., login_key_id=key.id)`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from webauthn import verify_authentication_response
from webauthn.helpers.exceptions import WebAuthnException

from wenshu.accounts.login_steps import PENDING_MAX_SECONDS, PENDING_SESSION_KEY
from wenshu.accounts.models import LoginAttempt, User
from wenshu.accounts.services import login_complete
from wenshu.audit.context import current as audit_context
from wenshu.audit.services import audit_record
from wenshu.keys import ceremony, services, totp
from wenshu.keys.ceremony import CeremonyRefused
from wenshu.keys.models import KeyKind, LoginKey
from wenshu.keys.policy import key_required
from wenshu.lib.errors import DomainError
from wenshu.lib.gm import UnwrapError

LOGIN_PURPOSE = "login"
MAX_FAILURES_PER_LOGIN = 5  # then the password step must be repeated

_STATUS_MESSAGES = {
    LoginKey.Status.PRODUCED: "该密钥尚未发放，须登记领取后方可使用。",
    LoginKey.Status.ISSUED: "该密钥尚未登记领取，须到市数字办登记领取后方可使用。",
    LoginKey.Status.SUSPENDED: (
        "该密钥因签名计数异常（疑似被复制）已暂停使用，请联系安全保密管理员。"
    ),
    LoginKey.Status.LOST: "该密钥已挂失注销，不能再用于登录。",
    LoginKey.Status.REVOKED: "该密钥已注销，不能再用于登录。",
}


class SecondFactorRefused(DomainError):
    """The key step refused; the pending login may still continue unless `restart`."""

    def __init__(self, message: str, *, restart: bool = False) -> None:
        super().__init__(message, code="second_factor_failed")
        self.restart = restart


def second_factor_hook(user: Any) -> str | None:
    """Registered with accounts.login_steps: where the password step sends a person who
    must use a key (None: the password is enough)."""
    return reverse("keys:login") if key_required(user) else None


@dataclass(frozen=True)
class LoginChoice:
    user: User
    webauthn_keys: list[LoginKey]
    totp_keys: list[LoginKey]
    blocked_message: str  # non-empty when the person holds no usable key


def _usable_keys(user: User) -> list[LoginKey]:
    return list(LoginKey.objects.filter(holder=user, status=LoginKey.Status.ACTIVE).order_by("id"))


def pending_user(request: HttpRequest) -> User:
    """The person who passed the password step, if that was recent; else ask to start again."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or "user_id" not in pending:
        raise SecondFactorRefused("请先输入用户名和密码登录。", restart=True)
    if time.time() - float(pending.get("at", 0)) > PENDING_MAX_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        raise SecondFactorRefused(
            f"输入密码后须在 {PENDING_MAX_SECONDS // 60} 分钟内完成密钥验证，已超时，请重新登录。",
            restart=True,
        )
    user = User.objects.select_related("unit").filter(pk=pending["user_id"]).first()
    if user is None or not (user.is_active and user.unit.is_registered):
        request.session.pop(PENDING_SESSION_KEY, None)
        raise SecondFactorRefused("该账号已停用或所在单位已注销，不能登录。", restart=True)
    return user


def login_choice(request: HttpRequest) -> LoginChoice:
    user = pending_user(request)
    keys = _usable_keys(user)
    blocked = ""
    if not keys:
        held = LoginKey.objects.filter(holder=user).exclude(
            status__in=[LoginKey.Status.LOST, LoginKey.Status.REVOKED]
        )
        suspended = held.filter(status=LoginKey.Status.SUSPENDED).exists()
        blocked = (
            "您的密钥因疑似被复制已暂停使用，暂不能登录。请联系安全保密管理员核查。"
            if suspended
            else "按照本系统的密钥策略，您的账号须使用登录密钥，但您名下没有可用的密钥。"
            "请由本人或本单位系统管理员向市政府办公室申领密钥（第二十七条），领取后再登录。"
        )
    return LoginChoice(
        user=user,
        blocked_message=blocked,
        webauthn_keys=[k for k in keys if k.kind == KeyKind.WEBAUTHN],
        totp_keys=[k for k in keys if k.kind == KeyKind.TOTP],
    )


def refuse_blocked(request: HttpRequest, choice: LoginChoice) -> None:
    """Record and end a login by someone who must use a key but holds none usable."""
    request.session.pop(PENDING_SESSION_KEY, None)
    _record_refusal(request, choice.user, "no_usable_key", choice.blocked_message, key=None)


# ---------------------------------------------------------------- refusals


def _record_refusal(
    request: HttpRequest, user: User, reason: str, message: str, *, key: LoginKey | None
) -> None:
    ip = audit_context().ip or str(request.META.get("REMOTE_ADDR", ""))
    with transaction.atomic():
        LoginAttempt.objects.create(
            username=user.username,
            user=user,
            ip=ip[:64],
            user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
            result=LoginAttempt.Result.SECOND_FACTOR_FAILED,
            detail=f"{reason}：{message}"[:300],
            at=timezone.now(),
        )
        audit_record(
            actor=user,
            action="key.login_refused",
            target=key or user,
            unit=user.unit,
            result="refused",
            details={"reason": reason, "message": message, "key": key.pk if key else None},
        )


def _refuse(
    request: HttpRequest, user: User, reason: str, message: str, *, key: LoginKey | None = None
) -> NoReturn:
    _record_refusal(request, user, reason, message, key=key)
    pending = request.session.get(PENDING_SESSION_KEY) or {}
    since = datetime.fromtimestamp(float(pending.get("at", time.time())), tz=UTC) - timedelta(
        seconds=1
    )
    failures = LoginAttempt.objects.filter(
        user=user, result=LoginAttempt.Result.SECOND_FACTOR_FAILED, at__gte=since
    ).count()
    if failures >= MAX_FAILURES_PER_LOGIN:
        request.session.pop(PENDING_SESSION_KEY, None)
        raise SecondFactorRefused(
            message + f"（密钥验证已连续失败 {failures} 次，请重新输入用户名和密码。）",
            restart=True,
        )
    raise SecondFactorRefused(message)


def _finish(request: HttpRequest, user: User, key: LoginKey) -> str:
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(ceremony.CHALLENGE_SESSION_KEY, None)
    login_complete(request=request, user=user, login_key_id=key.pk)
    return reverse("web:workbench")


# ---------------------------------------------------------------- WebAuthn assertion


def webauthn_begin(*, request: HttpRequest) -> dict[str, Any]:
    choice = login_choice(request)
    if not choice.webauthn_keys:
        raise SecondFactorRefused("您名下没有可用的安全密钥。")
    return ceremony.authentication_options(
        request.session, purpose=f"{LOGIN_PURPOSE}:{choice.user.pk}", keys=choice.webauthn_keys
    )


def webauthn_finish(*, request: HttpRequest, credential: Any) -> str:
    """Verify an assertion for the pending login; return where to go next."""
    user = pending_user(request)
    try:
        challenge = ceremony.take_challenge(request.session, purpose=f"{LOGIN_PURPOSE}:{user.pk}")
        checked = ceremony.check_client_data(
            credential, expected_challenge=challenge, ceremony="webauthn.get"
        )
    except CeremonyRefused as exc:
        _refuse(request, user, exc.reason, exc.message)
    key = _key_for_assertion(request, user, checked.credential_id)
    new_count = _verify_assertion(request, user, key, checked)
    if (new_count or key.sign_count) and new_count <= key.sign_count:
        services.key_suspend_cloned(key=key, user=user, seen_count=new_count)
        _refuse(
            request,
            user,
            "counter_regressed",
            "该密钥的签名计数异常，疑似被复制，已暂停使用并报告安全保密管理员。请联系安全保密管理员。",
            key=key,
        )
    updated = LoginKey.objects.filter(
        pk=key.pk, status=LoginKey.Status.ACTIVE, sign_count=key.sign_count
    ).update(sign_count=new_count, last_used_at=timezone.now())
    if not updated:  # another login with the same key moved the counter first
        _refuse(request, user, "concurrent_use", "该密钥正在别处同时使用，请重新操作。", key=key)
    return _finish(request, user, key)


def _key_for_assertion(request: HttpRequest, user: User, credential_id: str) -> LoginKey:
    key = LoginKey.objects.select_related("holder").filter(credential_id=credential_id).first()
    if key is None:
        _refuse(request, user, "unknown_credential", "该安全密钥未在本系统登记，不能用于登录。")
    if key.holder_id != user.pk:
        _refuse(
            request,
            user,
            "other_holder",
            "该安全密钥登记在其他人员名下。密钥不得转借他人使用（第三十条），已拒绝并记录。",
            key=key,
        )
    if key.status != LoginKey.Status.ACTIVE:
        _refuse(
            request,
            user,
            f"key_{key.status}",
            _STATUS_MESSAGES[LoginKey.Status(key.status)],
            key=key,
        )
    return key


def _verify_assertion(
    request: HttpRequest, user: User, key: LoginKey, checked: ceremony.ClientCheck
) -> int:
    from django.conf import settings

    try:
        # The counter is compared by us afterwards (current count 0 turns the library's check
        # off): only a response with a valid signature may suspend a key, or anyone knowing a
        # credential id could lock its holder out with a forged low counter.
        verified = verify_authentication_response(
            credential=checked.credential,
            expected_challenge=checked.challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGIN,
            credential_public_key=bytes(key.public_key or b""),
            credential_current_sign_count=0,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        _refuse(
            request,
            user,
            "bad_signature",
            "安全密钥的签名验证未通过，已拒绝。请重新操作。",
            key=key,
        )
    return int(verified.new_sign_count)


# ---------------------------------------------------------------- TOTP


def totp_finish(*, request: HttpRequest, code: str) -> str:
    user = pending_user(request)
    keys = [k for k in _usable_keys(user) if k.kind == KeyKind.TOTP]
    if not keys:
        _refuse(request, user, "no_totp_key", "您名下没有可用的动态口令令牌。")
    code = (code or "").strip().replace(" ", "")
    if len(code) != totp.DIGITS or not code.isdigit():
        _refuse(
            request, user, "bad_code_format", f"请输入令牌上显示的 {totp.DIGITS} 位数字动态口令。"
        )
    replayed: LoginKey | None = None
    for key in keys:
        step = _matching_step(key, code)
        if step is None:
            continue
        if key.totp_last_step is not None and step <= key.totp_last_step:
            replayed = key
            continue
        # Conditional update: two requests with the same code cannot both win this step.
        claimed = (
            LoginKey.objects.filter(pk=key.pk, status=LoginKey.Status.ACTIVE)
            .exclude(totp_last_step__gte=step)
            .update(totp_last_step=step, last_used_at=timezone.now())
        )
        if claimed:
            return _finish(request, user, key)
        replayed = key
    if replayed is not None:
        _refuse(
            request,
            user,
            "totp_replayed",
            "该动态口令已使用过，不能重复使用。请等待令牌显示新的口令后再输入。",
            key=replayed,
        )
    _refuse(
        request,
        user,
        "totp_wrong",
        "动态口令不正确。请核对令牌上当前显示的 6 位数字（注意令牌时间是否准确）。",
    )


def _matching_step(key: LoginKey, code: str) -> int | None:
    try:
        secret = totp.unwrap_secret(bytes(key.totp_secret_wrapped or b""), serial=key.serial)
    except UnwrapError:
        return None  # a damaged record never opens a login
    return totp.matching_step(secret, code)


def drop_ended_session(request: HttpRequest) -> bool:
    """Log out cleanly when a service just ended the viewer's own session (a holder reporting
    the key they logged in with): the session row is gone, so saving it would fail."""
    key = request.session.session_key
    if key and not Session.objects.filter(session_key=key).exists():
        logout(request)
        return True
    return False
