"""Reporting a fault: by a person (报修), or by another part of Wenshu (自动上报).

A person's report goes to the unit's system administrator first (S1 art. 44, 47), unless the
reporter is that administrator and sends it straight on, or the unit has no active system
administrator, or the reporter is the digital office itself: then it reaches the digital
office at once and its 24-hour clock starts. A system report always goes to the digital office.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User as UserModel
from wenshu.accounts.roles import Role
from wenshu.files.models import Upload
from wenshu.lib.errors import Conflict, Forbidden
from wenshu.tickets import selectors
from wenshu.tickets.models import WITH_UNIT, Category, Ticket, TicketEvent, Urgency
from wenshu.tickets.services import _common as c

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

S = Ticket.Status
E = TicketEvent.Kind


@dataclass(frozen=True)
class ReportInput:
    category: str
    summary: str
    details: str = ""
    affected: str = ""
    related_ref: str = ""
    urgency: str = Urgency.NORMAL
    to_office: bool = False  # a unit admin sends it straight to the digital office


def _clean(data: ReportInput) -> dict[str, str]:
    return {
        "category": c.choice(data.category, Category, label="故障类别"),
        "urgency": c.choice(data.urgency, Urgency, label="紧急程度"),
        "summary": c.clean_text(
            data.summary, label="故障简述", max_len=c.MAX_SUMMARY, required=True
        ),
        "details": c.clean_text(data.details, label="故障描述"),
        "affected": c.clean_text(data.affected, label="影响范围"),
        "related_ref": c.clean_text(data.related_ref, label="相关编号", max_len=c.MAX_REF),
    }


def _unit_has_admin(unit_id: int) -> bool:
    return UserModel.objects.filter(
        unit_id=unit_id, status=UserModel.Status.ACTIVE, role_grants__role=Role.UNIT_ADMIN
    ).exists()


def _goes_to_office(actor: User, to_office: bool) -> bool:
    if to_office and not (selectors.is_unit_admin(actor) or selectors.is_city_admin(actor)):
        raise Forbidden("只有单位系统管理员可以直接上报市数字办；请先报本单位系统管理员处理。")
    return to_office or selectors.is_city_admin(actor) or not _unit_has_admin(actor.unit_id)


def ticket_report(*, actor: User, data: ReportInput, uploads: Sequence[Upload] = ()) -> Ticket:
    """Any active person reports a fault. Run files.services.file_ingest on the attachments
    BEFORE calling this, and pass the Uploads."""
    c.require_active(actor)
    fields = _clean(data)
    uploads = c.own_uploads(actor, uploads)
    straight = _goes_to_office(actor, data.to_office)
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            reporter=actor, unit_id=actor.unit_id, reported_at=now, **fields
        )
        c.record(ticket, actor=actor, kind=E.REPORTED, at=now, text=ticket.details, uploads=uploads)
        c.audit(
            actor,
            "reported",
            ticket,
            summary=ticket.summary,
            urgency=ticket.urgency,
            attachments=[u.pk for u in uploads],
        )
        if straight:
            c.arrive_at_office(ticket, actor=actor, at=now, note="直接上报市数字办")
        else:
            c.tell_unit_admins(ticket, title=f"新的故障报修 #{ticket.pk}", body=c.describe(ticket))
    return ticket


def ticket_raise_system(
    *,
    source: str,
    category: str,
    summary: str,
    details: str = "",
    unit: Any = None,
    dedupe_key: str,
    urgency: str = Urgency.URGENT,
) -> Ticket:
    """A fault found by Wenshu itself (a document that fails verification, a failed delivery):
    straight into the digital office's queue, clock running. The same `dedupe_key` again
    returns the ticket raised the first time and changes nothing. No human reporter; callable
    inside the caller's transaction (it uses a savepoint)."""
    _check_system_args(source=source, category=category, urgency=urgency, key=dedupe_key)
    existing = Ticket.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                source=Ticket.Source.SYSTEM,
                system_source=source[:60],
                dedupe_key=dedupe_key,
                unit=unit,
                category=category,
                urgency=urgency,
                reported_at=now,
                summary=(summary.strip() or "系统自动上报的故障")[: c.MAX_SUMMARY],
                details=details.strip()[: c.MAX_TEXT],
            )
            c.record(ticket, actor=None, kind=E.RAISED, at=now, text=f"来源：{source}")
            c.audit(None, "raised", ticket, source=source, dedupe_key=dedupe_key)
            c.arrive_at_office(ticket, actor=None, at=now, note="系统自动上报市数字办")
            c.tell_unit_admins(
                ticket, title=f"系统检测到本单位故障 #{ticket.pk}", body=c.describe(ticket)
            )
    except IntegrityError:
        # Raised at the same moment by another worker with the same key: that one stands.
        return Ticket.objects.get(dedupe_key=dedupe_key)
    return ticket


def _check_system_args(*, source: str, category: str, urgency: str, key: str) -> None:
    # Programming errors of the calling app, not user input: fail loudly.
    if not source or not source.strip():
        raise ValueError("ticket_raise_system: source is required")
    if category not in Category.values:
        raise ValueError(f"ticket_raise_system: unknown category {category!r}")
    if urgency not in Urgency.values:
        raise ValueError(f"ticket_raise_system: unknown urgency {urgency!r}")
    if not key or len(key) > 160:
        raise ValueError("ticket_raise_system: dedupe_key must be 1–160 characters")


def ticket_withdraw(*, actor: User, ticket: Ticket, reason: str = "") -> Ticket:
    """The reporter takes back a report still with the unit (reported/unit handling → closed)."""
    c.require_active(actor)
    reason = c.clean_text(reason, label="撤回原因", max_len=500)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        if ticket.reporter_id != actor.pk:
            raise Forbidden("只有报修人本人可以撤回报修。")
        if ticket.status not in WITH_UNIT:  # resolved → closed is the confirmation, not this
            raise Conflict(
                f"该故障单当前状态为“{ticket.get_status_display()}”，不能撤回；"
                "只有尚在本单位处理的报修可以撤回。"
            )
        before = ticket.status
        ticket.move(S.CLOSED, "撤回")
        ticket.closed_at = timezone.now()
        ticket.save()
        c.record(
            ticket,
            actor=actor,
            kind=E.WITHDRAWN,
            at=ticket.closed_at,
            text=reason,
            from_status=before,
        )
        c.audit(actor, "withdrawn", ticket, reason=reason)
        if ticket.handled_by_id:
            c.tell(
                [ticket.handled_by],
                title=f"故障单 #{ticket.pk} 已被报修人撤回",
                body=reason or ticket.summary,
                ticket=ticket,
            )
    return ticket
