"""/api/v1/tickets/: the same ticket operations as the pages, through the same services.

Attachments travel as base64 in JSON ({"name": …, "content_b64": …}); they pass the same
virus scan and type checks as uploads on the pages before the ticket is written.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from wenshu.accounts.models import User
from wenshu.files.models import Upload
from wenshu.files.responses import download_response
from wenshu.files.services import file_ingest_many
from wenshu.lib.errors import DomainError
from wenshu.tickets import selectors, services, stats
from wenshu.tickets.models import Ticket, TicketAttachment, TicketEvent, TicketNotice
from wenshu.tickets.services._common import MAX_ATTACHMENTS, UPLOAD_PURPOSE, reopen_days

router = Router(tags=["故障报修"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


# --- schemas -------------------------------------------------------------------------------


class FileIn(Schema):
    name: str = Field(..., max_length=255)
    content_b64: str


class TicketIn(Schema):
    category: str
    summary: str
    urgency: str = "normal"
    details: str = ""
    affected: str = ""
    related_ref: str = ""
    to_office: bool = False
    attachments: list[FileIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class StepIn(Schema):
    note: str = ""


class NoteIn(Schema):
    text: str
    attachments: list[FileIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class ResolveIn(Schema):
    resolution: str


class ReopenIn(Schema):
    reason: str


class SolutionIn(Schema):
    solution: str
    unit_ids: list[int] = Field(default_factory=list, max_length=1000)


class TicketOut(Schema):
    id: int
    source: str
    system_source: str
    reporter_id: int | None
    reporter_name: str
    unit_id: int | None
    unit_name: str
    category: str
    category_label: str
    urgency: str
    urgency_label: str
    summary: str
    details: str
    affected: str
    related_ref: str
    status: str
    status_label: str
    reported_at: datetime
    reached_office_at: datetime | None
    due_at: datetime | None
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    breached_at: datetime | None
    resolution: str
    proposed_solution: str


class EventOut(Schema):
    at: datetime
    kind: str
    kind_label: str
    actor_name: str
    from_status: str
    to_status: str
    text: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int


class NoticeOut(Schema):
    id: int
    version: int
    created_at: datetime
    title: str
    solution: str
    unit_names: list[str]


class TicketDetailOut(TicketOut):
    actions: list[str]
    events: list[EventOut]
    attachments: list[AttachmentOut]
    notices: list[NoticeOut]
    notice_unit_ids: list[int]


class TicketQuery(Schema):
    scope: str = ""
    status: str = ""
    category: str = ""
    urgency: str = ""
    q: str = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class TicketPage(Schema):
    count: int
    items: list[TicketOut]


class PeriodQuery(Schema):
    start: date
    end: date


class UnitStatsOut(Schema):
    unit_name: str
    counts: dict[str, int]
    total: int
    breaches: int


class StatsOut(Schema):
    start: date
    end: date
    total: int
    breaches: int
    response_count: int
    response_mean_hours: float | None
    response_median_hours: float | None
    resolution_count: int
    resolution_mean_hours: float | None
    resolution_median_hours: float | None
    units: list[UnitStatsOut]


def _out(t: Ticket) -> dict[str, Any]:
    unit = t.unit if t.unit_id else None
    return {
        **{
            f: getattr(t, f)
            for f in (
                "source",
                "system_source",
                "reporter_id",
                "unit_id",
                "category",
                "urgency",
                "summary",
                "details",
                "affected",
                "related_ref",
                "status",
                "reported_at",
                "reached_office_at",
                "due_at",
                "acknowledged_at",
                "resolved_at",
                "closed_at",
                "breached_at",
                "resolution",
                "proposed_solution",
            )
        },
        "id": t.pk,
        "reporter_name": t.reporter_label,
        "unit_name": unit.full_name if unit is not None else "",
        "category_label": t.get_category_display(),
        "urgency_label": t.get_urgency_display(),
        "status_label": t.get_status_display(),
    }


def _event(e: TicketEvent) -> EventOut:
    return EventOut(
        at=e.at,
        kind=e.kind,
        kind_label=e.get_kind_display(),
        actor_name=e.actor_label,
        from_status=e.from_status,
        to_status=e.to_status,
        text=e.text,
    )


def _attachment(a: TicketAttachment) -> AttachmentOut:
    return AttachmentOut(id=a.pk, name=a.upload.name, size=a.upload.size)


def _notice(n: TicketNotice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        version=n.version,
        created_at=n.created_at,
        title=n.title,
        solution=n.solution,
        unit_names=n.unit_names,
    )


def _detail(viewer: User, pk: int) -> TicketDetailOut:
    t = selectors.ticket_get(viewer=viewer, pk=pk)
    return TicketDetailOut(
        **_out(t),
        actions=sorted(
            selectors.available_actions(viewer=viewer, ticket=t, reopen_days=reopen_days())
        ),
        events=[_event(e) for e in selectors.ticket_events(ticket=t)],
        attachments=[_attachment(a) for a in selectors.ticket_attachments(ticket=t)],
        notices=[_notice(n) for n in selectors.ticket_notices(ticket=t)],
        notice_unit_ids=list(t.notice_units.values_list("pk", flat=True)),
    )


def _ingest(actor: User, files: list[FileIn]) -> list[Upload]:
    """Decode and scan the attachments before the service's transaction (file_ingest)."""
    if not files:
        return []
    decoded = []
    for f in files:
        try:
            decoded.append((f.name, base64.b64decode(f.content_b64.encode("ascii"), validate=True)))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise DomainError(f"附件“{f.name}”不是有效的 Base64 编码") from exc
    return file_ingest_many(actor=actor, files=decoded, purpose=UPLOAD_PURPOSE)


