"""Helpers shared by the keys services: permission, transitions, locks, notifications."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.keys.models import (
    APPLICATION_TRANSITIONS,
    KEY_TRANSITIONS,
    HolderHandle,
    KeyApplication,
    KeyKind,
    LoginKey,
)
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

App = KeyApplication.Status
Key = LoginKey.Status


# ---------------------------------------------------------------- helpers


def _require(actor: User, *roles: Role, message: str) -> None:
    if not (actor.is_active and actor.has_role(*roles)):
        raise Forbidden(message)


def _move_application(app: KeyApplication, to: str) -> None:
    if (app.status, to) not in APPLICATION_TRANSITIONS:
        raise Conflict(
            f"该申请当前状态为「{app.get_status_display()}」，"
            f"不能{_label(to, KeyApplication.Status)}。"
            "页面可能已过期，请刷新后查看。"
        )
    app.status = to


def _move_key(key: LoginKey, to: str, reason: str = "") -> None:
    if (key.status, to) not in KEY_TRANSITIONS:
        raise Conflict(
            f"该密钥当前状态为「{key.get_status_display()}」，"
            f"不能改为「{_label(to, LoginKey.Status)}」。"
        )
    key.status = to
    if reason:
        key.status_reason = reason[:300]
    if to in (Key.LOST, Key.REVOKED):
        key.ended_at = timezone.now()


def _label(value: str, choices: Any) -> str:
    return str(dict(choices.choices).get(value, value))


def _locked_application(pk: int) -> KeyApplication:
    found = KeyApplication.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _locked_key(pk: int) -> LoginKey:
    found = LoginKey.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _notify(recipients: Iterable[User], *, title: str, body: str, link: str = "") -> None:
    from wenshu.notify.services import notify_send

    people = [p for p in {p.pk: p for p in recipients}.values() if p.is_active]
    if people:
        notify_send(recipients=people, title=title, body=body, link=link, sms=True, kind="keys")


def _notify_role(role: Role, *, unit: Any = None, title: str, body: str, link: str = "") -> None:
    from wenshu.notify.services import notify_role

    notify_role(role=role, unit=unit, title=title, body=body, link=link, sms=True, kind="keys")


def _new_serial(kind: str) -> str:
    prefix = "WA" if kind == KeyKind.WEBAUTHN else "OTP"
    return f"{prefix}-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def holder_handle(user: User) -> bytes:
    """The person's WebAuthn user handle, made on first use (64 random bytes)."""
    found = HolderHandle.objects.filter(user=user).first()
    if found is None:
        try:
            with transaction.atomic():
                found = HolderHandle.objects.create(user=user, handle=secrets.token_bytes(64))
        except IntegrityError:  # a concurrent first use made it
            found = HolderHandle.objects.get(user=user)
    return bytes(found.handle)


def _check_holder(person: User, *, unit: Any) -> None:
    if not person.is_active:
        raise DomainError(f"{person.display_name} 的账号不是正常状态，不能申领或持有密钥。")
    if person.unit_id != unit.pk:
        raise DomainError("拟使用人必须是本单位人员。")
