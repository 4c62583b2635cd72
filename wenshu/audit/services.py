"""Writing the audit log. Every state change of consequence calls audit_record inside its
own transaction, so the event and the change commit or roll back together.

The chain head row is locked for each append, so appends queue behind each other until the
caller's transaction ends: call audit_record as the last write of a transaction, after the
rows you lock yourself, so two transactions never wait on each other in opposite orders (the
full rule is in audit_record's docstring).

Also here: purging old rows (operators only), running the verification, and the security
alerts that other apps raise too.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from wenshu.audit import context
from wenshu.audit.chain import chain_hash, clean_text, plain_details
from wenshu.audit.models import AuditChainHead, AuditEvent, AuditVerification, SecurityAlert
from wenshu.audit.permissions import require_audit_admin, require_security_admin
from wenshu.audit.verify import PURGE_ACTION, chain_verify
from wenshu.lib.errors import Conflict, DomainError

log = logging.getLogger(__name__)

RETENTION_DAYS = 180
RETENTION_RULE = (
    "《中华人民共和国网络安全法》第二十一条要求网络日志留存不少于六个月"
    "（GB/T 22239-2019 等级保护基本要求：审计记录应留存不少于六个月）"
)
CHAIN_ALERT_KIND = "audit_chain_broken"


def _fit(field: str, value: str) -> str:
    """Clean text cut to the column's length: PostgreSQL refuses what SQLite would keep."""
    max_length = getattr(AuditEvent._meta.get_field(field), "max_length", None)
    return clean_text(value)[:max_length]


def _target_fields(target: Any) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    if isinstance(target, models.Model):
        return {
            "target_type": _fit("target_type", target._meta.label_lower),
            "target_id": _fit("target_id", str(target.pk)),
            "target_repr": _fit("target_repr", str(target)),
        }
    return {
        "target_type": _fit("target_type", type(target).__name__),
        "target_id": "",
        "target_repr": _fit("target_repr", str(target)),
    }