# --- routes --------------------------------------------------------------------------------


@router.get("", response=TicketPage, summary="故障单列表")
def list_tickets(request: HttpRequest, filters: Query[TicketQuery]) -> dict[str, object]:
    rows = selectors.tickets_list(
        viewer=_me(request),
        scope=filters.scope,
        status=filters.status,
        category=filters.category,
        urgency=filters.urgency,
        q=filters.q,
    )
    items = list(rows[filters.offset : filters.offset + filters.limit])
    return {"count": rows.count(), "items": [_out(t) for t in items]}


@router.post("", response={201: TicketDetailOut}, summary="报修")
def report(request: HttpRequest, body: TicketIn) -> Status:
    me = _me(request)
    uploads = _ingest(me, body.attachments)
    ticket = services.ticket_report(
        actor=me,
        uploads=uploads,
        data=services.ReportInput(
            category=body.category,
            urgency=body.urgency,
            summary=body.summary,
            details=body.details,
            affected=body.affected,
            related_ref=body.related_ref,
            to_office=body.to_office,
        ),
    )
    return Status(201, _detail(me, ticket.pk))


@router.get("/stats", response=StatsOut, summary="故障统计")
def ticket_stats(request: HttpRequest, period: Query[PeriodQuery]) -> StatsOut:
    s = stats.ticket_statistics(viewer=_me(request), start=period.start, end=period.end)
    return StatsOut(
        start=s.start,
        end=s.end,
        total=s.total,
        breaches=s.breaches,
        response_count=s.response.count,
        response_mean_hours=s.response.mean_hours,
        response_median_hours=s.response.median_hours,
        resolution_count=s.resolution.count,
        resolution_mean_hours=s.resolution.mean_hours,
        resolution_median_hours=s.resolution.median_hours,
        units=[
            UnitStatsOut(
                unit_name=r.name, counts=dict(r.counts), total=r.total, breaches=r.breaches
            )
            for r in s.rows
        ],
    )


@router.get("/stats.xlsx", summary="故障统计（Excel）")
def ticket_stats_xlsx(request: HttpRequest, period: Query[PeriodQuery]) -> HttpResponse:
    s = stats.ticket_statistics(viewer=_me(request), start=period.start, end=period.end)
    response = HttpResponse(
        stats.statistics_xlsx(s),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tickets-{s.start:%Y%m%d}-{s.end:%Y%m%d}.xlsx"'
    )
    return response


