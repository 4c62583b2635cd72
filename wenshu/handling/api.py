"""/api/v1/handling/: the same 收文办理 operations as the pages, through the same services."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from wenshu.accounts.models import User
from wenshu.handling import selectors, services
from wenshu.handling.models import Delegation, Handling
from wenshu.lib.errors import NotFound

router = Router(tags=["收文办理"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


class StepOut(Schema):
    step: str
    department: str
    opinion: str
    person: str
    at: datetime | None


class OpenOut(Schema):
    id: int
    task: str
    name: str
    department: str
    due_at: datetime | None


class HandlingOut(Schema):
    id: int
    delivery_id: int
    title: str
    status: str
    status_label: str
    imported_at: datetime
    imported_by: str
    archive_code: str
    steps: list[StepOut]
    open_items: list[OpenOut]


def _out(viewer: User, h: Handling) -> HandlingOut:
    archive = getattr(h, "archive", None) if h.status == Handling.Status.ARCHIVED else None
    return HandlingOut(
        id=h.pk,
        delivery_id=h.delivery_id,
        title=h.delivery.document.title,
        status=h.status,
        status_label=h.get_status_display(),
        imported_at=h.imported_at,
        imported_by=services.shown_as(h.imported_by, h.on_behalf_of),
        archive_code=archive.archive_code if archive else "",
        steps=[
            StepOut(
                step=s.step, department=s.department, opinion=s.opinion, person=s.person, at=s.at
            )
            for s in selectors.sheet(viewer=viewer, handling=h)
        ],
        open_items=[
            OpenOut(
                id=i.pk,
                task=i.task_spec_id,
                name=i.name,
                department=i.candidate_department.name if i.candidate_department else "",
                due_at=i.due_at,
            )
            for i in selectors.open_steps(handling=h)
        ],
    )


@router.get("/", response=list[HandlingOut], summary="本单位收文办理")
def list_handlings(request: HttpRequest, status: str = "") -> list[HandlingOut]:
    me = _me(request)
    return [_out(me, h) for h in selectors.handlings_for(viewer=me, status=status)[:100]]


@router.post("/import/{delivery_id}", response={201: HandlingOut}, summary="导入办理")
def import_delivery(request: HttpRequest, delivery_id: int) -> tuple[int, HandlingOut]:
    me = _me(request)
    delivery = selectors.delivery_for_import(viewer=me, pk=delivery_id)
    return 201, _out(me, services.delivery_import(actor=me, delivery=delivery))


@router.get("/{int:handling_id}", response=HandlingOut, summary="收文处理笺")
def get_handling(request: HttpRequest, handling_id: int) -> HandlingOut:
    me = _me(request)
    return _out(me, selectors.handling_get(viewer=me, pk=handling_id))


class HandlerIn(Schema):
    department_id: int
    due: date


class ProposeIn(Schema):
    opinion: str = Field(..., max_length=2000)
    leader_ids: list[int] = Field(..., max_length=50)
    handlers: list[HandlerIn] = Field(..., max_length=50)


@router.post("/{int:handling_id}/propose", response=HandlingOut, summary="拟办")
def propose(request: HttpRequest, handling_id: int, body: ProposeIn) -> HandlingOut:
    me = _me(request)
    h = selectors.handling_get(viewer=me, pk=handling_id)
    services.handling_propose(
        actor=me,
        handling=h,
        opinion=body.opinion,
        leader_ids=body.leader_ids,
        handlers=[
            services.HandlerInput(department_id=x.department_id, due=x.due) for x in body.handlers
        ],
    )
    return _out(me, h)


class ActIn(Schema):
    decision: str = "approve"
    opinion: str = Field("", max_length=2000)


@router.post("/{int:handling_id}/items/{item_id}", response=HandlingOut, summary="批示、承办、办结")
def act(request: HttpRequest, handling_id: int, item_id: int, body: ActIn) -> HandlingOut:
    me = _me(request)
    h = selectors.handling_get(viewer=me, pk=handling_id)
    services.handling_act(
        actor=me, handling=h, item_id=item_id, decision=body.decision, opinion=body.opinion
    )
    return _out(me, h)


class ArchiveIn(Schema):
    retention: str
    org_code: str = Field("", max_length=10)
    pages: int = 1


@router.post("/{int:handling_id}/archive", response=HandlingOut, summary="归档")
def archive(request: HttpRequest, handling_id: int, body: ArchiveIn) -> HandlingOut:
    me = _me(request)
    h = selectors.handling_get(viewer=me, pk=handling_id)
    services.handling_archive(
        actor=me, handling=h, retention=body.retention, org_code=body.org_code, pages=body.pages
    )
    h.refresh_from_db()
    return _out(me, selectors.handling_get(viewer=me, pk=handling_id))


class CirculateIn(Schema):
    reader_ids: list[int] = Field(..., min_length=1, max_length=100)


class CountOut(Schema):
    added: int


@router.post("/{int:handling_id}/circulate", response=CountOut, summary="传阅")
def circulate(request: HttpRequest, handling_id: int, body: CirculateIn) -> CountOut:
    me = _me(request)
    h = selectors.handling_get(viewer=me, pk=handling_id)
    return CountOut(
        added=services.circulation_send(actor=me, handling=h, reader_ids=body.reader_ids)
    )


class ReadOut(Schema):
    read_at: datetime | None


@router.post("/{int:handling_id}/read", response=ReadOut, summary="阅知（回执）")
def read(request: HttpRequest, handling_id: int) -> ReadOut:
    me = _me(request)
    h = selectors.handling_get(viewer=me, pk=handling_id)
    return ReadOut(read_at=services.circulation_read(actor=me, handling=h).read_at)


class DelegationIn(Schema):
    delegate_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str = Field("", max_length=200)


class DelegationOut(Schema):
    id: int
    principal: str
    delegate: str
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None
    active: bool


def _d_out(d: Delegation) -> DelegationOut:
    return DelegationOut(
        id=d.pk,
        principal=d.principal.display_name,
        delegate=d.delegate.display_name,
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        revoked_at=d.revoked_at,
        active=selectors.delegation_active(d),
    )


@router.get("/delegations/mine", response=list[DelegationOut], summary="我的代办委托")
def delegations(request: HttpRequest) -> list[DelegationOut]:
    rows = selectors.delegations_of(viewer=_me(request))
    return [_d_out(d) for d in rows["mine"] + rows["for_others"]]


@router.post("/delegations", response={201: DelegationOut}, summary="指定代办人")
def delegation_create(request: HttpRequest, body: DelegationIn) -> tuple[int, DelegationOut]:
    me = _me(request)
    delegate = User.objects.filter(pk=body.delegate_id, unit_id=me.unit_id).first()
    if delegate is None:
        raise NotFound("找不到该人员，代办人须是本单位在岗人员。")
    return 201, _d_out(
        services.delegation_create(
            actor=me,
            delegate=delegate,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            reason=body.reason,
        )
    )


@router.post("/delegations/{delegation_id}/revoke", response=DelegationOut, summary="撤销代办")
def delegation_revoke(request: HttpRequest, delegation_id: int) -> DelegationOut:
    me = _me(request)
    row = selectors.delegation_get(viewer=me, pk=delegation_id)
    return _d_out(services.delegation_revoke(actor=me, delegation=row))


class ComplianceQuery(Schema):
    start: date
    end: date
    hours: int = 24


class ComplianceOut(Schema):
    unit_id: int
    unit_name: str
    deliveries: int
    signed: int
    signed_within: int
    avg_hours: float | None
    returns: int


@router.get("/reports/compliance", response=list[ComplianceOut], summary="签收情况通报")
def compliance(request: HttpRequest, q: Query[ComplianceQuery]) -> list[ComplianceOut]:
    rows = services.compliance_report(viewer=_me(request), start=q.start, end=q.end, hours=q.hours)
    return [ComplianceOut(**r.__dict__) for r in rows]


@router.get("/reports/compliance.xlsx", summary="签收情况通报（Excel）")
def compliance_xlsx(request: HttpRequest, q: Query[ComplianceQuery]) -> HttpResponse:
    rows = services.compliance_report(viewer=_me(request), start=q.start, end=q.end, hours=q.hours)
    body = services.compliance_xlsx(rows, start=q.start, end=q.end, hours=q.hours)
    resp = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = 'attachment; filename="compliance.xlsx"'
    return resp
