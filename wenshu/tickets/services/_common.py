"""Pieces every ticket service shares: permissions, text checks, the row lock, the timeline,
the audit event and the notifications."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings

from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.files.models import Upload
from wenshu.lib.classification import find_marking, refusal_message
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.tickets import selectors
from wenshu.tickets.models import RESPONSE_WINDOW, Ticket, TicketAttachment, TicketEvent, Urgency

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

KIND = "tickets"  # notification kind of every message of this app
MAX_SUMMARY = 200
MAX_TEXT = 5000
MAX_REF = 200
MAX_ATTACHMENTS = 10
DEFAULT_REOPEN_DAYS = 7
UPLOAD_PURPOSE = "tickets.attachment"


def reopen_days() -> int:
    """How long after resolution the reporter may reopen (WENSHU_TICKETS_REOPEN_DAYS)."""
    return int(getattr(settings, "TICKETS_REOPEN_DAYS", DEFAULT_REOPEN_DAYS))


def link(ticket: Ticket) -> str:
    return f"/tickets/{ticket.pk}/"


# --- permissions ---------------------------------------------------------------------------


def require_active(actor: User) -> None:
    if actor is None or not actor.is_active or actor.unit_id is None:
        raise Forbidden("您的账号当前不能办理故障报修。")


def require_city_admin(actor: User, what: str) -> None:
    if not selectors.is_city_admin(actor):
        raise Forbidden(f"只有市数字办管理员可以{what}。")


def require_unit_admin(actor: User, ticket: Ticket, what: str) -> None:
    if not selectors.is_unit_admin_of(actor, ticket.unit_id):
        raise Forbidden(f"只有本单位的系统管理员可以{what}。")


def require_handler(actor: User, ticket: Ticket, what: str) -> None:
    """The side that holds the ticket: the digital office once it reached it, else the unit's
    system administrator."""
    if ticket.at_office:
        require_city_admin(actor, what)
    else:
        require_unit_admin(actor, ticket, what)


def locked(actor: User | None, ticket: Ticket) -> Ticket:
    """The ticket's row, locked for this transaction; NotFound when the actor may not see it
    (None: the system itself)."""
    rows = Ticket.objects if actor is None else selectors.visible_tickets(viewer=actor)
    found = rows.select_for_update().filter(pk=ticket.pk).first()
    if found is None:
        raise NotFound("找不到该故障单，或您无权查看。")
    return found


# --- input ---------------------------------------------------------------------------------


def clean_text(
    value: str | None, *, label: str, max_len: int = MAX_TEXT, required: bool = False
) -> str:
    """Stripped text; refuses empty (when required), too long, or a 密级标志 (S1 art. 45, 50)."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}。")
    if len(text) > max_len:
        raise DomainError(f"{label}不能超过 {max_len} 字。")
    marking = find_marking(text)
    if marking is not None:
        raise DomainError(refusal_message(marking, label), code="classified")
    return text


def choice(value: str, choices: Any, *, label: str) -> str:
    if value not in choices.values:
        raise DomainError(f"请选择有效的{label}。")
    return str(value)


def own_uploads(actor: User, uploads: Sequence[Upload]) -> list[Upload]:
    """Uploads the actor made (file_ingest ran on them); anyone else's is a 404."""
    unique = list({u.pk: u for u in uploads}.values())
    if len(unique) > MAX_ATTACHMENTS:
        raise DomainError(f"附件最多 {MAX_ATTACHMENTS} 个。")
    for upload in unique:
        if upload.uploaded_by_id != actor.pk:
            raise NotFound("找不到该上传文件，或它不是您上传的。")
    return unique


# --- the record of a step --------------------------------------------------------------------


