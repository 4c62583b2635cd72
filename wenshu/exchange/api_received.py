"""/api/v1/exchange/ for the receiving side: the inbox, a delivery's verification,
签收登记, 退回, 上报故障, 打印 (the PDF of one copy), 申请 and the sender's decisions —
through the same services and selectors as the pages. Registered on the exchange router."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status

from wenshu.exchange import selectors, services
from wenshu.exchange.api import DeliveryOut, _delivery_out, _me, router
from wenshu.exchange.models import DeliveryRequest, Registration
from wenshu.exchange.views_received import pdf_response


class InboxQuery(Schema):
    tab: str = Field("awaiting", description="awaiting 待签收 / signed 已签收 / returned 已退回")
    q: str = Field("", max_length=100, description="标题或文号")
    sender: str = Field("", max_length=100, description="来文单位")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class InboxItemOut(DeliveryOut):
    sender_name: str
    doc_number: str
    title: str


class VerificationOut(Schema):
    ok: bool
    reasons: list[str]
    warnings: list[str]
    seal_name: str
    seal_unit: str
    signing_time: datetime | None
    seal_status: str
    seal_note: str


class RegistrationOut(Schema):
    label: str
    year: int
    number: int
    sender_name: str
    doc_number: str
    title: str
    copies: int
    secrecy: str
    urgency: str
    received_on: date


class OpenedOut(Schema):
    delivery: DeliveryOut
    verification: VerificationOut
    registration: RegistrationOut | None


class SignIn(Schema):
    sender_name: str | None = Field(None, max_length=200, description="来文单位（默认取公文）")
    doc_number: str | None = Field(None, max_length=60)
    title: str | None = Field(None, max_length=200)
    copies: int | None = Field(None, description="份数")
    urgency: str | None = Field(None, max_length=4)
    received_on: date | None = Field(None, description="收文日期（默认今天）")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class FaultOut(Schema):
    ticket_id: int


class RequestIn(Schema):
    kind: str = Field(..., description="resend 请求重发 / more_copies 追加打印份数")
    count: int = Field(0, ge=0, le=services.MAX_PRINT_COPIES)
    reason: str = Field(..., max_length=500)


class RequestOut(Schema):
    id: int
    delivery_id: int
    recipient_name: str
    kind: str
    count: int
    reason: str
    status: str
    status_label: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class DecideIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


def _inbox_out(d: Any) -> InboxItemOut:
    return InboxItemOut(
        **_delivery_out(d).dict(),
        sender_name=d.dispatch.sender_name,
        doc_number=d.document.doc_number,
        title=d.document.title,
    )


def _registration_out(reg: Registration | None) -> RegistrationOut | None:
    if reg is None:
        return None
    return RegistrationOut(
        label=reg.label,
        year=reg.year,
        number=reg.number,
        sender_name=reg.sender_name,
        doc_number=reg.doc_number,
        title=reg.title,
        copies=reg.copies,
        secrecy=reg.secrecy,
        urgency=reg.urgency,
        received_on=reg.received_on,
    )


def _request_out(r: DeliveryRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        delivery_id=r.delivery_id,
        recipient_name=r.delivery.recipient_name,
        kind=r.kind,
        count=r.count,
        reason=r.reason,
        status=r.status,
        status_label=r.get_status_display(),
        requested_at=r.requested_at,
        decided_at=r.decided_at,
        decision_note=r.decision_note,
    )


@router.get("/inbox", response=list[InboxItemOut], summary="本单位收文（待签收/已签收/已退回）")
def inbox(request: HttpRequest, query: Query[InboxQuery]) -> list[InboxItemOut]:
    rows = selectors.inbox(viewer=_me(request), tab=query.tab, q=query.q, sender=query.sender)
    return [_inbox_out(d) for d in rows[query.offset :][: query.limit]]


@router.get("/received/{delivery_id}", response=OpenedOut, summary="打开收文（同时验证）")
def received_open(request: HttpRequest, delivery_id: int) -> OpenedOut:
    me = _me(request)
    delivery = selectors.delivery_for_recipient(viewer=me, delivery_id=delivery_id)
    verification = services.delivery_verify(actor=me, delivery=delivery)
    return OpenedOut(
        delivery=_delivery_out(delivery),
        verification=VerificationOut(
            **{k: getattr(verification, k) for k in VerificationOut.model_fields}
        ),
        registration=_registration_out(selectors.delivery_registration(delivery=delivery)),
    )


@router.post("/received/{delivery_id}/sign", response={201: RegistrationOut}, summary="签收并登记")
def received_sign(request: HttpRequest, delivery_id: int, body: SignIn) -> Status:
    me = _me(request)
    delivery = selectors.delivery_for_recipient(viewer=me, delivery_id=delivery_id)
    base = services.registration_defaults(delivery=delivery)
    given = {k: v for k, v in body.dict().items() if v is not None}
    data = services.RegistrationInput(**{**base.__dict__, **given})
    reg = services.delivery_sign(actor=me, delivery=delivery, data=data)
    return Status(201, _registration_out(reg))


@router.post("/received/{delivery_id}/return", response=DeliveryOut, summary="退回发文单位")
def received_return(request: HttpRequest, delivery_id: int, body: ReasonIn) -> DeliveryOut:
    me = _me(request)
    delivery = selectors.delivery_for_recipient(viewer=me, delivery_id=delivery_id)
    return _delivery_out(services.delivery_return(actor=me, delivery=delivery, reason=body.reason))


@router.post("/received/{delivery_id}/fault", response=FaultOut, summary="验证未通过时上报故障")
def received_fault(request: HttpRequest, delivery_id: int) -> FaultOut:
    me = _me(request)
    delivery = selectors.delivery_for_recipient(viewer=me, delivery_id=delivery_id)
    return FaultOut(ticket_id=services.delivery_report_fault(actor=me, delivery=delivery))


@router.post(
    "/received/{delivery_id}/print",
    response={200: None},
    summary="打印一份（返回带份号和水印的 PDF；超出允许份数时拒绝）",
)
def received_print(request: HttpRequest, delivery_id: int) -> HttpResponse:
    me = _me(request)
    delivery = selectors.delivery_for_recipient(viewer=me, delivery_id=delivery_id)
    return pdf_response(services.delivery_print(actor=me, delivery=delivery), delivery)


@router.post(
    "/received/{delivery_id}/requests",
    response={201: RequestOut},
    summary="向发文单位申请重发或追加打印份数",
)
def received_request(request: HttpRequest, delivery_id: int, body: RequestIn) -> Status:
    me = _me(request)
    delivery = selectors.delivery_for_recipient(viewer=me, delivery_id=delivery_id)
    req = services.delivery_request(
        actor=me, delivery=delivery, kind=body.kind, count=body.count, reason=body.reason
    )
    return Status(201, _request_out(req))


@router.get("/requests", response=list[RequestOut], summary="发文单位：收文单位的申请")
def requests_list(request: HttpRequest, all: bool = False) -> list[RequestOut]:
    rows = selectors.requests_to_decide(viewer=_me(request), pending_only=not all)
    return [_request_out(r) for r in rows[:200]]


@router.post(
    "/requests/{request_id}/decide", response=RequestOut, summary="发文单位同意或不同意申请"
)
def request_decide(request: HttpRequest, request_id: int, body: DecideIn) -> RequestOut:
    me = _me(request)
    req = selectors.request_for_sender(viewer=me, request_id=request_id)
    done = services.delivery_request_decide(
        actor=me, request=req, approve=body.approve, note=body.note
    )
    return _request_out(done)
