"""Writing the audit log. Every state change of consequence calls audit_record inside its
own transaction, so the event and the change commit or roll back together."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from wenshu.audit import context
from wenshu.audit.chain import chain_hash
from wenshu.audit.models import AuditChainHead, AuditEvent


def _target_fields(target: Any) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    if isinstance(target, models.Model):
        return {
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk),
            "target_repr": str(target)[:300],
        }
    return {"target_type": type(target).__name__, "target_id": "", "target_repr": str(target)[:300]}


def _unit_of(actor: Any, unit: Any) -> tuple[int | None, str]:
    unit = unit if unit is not None else getattr(actor, "unit", None)
    if unit is None:
        return None, ""
    return unit.pk, str(getattr(unit, "full_name", unit))[:200]


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    unit: Any = None,
    result: str = AuditEvent.Result.OK,
    details: dict[str, Any] | None = None,
    on_behalf_of: Any = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Caller's transaction (if any) includes it.

    `actor` is a user or None for the system; `on_behalf_of` defaults to the delegation
    recorded in the current audit context.
    """
    ctx = context.current()
    unit_id, unit_name = _unit_of(actor, unit)
    event = AuditEvent(
        created_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_name=(getattr(actor, "display_name", None) or getattr(actor, "username", "") or "系统")[:150],
        on_behalf_of_id=getattr(on_behalf_of, "pk", None) or ctx.on_behalf_of_id,
        on_behalf_of_name=str(getattr(on_behalf_of, "display_name", "") or ctx.on_behalf_of_name)[:150],
        unit_id=unit_id,
        unit_name=unit_name,
        action=action,
        ip=(ip if ip is not None else ctx.ip)[:64],
        result=str(result),
        details=details or {},
        **_target_fields(target),
    )
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = chain_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def audit_refusal(*, actor: Any, action: str, message: str, target: Any = None,
                  details: dict[str, Any] | None = None) -> AuditEvent:
    """Record a refused request. Call it after the refused transaction rolled back."""
    return audit_record(
        actor=actor, action=action, target=target, result=AuditEvent.Result.REFUSED,
        details={"message": message, **(details or {})},
    )