def record(
    ticket: Ticket,
    *,
    actor: User | None,
    kind: str,
    at: datetime,
    text: str = "",
    from_status: str = "",
    uploads: Iterable[Upload] = (),
) -> TicketEvent:
    """One timeline line (and the attachments that came with it)."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        at=at,
        text=text,
        from_status=from_status,
        to_status=ticket.status if from_status else "",
    )
    have = set(ticket.attachments.values_list("upload_id", flat=True))
    new = [u for u in uploads if u.pk not in have]
    if len(have) + len(new) > MAX_ATTACHMENTS:
        raise DomainError(f"每张故障单的附件最多 {MAX_ATTACHMENTS} 个。")
    TicketAttachment.objects.bulk_create(
        [TicketAttachment(ticket=ticket, upload=u, event=event, added_at=at) for u in new]
    )
    return event


def audit(actor: User | None, action: str, ticket: Ticket, **details: Any) -> None:
    audit_record(
        actor=actor,
        action=f"tickets.{action}",
        target=ticket,
        unit=ticket.unit,
        details={"status": ticket.status, "category": ticket.category, **details},
    )


def start_clock(ticket: Ticket, at: datetime) -> None:
    """The report reached the digital office: the 24-hour window starts now (a new round)."""
    ticket.reached_office_at = at
    ticket.due_at = at + RESPONSE_WINDOW
    ticket.clock_round += 1
    ticket.acknowledged_at = None
    ticket.acknowledged_by = None
    ticket.breached_at = None
    ticket.proposed_solution = ""
    ticket.solution_at = None
    ticket.solution_by = None


def arrive_at_office(
    ticket: Ticket,
    *,
    actor: User | None,
    at: datetime,
    note: str,
    verb: str = "上报市数字办",
    kind: str = TicketEvent.Kind.ESCALATED,
) -> None:
    """→ escalated: the report reaches the digital office, its 24-hour clock starts (a new
    round) and the office is told (by SMS too when the fault is urgent)."""
    before = ticket.status
    ticket.move(Ticket.Status.ESCALATED, verb)
    start_clock(ticket, at)
    ticket.save()
    record(ticket, actor=actor, kind=kind, at=at, text=note, from_status=before)
    audit(
        actor,
        "escalated" if kind == TicketEvent.Kind.ESCALATED else str(kind),
        ticket,
        note=note,
        round=ticket.clock_round,
        due_at=ticket.due_at,
    )
    tell_office(
        ticket,
        title=f"故障上报 #{ticket.pk}（24小时内须响应）",
        body=describe(ticket),
        sms=ticket.urgency != Urgency.NORMAL,
    )


# --- notifications -------------------------------------------------------------------------


def _notify() -> Any:
    from wenshu.notify import services  # the notify app sits below us; imported on use

    return services


def tell_role(
    role: Role,
    *,
    unit: Any = None,
    title: str,
    body: str,
    ticket: Ticket,
    sms: bool = False,
    dedupe_key: str | None = None,
) -> None:
    _notify().notify_role(
        role=role,
        unit=unit,
        title=title,
        body=body,
        link=link(ticket),
        sms=sms,
        kind=KIND,
        dedupe_key=dedupe_key,
    )


def tell(
    people: Iterable[User | None], *, title: str, body: str, ticket: Ticket, sms: bool = False
) -> None:
    recipients = [p for p in people if p is not None]
    if recipients:
        _notify().notify_send(
            recipients=recipients, title=title, body=body, link=link(ticket), sms=sms, kind=KIND
        )


def tell_unit_admins(ticket: Ticket, *, title: str, body: str) -> None:
    if ticket.unit_id is not None:
        tell_role(Role.UNIT_ADMIN, unit=ticket.unit, title=title, body=body, ticket=ticket)


def tell_office(
    ticket: Ticket, *, title: str, body: str, sms: bool = False, dedupe_key: str | None = None
) -> None:
    tell_role(
        Role.CITY_ADMIN, title=title, body=body, ticket=ticket, sms=sms, dedupe_key=dedupe_key
    )


def describe(ticket: Ticket) -> str:
    unit = ticket.unit if ticket.unit_id else None
    where = unit.short_name if unit is not None else "全市"
    return (
        f"{where}·{ticket.get_category_display()}·{ticket.get_urgency_display()}：{ticket.summary}"
    )