def _unit_of(actor: Any, unit: Any) -> tuple[int | None, str]:
    unit = unit if unit is not None else getattr(actor, "unit", None)
    if unit is None:
        return None, ""
    return unit.pk, _fit("unit_name", str(getattr(unit, "full_name", unit)))


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(id=1).first()
    if head is None:  # a fresh or flushed database: create it once, whoever comes first
        AuditChainHead.objects.bulk_create([AuditChainHead(id=1)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(id=1)
    return head


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

    Lock order: this locks the chain's head row and holds it until the caller's transaction
    ends, and every audited transaction takes that lock. So after the first audit_record of a
    transaction, lock or update no row another transaction might lock before auditing:
    take your own row locks (select_for_update, UPDATE, conditional updates) first and call
    audit_record last. Otherwise one transaction holds the head and waits for your row while
    the other holds your row and waits for the head, and PostgreSQL aborts one ("deadlock
    detected"). Inserting new rows, and writing rows this transaction already holds, is
    safe. A service that calls other audited services (they audit as their last step) locks
    up front everything it will touch after they return: e.g. the document services lock
    the document and its process before the seal services audit, and the workflow services
    lock a process's subject (registry.Subject.lock) before the process.

    Why not buffer the events and write them just before commit: Django has no pre-commit
    hook, tests run inside a transaction that never commits, and an event buffered inside a
    savepoint that later rolls back would still be written. Keeping the append in place with
    this rule keeps "the event commits or rolls back with its change" exact.

    `actor` is a user or None for the system; `on_behalf_of` defaults to the delegation
    recorded in the current audit context. `details` is stored as plain JSON (dates and
    decimals become strings) so that it hashes the same after reading it back.
    """
    if str(result) not in AuditEvent.Result.values:
        raise ValueError(f"audit_record: result must be one of {AuditEvent.Result.values}")
    ctx = context.current()
    unit_id, unit_name = _unit_of(actor, unit)
    actor_name = getattr(actor, "display_name", None) or getattr(actor, "username", "") or "系统"
    event = AuditEvent(
        actor_id=getattr(actor, "pk", None),
        actor_name=_fit("actor_name", str(actor_name)),
        on_behalf_of_id=getattr(on_behalf_of, "pk", None) or ctx.on_behalf_of_id,
        on_behalf_of_name=_fit(
            "on_behalf_of_name",
            str(getattr(on_behalf_of, "display_name", "") or ctx.on_behalf_of_name),
        ),
        unit_id=unit_id,
        unit_name=unit_name,
        action=_fit("action", action),
        ip=_fit("ip", ip if ip is not None else ctx.ip),
        result=str(result),
        details=plain_details(details or {}),
        **_target_fields(target),
    )
    with transaction.atomic():
        head = _lock_head()
        # Stamped under the lock, so time never runs backwards along the chain (purge relies on it).
        event.created_at = timezone.now()
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = chain_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def audit_refusal(
    *,
    actor: Any,
    action: str,
    message: str,
    target: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a refused request. Call it after the refused transaction rolled back."""
    return audit_record(
        actor=actor,
        action=action,
        target=target,
        result=AuditEvent.Result.REFUSED,
        details={"message": message, **(details or {})},
    )


def _audit_even_if_chain_broken(**kwargs: Any) -> None:
    """audit_record for the alarm paths: a broken chain (e.g. a forged row sitting on the next
    seq) can make appends fail, and that must not stop the alarm about it."""
    try:
        with transaction.atomic():
            audit_record(**kwargs)
    except DatabaseError:
        log.exception("audit append failed while raising an alarm: %s", kwargs.get("action"))


def audit_export_record(*, actor: Any, filters: dict[str, Any], rows: int) -> AuditEvent:
    """An export of the audit log leaves the system: note who took which rows."""
    require_audit_admin(actor)
    with transaction.atomic():
        return audit_record(
            actor=actor, action="audit.exported", details={"filters": filters, "rows": rows}
        )


# --- purge (operators, from the command line) ------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    from_seq: int | None
    to_seq: int | None
    base_seq: int
    cutoff: datetime


def _cutoff(before: date | datetime) -> datetime:
    if isinstance(before, datetime):
        return before if timezone.is_aware(before) else timezone.make_aware(before)
    return timezone.make_aware(datetime(before.year, before.month, before.day))


def _check_retention(cutoff: datetime, now: datetime) -> None:
    limit = now - timedelta(days=RETENTION_DAYS)
    if cutoff > limit:
        latest = timezone.localtime(limit).date()
        raise DomainError(
            f"不能清理 {timezone.localtime(cutoff):%Y-%m-%d} 之前的审计记录：其中包含不满 "
            f"{RETENTION_DAYS} 天的记录。{RETENTION_RULE}。"
            f"最晚只能清理 {latest:%Y-%m-%d} 之前的记录。",
            code="retention",
        )


def audit_purge(
    *,
    before: date | datetime,
    operator: str,
    now: datetime | None = None,
) -> PurgeResult:
    """Delete the rows written before `before` (a date is midnight, Asia/Shanghai) and move the
    chain base to the last deleted row, so the rest still verifies. Refused for rows younger
    than RETENTION_DAYS and while the chain is broken (a purge must not bury tampering).
    Operators only: no page or API route calls this."""
    cutoff = _cutoff(before)
    _check_retention(cutoff, now or timezone.now())
    report = chain_verify()
    if not report.ok:
        raise Conflict(
            f"审计链校验未通过，不能清理：{report.finding}请先由安全保密管理员核查安全告警。"
        )
    with transaction.atomic():
        head = _lock_head()
        young = AuditEvent.objects.filter(seq__gt=head.base_seq, created_at__gte=cutoff)
        first_young = young.order_by("seq").values_list("seq", flat=True).first()
        to_seq = first_young - 1 if first_young is not None else head.seq
        from_seq, deleted = head.base_seq + 1, 0
        if to_seq > head.base_seq:
            last_hash = AuditEvent.objects.values_list("hash", flat=True).get(seq=to_seq)
            deleted, _ = AuditEvent.objects.filter(seq__gt=head.base_seq, seq__lte=to_seq).delete()
            head.base_seq, head.base_hash = to_seq, last_hash
            head.save(update_fields=["base_seq", "base_hash"])
        audit_record(
            actor=None,
            action=PURGE_ACTION,
            details={
                "before": timezone.localtime(cutoff).isoformat(),
                "deleted": deleted,
                "from_seq": from_seq if deleted else None,
                "to_seq": to_seq if deleted else None,
                "base_seq": head.base_seq,
                "base_hash": head.base_hash,
                "operator": operator,
            },
        )
    return PurgeResult(
        deleted=deleted,
        from_seq=from_seq if deleted else None,
        to_seq=to_seq if deleted else None,
        base_seq=head.base_seq,
        cutoff=cutoff,
    )


# --- verification -----------------------------------------------------------------------


def chain_verification_run(*, actor: Any = None) -> AuditVerification:
    """Verify the whole chain, keep the result, and on failure raise a security alert."""
    started = time.monotonic()
    report = chain_verify()
    with transaction.atomic():
        verification = AuditVerification.objects.create(
            ran_at=timezone.now(),
            ok=report.ok,
            rows_checked=report.rows_checked,
            first_bad_seq=report.first_bad_seq,
            first_bad_id=report.event_id,
            kind=report.kind,
            finding=report.finding,
            head_seq=report.head_seq,
            head_hash=report.head_hash,
            base_seq=report.base_seq,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        _audit_even_if_chain_broken(
            actor=actor,
            action="audit.chain_verified",
            target=verification,
            result=AuditEvent.Result.OK if report.ok else AuditEvent.Result.FAILED,
            details={
                "rows_checked": report.rows_checked,
                "kind": report.kind,
                "first_bad_seq": report.first_bad_seq,
            },
        )
        if not report.ok:
            security_alert_raise(
                kind=CHAIN_ALERT_KIND,
                message=f"审计日志被篡改：{report.finding}",
                details={
                    "verification_id": verification.pk,
                    "kind": report.kind,
                    "first_bad_seq": report.first_bad_seq,
                    "event_id": report.event_id,
                },
                dedupe_key=f"{report.kind}:{report.first_bad_seq}:{report.event_id}",
            )
    return verification


# --- security alerts --------------------------------------------------------------------


def _notify_security_admins(alert_id: int) -> None:
    # notify sits above audit in the import graph: import at call time, after commit.
    from django.urls import reverse

    from wenshu.notify.services import notify_role

    alert = SecurityAlert.objects.get(pk=alert_id)
    with transaction.atomic():
        notify_role(
            role="security_admin",
            title=f"安全告警（{alert.get_severity_display()}）",
            body=alert.message,
            link=reverse("audit:alerts"),
            kind="security_alert",
            dedupe_key=f"security_alert:{alert.pk}",
        )


def security_alert_raise(
    *,
    kind: str,
    message: str,
    details: dict[str, Any] | None = None,
    unit: Any = None,
    severity: str = SecurityAlert.Severity.CRITICAL,
    dedupe_key: str = "",
) -> SecurityAlert:
    """Open an alert for the security administrators (told after commit). With a dedupe_key,
    an alert of the same kind and key that is still open is returned instead of a new one."""
    if not kind or not message.strip():
        raise ValueError("security_alert_raise: kind and message are required")
    open_same = SecurityAlert.objects.filter(
        kind=kind, dedupe_key=dedupe_key, acknowledged_at__isnull=True
    )
    with transaction.atomic():
        if dedupe_key and (existing := open_same.first()) is not None:
            return existing
        try:
            with transaction.atomic():
                alert = SecurityAlert.objects.create(
                    kind=kind[:60],
                    severity=str(severity),
                    message=clean_text(message)[:500],
                    details=plain_details(details or {}),
                    unit_id=getattr(unit, "pk", None),
                    unit_name=clean_text(str(getattr(unit, "full_name", unit or "")))[:200],
                    dedupe_key=dedupe_key[:200],
                    created_at=timezone.now(),
                )
        except IntegrityError:  # the same key was raised by someone else just now
            return open_same.get()
        _audit_even_if_chain_broken(
            actor=None,
            action="security.alert_raised",
            target=alert,
            unit=unit,
            details={"kind": kind, "severity": str(severity)},
        )
        alert_id = alert.pk

        def notify() -> None:
            _notify_security_admins(alert_id)

        transaction.on_commit(notify, robust=True)
    return alert


def security_alert_acknowledge(
    *,
    actor: Any,
    alert: SecurityAlert,
    note: str = "",
) -> SecurityAlert:
    """The security administrator confirms an alert was looked at (once; audited)."""
    require_security_admin(actor)
    note = clean_text(note.strip())[:500]
    with transaction.atomic():
        changed = SecurityAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by_id=actor.pk,
            acknowledged_by_name=actor.display_name[:150],
            acknowledged_at=timezone.now(),
            acknowledge_note=note,
        )
        alert.refresh_from_db()
        if changed != 1:
            when = timezone.localtime(alert.acknowledged_at) if alert.acknowledged_at else None
            raise Conflict(
                f"该告警已由{alert.acknowledged_by_name}于 {when:%Y-%m-%d %H:%M} "
                "处理，无需重复处理。"
            )
        audit_record(
            actor=actor,
            action="security.alert_acknowledged",
            target=alert,
            details={"kind": alert.kind, "note": note},
        )
    return alert
