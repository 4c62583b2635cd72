"""Reading the audit log, the chain status and the security alerts — each for its one role."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from wenshu.audit.models import AuditEvent, AuditVerification, SecurityAlert
from wenshu.audit.permissions import (
    SECURITY_ADMIN,
    holds,
    require_audit_admin,
    require_chain_status_reader,
    require_security_admin,
)
from wenshu.lib.errors import DomainError, NotFound


@dataclass(frozen=True)
class EventFilter:
    """The audit console's filters; empty values filter nothing."""

    date_from: date | None = None
    date_to: date | None = None  # inclusive
    person: str = ""  # actor or on-behalf-of: a name fragment or a user id
    unit: str = ""  # a unit-name fragment or a unit id
    action: str = ""  # a fragment of the action code, e.g. "account." or "login"
    result: str = ""  # one of AuditEvent.Result, or "" for all

    def check(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise DomainError("截止日期不能早于起始日期。")
        if self.result and self.result not in AuditEvent.Result.values:
            raise DomainError("结果只能是：成功、被拒绝、失败。")

    def as_details(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def _person_q(value: str) -> Q:
    q = Q(actor_name__icontains=value) | Q(on_behalf_of_name__icontains=value)
    if value.isdigit():
        q |= Q(actor_id=int(value)) | Q(on_behalf_of_id=int(value))
    return q


def _unit_q(value: str) -> Q:
    q = Q(unit_name__icontains=value)
    return q | Q(unit_id=int(value)) if value.isdigit() else q


def _filtered(filters: EventFilter) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if filters.date_from:
        qs = qs.filter(created_at__gte=_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_midnight(filters.date_to + timedelta(days=1)))
    if filters.person.strip():
        qs = qs.filter(_person_q(filters.person.strip()))
    if filters.unit.strip():
        qs = qs.filter(_unit_q(filters.unit.strip()))
    if filters.action.strip():
        qs = qs.filter(action__icontains=filters.action.strip())
    if filters.result:
        qs = qs.filter(result=filters.result)
    return qs


def audit_events(*, viewer: Any, filters: EventFilter | None = None) -> QuerySet[AuditEvent]:
    """The audit log, newest first, for the audit administrator only."""
    require_audit_admin(viewer)
    filters = filters or EventFilter()
    filters.check()
    return _filtered(filters).order_by("-seq")


def audit_event_get(*, viewer: Any, seq: int) -> AuditEvent:
    require_audit_admin(viewer)
    event = AuditEvent.objects.filter(seq=seq).first()
    if event is None:
        raise NotFound("找不到该审计记录（可能已按留存期限清理）。")
    return event


def verification_latest(*, viewer: Any) -> AuditVerification | None:
    """The last chain verification: what the three administrators see as the chain status."""
    require_chain_status_reader(viewer)
    return AuditVerification.objects.order_by("-ran_at", "-id").first()


def security_alerts(*, viewer: Any, state: str = "open") -> QuerySet[SecurityAlert]:
    require_security_admin(viewer)
    qs = SecurityAlert.objects.order_by("-created_at", "-id")
    if state == "open":
        return qs.filter(acknowledged_at__isnull=True)
    if state == "done":
        return qs.filter(acknowledged_at__isnull=False)
    return qs


def security_alert_get(*, viewer: Any, alert_id: int) -> SecurityAlert:
    require_security_admin(viewer)
    alert = SecurityAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("找不到该安全告警。")
    return alert


def open_alert_count(*, viewer: Any) -> int:
    """For the workbench counter: 0 for anyone but a security administrator."""
    if not holds(viewer, SECURITY_ADMIN):
        return 0
    return SecurityAlert.objects.filter(acknowledged_at__isnull=True).count()