@router.get("/{int:ticket_id}", response=TicketDetailOut, summary="故障单详情")
def detail(request: HttpRequest, ticket_id: int) -> TicketDetailOut:
    return _detail(_me(request), ticket_id)


def _ticket(request: HttpRequest, ticket_id: int) -> tuple[User, Ticket]:
    me = _me(request)
    return me, selectors.ticket_get(viewer=me, pk=ticket_id)


@router.post("/{int:ticket_id}/take", response=TicketDetailOut, summary="单位受理")
def take(request: HttpRequest, ticket_id: int, body: StepIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_take(actor=me, ticket=t, note=body.note)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/escalate", response=TicketDetailOut, summary="上报市数字办")
def escalate(request: HttpRequest, ticket_id: int, body: StepIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_escalate(actor=me, ticket=t, note=body.note)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/withdraw", response=TicketDetailOut, summary="撤回报修")
def withdraw(request: HttpRequest, ticket_id: int, body: StepIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_withdraw(actor=me, ticket=t, reason=body.note)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/acknowledge", response=TicketDetailOut, summary="市数字办响应")
def acknowledge(request: HttpRequest, ticket_id: int, body: StepIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_acknowledge(actor=me, ticket=t, note=body.note)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/start", response=TicketDetailOut, summary="开始处理")
def start(request: HttpRequest, ticket_id: int, body: StepIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_start(actor=me, ticket=t, note=body.note)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/notes", response={201: TicketDetailOut}, summary="添加记录")
def note(request: HttpRequest, ticket_id: int, body: NoteIn) -> Status:
    me, t = _ticket(request, ticket_id)
    uploads = _ingest(me, body.attachments)
    services.ticket_note(actor=me, ticket=t, text=body.text, uploads=uploads)
    return Status(201, _detail(me, ticket_id))


@router.post("/{int:ticket_id}/resolve", response=TicketDetailOut, summary="办结（故障已排除）")
def resolve(request: HttpRequest, ticket_id: int, body: ResolveIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_resolve(actor=me, ticket=t, resolution=body.resolution)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/close", response=TicketDetailOut, summary="关闭")
def close(request: HttpRequest, ticket_id: int, body: StepIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_close(actor=me, ticket=t, note=body.note)
    return _detail(me, ticket_id)


@router.post("/{int:ticket_id}/reopen", response=TicketDetailOut, summary="重新打开")
def reopen(request: HttpRequest, ticket_id: int, body: ReopenIn) -> TicketDetailOut:
    me, t = _ticket(request, ticket_id)
    services.ticket_reopen(actor=me, ticket=t, reason=body.reason)
    return _detail(me, ticket_id)


@router.post(
    "/{int:ticket_id}/solution",
    response={201: TicketDetailOut},
    summary="提出解决办法并生成纸质通知",
)
def solution(request: HttpRequest, ticket_id: int, body: SolutionIn) -> Status:
    me, t = _ticket(request, ticket_id)
    units = selectors.notice_units_by_ids(ids=body.unit_ids)
    services.ticket_record_solution(actor=me, ticket=t, solution=body.solution, units=units)
    return Status(201, _detail(me, ticket_id))


@router.get("/{int:ticket_id}/attachments/{int:attachment_id}", summary="下载附件")
def attachment(request: HttpRequest, ticket_id: int, attachment_id: int) -> HttpResponse:
    found = selectors.attachment_get(
        viewer=_me(request), ticket_pk=ticket_id, attachment_pk=attachment_id
    )
    return download_response(upload=found.upload)


@router.get("/{int:ticket_id}/notices/{int:notice_id}/pdf", summary="下载纸质通知（PDF）")
def notice_pdf(request: HttpRequest, ticket_id: int, notice_id: int) -> HttpResponse:
    n = selectors.notice_get(viewer=_me(request), ticket_pk=ticket_id, notice_pk=notice_id)
    response = HttpResponse(bytes(n.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ticket-{ticket_id}-notice.pdf"'
    return response
