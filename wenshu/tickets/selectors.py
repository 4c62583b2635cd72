"""Reads of the tickets app, always for a viewer: another unit's ticket is a 404.

Who sees which ticket:
- the reporter: their own tickets;
- the unit's system administrator (单位系统管理员): every ticket of the unit;
- the digital office (市数字办管理员): every ticket (it runs the system and the statistics);
- the government-office approver (市政府办公室审批人): tickets that were escalated to it
  because they stayed unresolved for 24 hours.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from wenshu.accounts.roles import Role
from wenshu.lib.errors import DomainError, NotFound
from wenshu.org.models import Unit
from wenshu.tickets.models import (
    OPEN_AT_OFFICE,
    WITH_UNIT,
    Ticket,
    TicketAlarm,
    TicketAttachment,
    TicketEvent,
    TicketNotice,
)

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

SCOPES = {
    "queue": "待我处理",
    "mine": "我报修的",
    "unit": "本单位",
    "office": "已上报市数字办",
    "breached": "超时升级",
    "all": "全部",
}


def is_city_admin(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.has_role(Role.CITY_ADMIN))


def is_gov_approver(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.has_role(Role.GOV_APPROVER))


def is_unit_admin_of(viewer: User, unit_id: int | None) -> bool:
    return bool(
        viewer.is_active
        and unit_id is not None
        and viewer.unit_id == unit_id
        and viewer.has_role(Role.UNIT_ADMIN)
    )


def is_unit_admin(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.has_role(Role.UNIT_ADMIN))


def _ever_breached() -> Exists:
    return Exists(TicketAlarm.objects.filter(ticket=OuterRef("pk"), kind=TicketAlarm.Kind.BREACH))


def visible_tickets(*, viewer: User) -> QuerySet[Ticket]:
    """Every ticket the viewer may see (no joins, so callers may lock rows of it)."""
    if not viewer.is_active:
        return Ticket.objects.none()
    if is_city_admin(viewer):
        return Ticket.objects.all()
    seen = Q(reporter_id=viewer.pk)
    if is_unit_admin(viewer):
        seen |= Q(unit_id=viewer.unit_id)
    if is_gov_approver(viewer):
        seen |= Q(_ever_breached())
    return Ticket.objects.filter(seen)


def ticket_get(*, viewer: User, pk: int, lock: bool = False) -> Ticket:
    """One ticket the viewer may see, else NotFound. With lock, the row is locked (inside the
    caller's transaction) and related rows are not joined."""
    found = visible_tickets(viewer=viewer).filter(pk=pk)
    found = found.select_for_update() if lock else found.select_related("unit", "reporter")
    ticket = found.first()
    if ticket is None:
        raise NotFound("找不到该故障单，或您无权查看。")
    return ticket


def default_scope(viewer: User) -> str:
    if is_city_admin(viewer) or is_unit_admin(viewer):
        return "queue"
    if is_gov_approver(viewer):
        return "breached"
    return "mine"


def scopes_for(viewer: User) -> list[tuple[str, str]]:
    allowed = ["mine"]
    if is_unit_admin(viewer):
        allowed = ["queue", "unit", "mine"]
    if is_gov_approver(viewer):
        allowed = ["breached", *allowed]
    if is_city_admin(viewer):
        allowed = ["queue", "office", "breached", "all", "mine"]
    return [(s, SCOPES[s]) for s in allowed]


def _queue_q(viewer: User) -> Q:
    q = Q(pk__in=[])
    if is_unit_admin(viewer):
        q |= Q(unit_id=viewer.unit_id, status__in=WITH_UNIT)
    if is_city_admin(viewer):
        q |= Q(status__in=OPEN_AT_OFFICE)
    return q


def _scope_q(viewer: User, scope: str) -> Q:
    if scope == "queue":
        return _queue_q(viewer)
    if scope == "unit":
        return Q(unit_id=viewer.unit_id)
    if scope == "office":
        return Q(reached_office_at__isnull=False)
    if scope == "breached":
        return Q(_ever_breached())
    if scope == "all":
        return Q()
    return Q(reporter_id=viewer.pk)


def tickets_list(
    *,
    viewer: User,
    scope: str = "",
    status: str = "",
    category: str = "",
    urgency: str = "",
    unit_id: int | None = None,
    q: str = "",
) -> QuerySet[Ticket]:
    """The viewer's tickets in one of their scopes (SCOPES), filtered; the queue comes in due
    order (the oldest deadline first), the others newest first."""
    allowed = dict(scopes_for(viewer))
    scope = scope if scope in allowed else default_scope(viewer)
    rows = visible_tickets(viewer=viewer).filter(_scope_q(viewer, scope))
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    if urgency:
        rows = rows.filter(urgency=urgency)
    if unit_id:
        rows = rows.filter(unit_id=unit_id)
    if q.strip():
        rows = rows.filter(Q(summary__icontains=q.strip()) | Q(related_ref__icontains=q.strip()))
    rows = rows.select_related("unit", "reporter")
    if scope == "queue":
        return rows.order_by(F("due_at").asc(nulls_last=True), "reported_at", "id")
    return rows.order_by("-reported_at", "-id")


def queue_count(*, viewer: User) -> int:
    """The workbench's 待处理故障: a unit admin's tickets waiting with the unit, and for the
    digital office the escalated tickets not yet acknowledged (the response is due)."""
    q = Q(pk__in=[])
    if is_unit_admin(viewer):
        q |= Q(unit_id=viewer.unit_id, status__in=WITH_UNIT)
    if is_city_admin(viewer):
        q |= Q(status=Ticket.Status.ESCALATED)
    return visible_tickets(viewer=viewer).filter(q).count()


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor").prefetch_related("attachments__upload")


def ticket_attachments(*, ticket: Ticket) -> QuerySet[TicketAttachment]:
    return ticket.attachments.select_related("upload__stored_file")


def attachment_get(*, viewer: User, ticket_pk: int, attachment_pk: int) -> TicketAttachment:
    ticket = ticket_get(viewer=viewer, pk=ticket_pk)
    found = ticket_attachments(ticket=ticket).filter(pk=attachment_pk).first()
    if found is None:
        raise NotFound("找不到该附件，或您无权查看。")
    return found


def ticket_notices(*, ticket: Ticket) -> QuerySet[TicketNotice]:
    return ticket.notices.defer("pdf").select_related("created_by")


def notice_get(*, viewer: User, ticket_pk: int, notice_pk: int) -> TicketNotice:
    ticket = ticket_get(viewer=viewer, pk=ticket_pk)
    found = ticket.notices.filter(pk=notice_pk).first()
    if found is None:
        raise NotFound("找不到该纸质通知，或您无权查看。")
    return found


def notice_unit_choices() -> QuerySet[Unit]:
    """Units a paper notice may go to: every registered unit except the digital office."""
    return Unit.objects.filter(status=Unit.Status.REGISTERED, is_digital_office=False).order_by(
        "kind", "full_name"
    )


def notice_units_by_ids(*, ids: list[int]) -> list[Unit]:
    """The chosen units for a paper notice; an id that is not a registered unit is refused."""
    units = list(notice_unit_choices().filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise DomainError("所选单位中有不存在或未注册的单位，请刷新后重新选择。")
    return units


def may_see_stats(viewer: User) -> bool:
    return is_city_admin(viewer) or is_unit_admin(viewer)


def _handles(viewer: User, ticket: Ticket) -> bool:
    if ticket.at_office:
        return is_city_admin(viewer)
    return is_unit_admin_of(viewer, ticket.unit_id)


def _may_reopen(viewer: User, ticket: Ticket, reopen_days: int) -> bool:
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        return False
    who = is_city_admin(viewer) if ticket.reporter_id is None else ticket.reporter_id == viewer.pk
    fresh = ticket.resolved_at is not None and (
        timezone.now() - ticket.resolved_at <= timedelta(days=reopen_days)
    )
    return who and fresh


def available_actions(*, viewer: User, ticket: Ticket, reopen_days: int) -> set[str]:
    """What the viewer may do to the ticket now (to show the buttons; the services decide)."""
    S = Ticket.Status
    status, mine = ticket.status, ticket.reporter_id == viewer.pk
    unit_admin, city = is_unit_admin_of(viewer, ticket.unit_id), is_city_admin(viewer)
    rules = {
        "take": unit_admin and status == S.REPORTED,
        "escalate": unit_admin and status in WITH_UNIT,
        "withdraw": mine and status in WITH_UNIT,
        "acknowledge": city and status == S.ESCALATED,
        "start": city and status == S.ACKNOWLEDGED,
        "resolve": _handles(viewer, ticket)
        and ticket.is_open
        and not (ticket.is_breached and ticket.solution_at is None),
        "solution": city and ticket.is_breached and status in OPEN_AT_OFFICE,
        "note": (mine or unit_admin or city) and status != S.CLOSED,
        "close": (mine or _handles(viewer, ticket)) and status == S.RESOLVED,
        "reopen": _may_reopen(viewer, ticket, reopen_days),
    }
    return {name for name, allowed in rules.items() if allowed}
