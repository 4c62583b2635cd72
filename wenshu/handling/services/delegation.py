"""代办人 (S1 art. 17): naming a delegate for a period, and who stands in for whom right now."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.context import audit_context
from wenshu.audit.services import audit_record
from wenshu.handling.models import Delegation
from wenshu.lib.errors import Conflict, DomainError, NotFound

MAX_DAYS = 90


def principals_now(actor: User) -> list[User]:
    """People the actor stands in for at this moment (registered with the workflow)."""
    if actor is None or not getattr(actor, "pk", None):
        return []
    now = timezone.now()
    rows = Delegation.objects.filter(
        delegate_id=actor.pk,
        starts_at__lte=now,
        ends_at__gt=now,
        revoked_at__isnull=True,
        principal__status=User.Status.ACTIVE,
    ).select_related("principal")
    return [d.principal for d in rows]


def acting_as(actor: User, allowed: Callable[[User], bool]) -> User | None:
    """The actor if allowed, else the first principal the actor stands in for who is."""
    if allowed(actor):
        return actor
    return next((p for p in principals_now(actor) if allowed(p)), None)


def shown_as(actor: User, principal: User | None) -> str:
    """张三（代李四） when a delegate acted, else the actor's name."""
    name = actor.display_name
    if principal is not None and principal.pk != actor.pk:
        return f"{name}（代{principal.display_name}）"
    return name


@contextmanager
def on_behalf(actor: User, principal: User) -> Iterator[User | None]:
    """Audit context naming the principal when a delegate acts; yields that principal or None."""
    if principal.pk == actor.pk:
        yield None
        return
    with audit_context(on_behalf_of_id=principal.pk, on_behalf_of_name=principal.display_name):
        yield principal


def delegation_create(
    *, actor: User, delegate: User, starts_at: datetime, ends_at: datetime, reason: str = ""
) -> Delegation:
    """The actor names a delegate in their own unit for a period (at most 90 days)."""
    if not actor.is_active:
        raise DomainError("您的账号不可用。")
    if delegate.pk == actor.pk:
        raise DomainError("不能指定自己为代办人。")
    if delegate.unit_id != actor.unit_id or not delegate.is_active:
        raise NotFound("找不到该人员，代办人须是本单位在岗人员。")
    if ends_at <= starts_at:
        raise DomainError("结束时间须晚于开始时间。")
    if ends_at <= timezone.now():
        raise DomainError("结束时间已过，请重新选择。")
    if (ends_at - starts_at).days > MAX_DAYS:
        raise DomainError(f"代办期限不能超过 {MAX_DAYS} 天。")
    with transaction.atomic():
        overlap = Delegation.objects.select_for_update().filter(
            principal=actor, revoked_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        if overlap.exists():
            raise Conflict("该时段内您已指定了代办人，请先撤销原委托。")
        row = Delegation.objects.create(
            principal=actor,
            delegate=delegate,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=(reason or "").strip()[:200],
        )
        audit_record(
            actor=actor,
            action="handling.delegation_create",
            target=row,
            unit=actor.unit,
            details={
                "delegate_id": delegate.pk,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )
    return row


def delegation_revoke(*, actor: User, delegation: Delegation) -> Delegation:
    """The principal ends a delegation early (the end time also ends it by itself)."""
    if delegation.principal_id != actor.pk:
        raise NotFound("找不到该代办委托。")
    with transaction.atomic():
        updated = Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise Conflict("该代办委托已撤销。")
        audit_record(
            actor=actor, action="handling.delegation_revoke", target=delegation, unit=actor.unit
        )
    delegation.refresh_from_db()
    return delegation
