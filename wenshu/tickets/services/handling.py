"""Handling a ticket: the unit's system administrator takes it, resolves it or escalates it
(S1 art. 44, 47); the digital office acknowledges it (the art. 51 response), works on it and
resolves it; the reporter confirms, or reopens within N days.

Every service: permission first, then the row lock, the transition from the table, the
timeline line and the audit event, all in one transaction. A stale page or a double click
meets the new state and is refused with a Conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from wenshu.files.models import Upload
from wenshu.lib.errors import Conflict, Forbidden
from wenshu.tickets import selectors
from wenshu.tickets.models import Ticket, TicketEvent
from wenshu.tickets.services import _common as c

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

S = Ticket.Status
E = TicketEvent.Kind


def ticket_take(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """The unit's system administrator takes the report on (reported → unit handling)."""
    c.require_active(actor)
    note = c.clean_text(note, label="说明", max_len=1000)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        c.require_unit_admin(actor, ticket, "受理本单位的故障报修")
        before, now = ticket.status, timezone.now()
        ticket.move(S.UNIT_HANDLING, "受理")
        ticket.handled_by = actor
        ticket.save()
        c.record(ticket, actor=actor, kind=E.TAKEN, at=now, text=note, from_status=before)
        c.audit(actor, "taken", ticket, note=note)
        c.tell(
            [ticket.reporter],
            title=f"您的故障报修 #{ticket.pk} 已由本单位系统管理员受理",
            body=note or ticket.summary,
            ticket=ticket,
        )
    return ticket


