"""The 24-hour timers of S1 art. 51 and what happens when they run out.

The clock starts when the report reaches the digital office (escalation by the unit, a
report straight to the office, or a system report) — see docs/parts/tickets.md. Then:

- at 50 % (12 h) and 90 % (21.6 h) the digital office is reminded, while the ticket is still
  open there (not yet acknowledged: the response is due; acknowledged: the fault must still be
  eliminated within the 24 hours);
- at 24 h a ticket not yet resolved is escalated ("若24小时内仍未排除故障"): flagged breached,
  the digital office is told to propose a solution, the government office (市政府办公室
  审批人) receives the escalation report, and the paper notice to the affected units is
  generated at once (with "解决办法另行通知" until the office records its solution);
- a ticket resolved before 24 h never escalates.

The sweep runs every 5 minutes (wenshu/ops/schedule.py). Each step is claimed by inserting a
TicketAlarm row unique per (ticket, clock round, kind) under the ticket's row lock, so
however often or concurrently the sweep runs, each reminder and the escalation happen once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User as UserModel
from wenshu.accounts.roles import Role
from wenshu.lib.errors import Conflict, DomainError
from wenshu.org.models import Unit
from wenshu.tickets import notice as paper
from wenshu.tickets import selectors
from wenshu.tickets.models import (
    OPEN_AT_OFFICE,
    REMINDER_FRACTIONS,
    RESPONSE_HOURS,
    RESPONSE_WINDOW,
    Category,
    Ticket,
    TicketAlarm,
    TicketEvent,
    TicketNotice,
)
from wenshu.tickets.services import _common as c

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

log = logging.getLogger(__name__)
A = TicketAlarm.Kind
E = TicketEvent.Kind


def due_step(ticket: Ticket, now: datetime) -> str | None:
    """The latest timer step this ticket has reached (None before 50 %)."""
    if ticket.reached_office_at is None:
        return None
    elapsed = now - ticket.reached_office_at
    if elapsed >= RESPONSE_WINDOW:
        return A.BREACH
    for kind in (A.REMIND_90, A.REMIND_50):
        if elapsed >= RESPONSE_WINDOW * REMINDER_FRACTIONS[kind]:
            return kind
    return None


def tickets_timers_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Fire every due reminder and escalation once; returns how many of each fired."""
    now = now or timezone.now()
    earliest = now - RESPONSE_WINDOW * min(REMINDER_FRACTIONS.values())
    candidates = (
        Ticket.objects.filter(
            status__in=OPEN_AT_OFFICE,
            reached_office_at__lte=earliest,
            breached_at__isnull=True,
        )
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    fired = {kind: 0 for kind in A.values}
    for pk in list(candidates):
        kind = _fire(pk, now)
        if kind:
            fired[kind] += 1
    fired["closed"] = tickets_auto_close(now=now)
    return fired


def _fire(pk: int, now: datetime) -> str | None:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
        if ticket is None or ticket.status not in OPEN_AT_OFFICE or ticket.is_breached:
            return None  # resolved (or escalated) since the list was read
        kind = due_step(ticket, now)
        if kind is None:
            return None
        _, created = TicketAlarm.objects.get_or_create(
            ticket=ticket, round=ticket.clock_round, kind=kind, defaults={"at": now}
        )
        if not created:
            return None
        if kind == A.BREACH:
            _breach(ticket, now)
        else:
            _remind(ticket, kind, now)
        return str(kind)


def _remind(ticket: Ticket, kind: str, now: datetime) -> None:
    hours = RESPONSE_HOURS * REMINDER_FRACTIONS[kind]
    left = RESPONSE_HOURS - hours
    pending = "尚未响应" if ticket.acknowledged_at is None else "已响应，但故障尚未排除"
    text = (
        f"故障单 #{ticket.pk} 上报市数字办已满 {hours:g} 小时，{pending}；距24小时时限还剩 "
        f"{left:g} 小时，届时未排除将升级报告市政府办公室。"
    )
    c.record(ticket, actor=None, kind=E.REMINDER, at=now, text=text)
    c.audit(None, "reminded", ticket, step=kind, round=ticket.clock_round)
    c.tell_office(
        ticket,
        title=f"故障处理时限提醒 #{ticket.pk}（已满 {hours:g} 小时）",
        body=f"{c.describe(ticket)}。{text}",
        sms=True,
        dedupe_key=f"tickets:{ticket.pk}:{ticket.clock_round}:{kind}",
    )


def _breach(ticket: Ticket, now: datetime) -> None:
    ticket.breached_at = now
    ticket.save(update_fields=["breached_at"])
    units = list(ticket.notice_units.all()) or default_notice_units(ticket)
    ticket.notice_units.set(units)
    text = (
        f"上报市数字办已满 {RESPONSE_HOURS} 小时，故障仍未排除，按第五十一条升级：市数字办须"
        "提出解决办法，报告市政府办公室，并以纸质文件通知有关单位。"
    )
    c.record(ticket, actor=None, kind=E.BREACHED, at=now, text=text)
    c.audit(
        None,
        "breached",
        ticket,
        round=ticket.clock_round,
        reached_office_at=ticket.reached_office_at,
        units=[u.pk for u in units],
    )
    _try_first_notice(ticket, now)
    key = f"tickets:{ticket.pk}:{ticket.clock_round}:breach"
    c.tell_office(
        ticket,
        title=f"故障单 #{ticket.pk} 超过24小时未排除，已升级",
        body=f"{c.describe(ticket)}。请立即提出解决办法并打印纸质通知送达有关单位。",
        sms=True,
        dedupe_key=key,
    )
    reached = paper.cn_time(ticket.reached_office_at or now)
    c.tell_role(
        Role.GOV_APPROVER,
        title=f"故障升级报告：故障单 #{ticket.pk} 超过24小时未排除",
        body=(
            f"{c.describe(ticket)}。该故障于 {reached} "
            "上报市数字办，24小时内未能排除。市数字办将提出解决办法，并以纸质文件"
            "通知有关单位。"
        ),
        ticket=ticket,
        sms=True,
        dedupe_key=f"{key}:gov",
    )


def _try_first_notice(ticket: Ticket, now: datetime) -> None:
    # The escalation must stand even when the PDF cannot be made (a missing font): the office
    # makes the notice again when it records its solution.
    try:
        with transaction.atomic():
            make_notice(ticket, actor=None, solution=paper.DEFAULT_SOLUTION, at=now)
    except DomainError as exc:
        log.warning("ticket %s: paper notice not generated at the breach: %s", ticket.pk, exc)
        c.record(ticket, actor=None, kind=E.NOTICE, at=now, text=f"纸质通知未能生成：{exc}")


def default_notice_units(ticket: Ticket) -> list[Unit]:
    """Who gets the paper notice unless the digital office chooses: every registered unit for
    a document-exchange fault (or a system-wide one), else the ticket's own unit."""
    if ticket.category == Category.EXCHANGE or ticket.unit_id is None:
        return list(selectors.notice_unit_choices())
    return [ticket.unit] if ticket.unit is not None else []


def _gov_office_names() -> tuple[str, ...]:
    # 抄送 the government office: the units of the people who hold its approver role.
    ids = UserModel.objects.filter(
        role_grants__role=Role.GOV_APPROVER, status=UserModel.Status.ACTIVE
    ).values("unit_id")
    return tuple(Unit.objects.filter(pk__in=ids).order_by("id").values_list("full_name", flat=True))


def _office() -> Unit | None:
    return Unit.objects.filter(is_digital_office=True).first()


def _facts(
    ticket: Ticket, *, units: Iterable[Unit], solution: str, at: datetime
) -> paper.NoticeFacts:
    office = _office()
    contact = (
        " ".join(x for x in (office.contact_person, office.contact_phone) if x) if office else ""
    )
    reporter = ticket.unit.name_at(ticket.reported_at) if ticket.unit else "系统自动检测"
    return paper.NoticeFacts(
        office_name=office.full_name if office else paper.OFFICE_NAME,
        category=ticket.category,
        urgency=ticket.urgency,
        summary=ticket.summary,
        details=ticket.details,
        affected=ticket.affected,
        reporter=reporter,
        reported_at=ticket.reported_at,
        reached_at=ticket.reached_office_at or at,
        breached_at=ticket.breached_at or at,
        solution=solution,
        units=tuple(u.name_at(at) for u in units),
        issue_date=timezone.localdate(at),
        cc=_gov_office_names(),
        contact=contact,
    )


def make_notice(ticket: Ticket, *, actor: User | None, solution: str, at: datetime) -> TicketNotice:
    """Render and keep a new version of the paper notice (caller holds the ticket's lock)."""
    units = list(ticket.notice_units.order_by("kind", "full_name"))
    if not units:
        raise DomainError("请至少选择一个接收纸质通知的单位。")
    facts = _facts(ticket, units=units, solution=solution, at=at)
    pdf = paper.render_notice(facts)
    version = (
        ticket.notices.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    notice = TicketNotice.objects.create(
        ticket=ticket,
        version=version,
        round=ticket.clock_round,
        created_at=at,
        created_by=actor,
        title=paper.notice_title(ticket.category),
        solution=solution,
        pdf=pdf,
        units=[{"id": u.pk, "name": name} for u, name in zip(units, facts.units, strict=True)],
    )
    c.record(
        ticket,
        actor=actor,
        kind=E.NOTICE,
        at=at,
        text=f"生成纸质通知第 {version} 版，送达：{'、'.join(facts.units)}",
    )
    c.audit(
        actor,
        "notice_generated",
        ticket,
        version=version,
        units=[u.pk for u in units],
        pdf_bytes=len(pdf),
    )
    return notice


def ticket_record_solution(
    *, actor: User, ticket: Ticket, solution: str, units: Iterable[Unit] | None = None
) -> TicketNotice:
    """The digital office proposes its solution for an escalated ticket (art. 51 "由市数字办
    提出解决办法"), chooses the units to notify, and reports to the government office; a new
    version of the paper notice is generated."""
    c.require_active(actor)
    c.require_city_admin(actor, "提出解决办法")
    solution = c.clean_text(solution, label="解决办法", required=True)
    chosen = _check_units(units)
    with transaction.atomic():
        ticket = c.locked(actor, ticket)
        if not ticket.is_breached or ticket.status not in OPEN_AT_OFFICE:
            raise Conflict(
                "只有超过24小时仍未排除、已升级的故障单需要提出解决办法。"
                "页面可能已过期，请刷新后查看。"
            )
        now = timezone.now()
        ticket.proposed_solution, ticket.solution_at, ticket.solution_by = solution, now, actor
        ticket.save(update_fields=["proposed_solution", "solution_at", "solution_by"])
        if chosen:
            ticket.notice_units.set(chosen)
        c.record(ticket, actor=actor, kind=E.SOLUTION, at=now, text=solution)
        c.audit(actor, "solution", ticket, solution=solution)
        notice = make_notice(ticket, actor=actor, solution=solution, at=now)
        c.tell_role(
            Role.GOV_APPROVER,
            title=f"故障升级报告：市数字办提出解决办法（#{ticket.pk}）",
            body=f"{c.describe(ticket)}。解决办法：{solution}",
            ticket=ticket,
            dedupe_key=f"tickets:{ticket.pk}:notice:{notice.version}:gov",
        )
    return notice


def _check_units(units: Iterable[Unit] | None) -> list[Unit]:
    chosen = list({u.pk: u for u in units or ()}.values())
    allowed = set(selectors.notice_unit_choices().values_list("pk", flat=True))
    if any(u.pk not in allowed for u in chosen):
        raise DomainError("纸质通知只能发给已注册的使用单位。")
    return chosen


def tickets_auto_close(*, now: datetime | None = None) -> int:
    """Close tickets resolved more than N days ago (the reopen window has passed)."""
    now = now or timezone.now()
    days = c.reopen_days()
    stale = Ticket.objects.filter(
        status=Ticket.Status.RESOLVED, resolved_at__lt=now - timedelta(days=days)
    )
    closed = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update()
                .filter(pk=pk, status=Ticket.Status.RESOLVED)
                .first()
            )
            if ticket is None:
                continue
            ticket.move(Ticket.Status.CLOSED, "关闭")
            ticket.closed_at = now
            ticket.save(update_fields=["status", "closed_at"])
            c.record(
                ticket,
                actor=None,
                kind=E.CLOSED,
                at=now,
                from_status="resolved",
                text=f"故障排除后 {days} 天内未重新打开，自动关闭。",
            )
            c.audit(None, "closed", ticket, automatic=True)
            closed += 1
    return closed