def ticket_escalate(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """The unit cannot eliminate the fault: report it to the digital office (art. 44 "无法排除
    的，应立即与市数字办联系"); the 24-hour clock starts now."""
    c.require_active(actor)
    note = c.clean_text(note, label="已采取的措施", max_len=c.MAX_TEXT)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        c.require_unit_admin(actor, ticket, "将故障上报市数字办")
        if ticket.handled_by_id is None:
            ticket.handled_by = actor
        c.arrive_at_office(
            ticket, actor=actor, at=timezone.now(), note=note or "本单位无法排除，上报市数字办"
        )
        c.tell(
            [ticket.reporter],
            title=f"您的故障报修 #{ticket.pk} 已上报市数字办",
            body=note or ticket.summary,
            ticket=ticket,
        )
    return ticket


def ticket_acknowledge(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """The digital office responds (art. 51 "在24小时内作出响应"): this stops the response
    timer; the fault must still be eliminated within the 24 hours."""
    c.require_active(actor)
    note = c.clean_text(note, label="响应说明", max_len=c.MAX_TEXT)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        c.require_city_admin(actor, "响应上报的故障")
        before, now = ticket.status, timezone.now()
        ticket.move(S.ACKNOWLEDGED, "响应")
        ticket.acknowledged_at, ticket.acknowledged_by = now, actor
        ticket.save()
        c.record(ticket, actor=actor, kind=E.ACKNOWLEDGED, at=now, text=note, from_status=before)
        late = bool(ticket.due_at and now > ticket.due_at)
        c.audit(actor, "acknowledged", ticket, note=note, late=late)
        _tell_unit_side(
            ticket, title=f"市数字办已响应故障单 #{ticket.pk}", body=note or ticket.summary
        )
    return ticket


def ticket_start(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """The digital office starts work on it (acknowledged → in progress)."""
    c.require_active(actor)
    note = c.clean_text(note, label="处理说明", max_len=c.MAX_TEXT)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        c.require_city_admin(actor, "处理上报的故障")
        before, now = ticket.status, timezone.now()
        ticket.move(S.IN_PROGRESS, "开始处理")
        ticket.save()
        c.record(ticket, actor=actor, kind=E.STARTED, at=now, text=note, from_status=before)
        c.audit(actor, "started", ticket, note=note)
    return ticket


def ticket_note(
    *, actor: User, ticket: Ticket, text: str, uploads: Sequence[Upload] = ()
) -> TicketEvent:
    """A line in the timeline (处理记录 / 补充说明), with attachments, by the reporter or the
    side handling it. Run file_ingest on the attachments before calling this."""
    c.require_active(actor)
    text = c.clean_text(text, label="记录内容", required=True)
    uploads = c.own_uploads(actor, uploads)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        handler = _is_handler(actor, ticket)
        if not (handler or ticket.reporter_id == actor.pk):
            raise Forbidden("只有报修人、本单位系统管理员和市数字办可以添加记录。")
        if ticket.status == S.CLOSED:
            raise Conflict("该故障单已关闭，不能再添加记录；如故障再次出现，请重新打开或重新报修。")
        event = c.record(
            ticket, actor=actor, kind=E.NOTE, at=timezone.now(), text=text, uploads=uploads
        )
        c.audit(actor, "noted", ticket, attachments=[u.pk for u in uploads])
        _tell_other_side(ticket, actor=actor, handler=handler, text=text)
    return event


def ticket_resolve(*, actor: User, ticket: Ticket, resolution: str) -> Ticket:
    """The fault is eliminated (→ resolved), by the side holding the ticket. Resolving an
    escalated ticket that was never acknowledged counts as the response too. A ticket escalated
    after 24 hours needs its proposed solution on record first (art. 51)."""
    c.require_active(actor)
    resolution = c.clean_text(resolution, label="处理结果", required=True)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        c.require_handler(actor, ticket, "办结该故障单")
        if ticket.is_breached and ticket.is_open and ticket.solution_at is None:
            raise Conflict(
                "该故障超过24小时未排除，已升级；须先提出解决办法（报告市政府办公室、"
                "生成纸质通知）后才能办结。"
            )
        before, now = ticket.status, timezone.now()
        ticket.move(S.RESOLVED, "办结")
        if ticket.at_office and ticket.acknowledged_at is None:
            ticket.acknowledged_at, ticket.acknowledged_by = now, actor
        ticket.resolved_at, ticket.resolved_by, ticket.resolution = now, actor, resolution
        ticket.save()
        c.record(ticket, actor=actor, kind=E.RESOLVED, at=now, text=resolution, from_status=before)
        c.audit(
            actor,
            "resolved",
            ticket,
            resolution=resolution,
            within_window=ticket.due_at is None or now < ticket.due_at,
        )
        _tell_unit_side(ticket, title=f"故障单 #{ticket.pk} 的故障已排除", body=resolution)
    return ticket


def ticket_close(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """Close a resolved ticket: the reporter confirms, or the handling side closes it."""
    c.require_active(actor)
    note = c.clean_text(note, label="说明", max_len=1000)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        if not (ticket.reporter_id == actor.pk or _is_handler(actor, ticket)):
            raise Forbidden("只有报修人或处理该故障的管理员可以关闭故障单。")
        if ticket.status != S.RESOLVED:
            raise Conflict(
                f"该故障单当前状态为“{ticket.get_status_display()}”，不能关闭；"
                "故障排除后才能关闭。页面可能已过期，请刷新后查看。"
            )
        before, now = ticket.status, timezone.now()
        ticket.move(S.CLOSED, "关闭")
        ticket.closed_at = now
        ticket.save()
        c.record(ticket, actor=actor, kind=E.CLOSED, at=now, text=note, from_status=before)
        c.audit(actor, "closed", ticket, note=note)
    return ticket


def ticket_reopen(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """The fault is back: the reporter (for a system ticket, the digital office) reopens it
    within N days of its resolution. It returns to where it was handled: to the digital office
    with a new 24-hour clock, or to the unit's system administrator."""
    c.require_active(actor)
    reason = c.clean_text(reason, label="重新打开的原因", required=True)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        _require_reopener(actor, ticket)
        now = timezone.now()
        _check_reopen_window(ticket, now)
        ticket.resolved_at = ticket.resolved_by = ticket.closed_at = None
        ticket.resolution = ""
        if ticket.at_office:
            c.arrive_at_office(
                ticket, actor=actor, at=now, note=reason, verb="重新打开", kind=E.REOPENED
            )
        else:
            before = ticket.status
            ticket.move(S.REPORTED, "重新打开")
            ticket.save()
            c.record(ticket, actor=actor, kind=E.REOPENED, at=now, text=reason, from_status=before)
            c.audit(actor, "reopened", ticket, reason=reason)
            c.tell_unit_admins(ticket, title=f"故障单 #{ticket.pk} 被重新打开", body=reason)
    return ticket


def _require_reopener(actor: User, ticket: Ticket) -> None:
    if ticket.reporter_id is None:
        c.require_city_admin(actor, "重新打开系统自动上报的故障单")
    elif ticket.reporter_id != actor.pk:
        raise Forbidden("只有报修人本人可以重新打开故障单。")


def _check_reopen_window(ticket: Ticket, now: Any) -> None:
    if ticket.status not in (S.RESOLVED, S.CLOSED):
        raise Conflict(
            f"该故障单当前状态为“{ticket.get_status_display()}”，尚未办结，"
            "不需要重新打开。页面可能已过期，请刷新后查看。"
        )
    days = c.reopen_days()
    if ticket.resolved_at is None or now - ticket.resolved_at > timedelta(days=days):
        raise Conflict(f"故障排除已超过 {days} 天，不能重新打开；如故障再次出现，请重新报修。")


def _is_handler(actor: User, ticket: Ticket) -> bool:
    return selectors.is_city_admin(actor) or selectors.is_unit_admin_of(actor, ticket.unit_id)


def _tell_unit_side(ticket: Ticket, *, title: str, body: str) -> None:
    c.tell([ticket.reporter], title=title, body=body, ticket=ticket)
    c.tell_unit_admins(ticket, title=title, body=body)


def _tell_other_side(ticket: Ticket, *, actor: User, handler: bool, text: str) -> None:
    title = f"故障单 #{ticket.pk} 有新的记录"
    if handler:
        if ticket.reporter_id != actor.pk:
            c.tell([ticket.reporter], title=title, body=text, ticket=ticket)
    elif ticket.at_office and ticket.is_open:
        c.tell_office(ticket, title=title, body=text)
    else:
        c.tell_unit_admins(ticket, title=title, body=text)
