"""/api/v1/exchange/: sending, the sender's view of its deliveries, 催办, and the recipient's
package — through the same services and selectors as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from wenshu.accounts.models import User
from wenshu.documents.selectors import package_bytes
from wenshu.exchange import selectors, services
from wenshu.exchange.models import Delivery, Dispatch
from wenshu.exchange.responses import package_response

router = Router(tags=["公文交换"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]  # the API's global auth


class SendIn(Schema):
    main_unit_ids: list[int] = Field(default_factory=list, max_length=5000)
    copy_unit_ids: list[int] = Field(default_factory=list, max_length=5000)
    group_ids: list[int] = Field(default_factory=list, max_length=100, description="主送分组")
    copy_group_ids: list[int] = Field(default_factory=list, max_length=100, description="抄送分组")
    print_default: int = Field(services.DEFAULT_PRINT_COPIES, description="允许打印份数（默认）")
    print_allowed: dict[int, int] = Field(
        default_factory=dict, description="按单位编号设置允许打印份数，0 表示不允许打印"
    )
    idempotency_key: str = Field(
        ..., min_length=1, max_length=100, description="防重复提交标识：同一请求重试时保持不变"
    )


class DeliveryOut(Schema):
    id: int
    document_id: int
    recipient_unit_id: int
    recipient_name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    print_allowed: int
    printed_count: int
    delivered_at: datetime
    verified_at: datetime | None
    signed_at: datetime | None
    received_at: datetime | None
    returned_at: datetime | None
    return_reason: str
    last_reminded_at: datetime | None
    remind_count: int


def _delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk,
        document_id=d.document_id,
        recipient_unit_id=d.recipient_unit_id,
        recipient_name=d.recipient_name,
        kind=d.kind,
        kind_label=d.get_kind_display(),
        status=d.status,
        status_label=d.get_status_display(),
        print_allowed=d.print_allowed,
        printed_count=d.printed_count,
        delivered_at=d.delivered_at,
        verified_at=d.verified_at,
        signed_at=d.signed_at,
        received_at=d.received_at,
        returned_at=d.returned_at,
        return_reason=d.return_reason,
        last_reminded_at=d.last_reminded_at,
        remind_count=d.remind_count,
    )


class DispatchOut(Schema):
    id: int
    document_id: int
    sender_name: str
    sent_by_id: int
    sent_at: datetime
    main_count: int
    copy_count: int
    deliveries: list[DeliveryOut]


class SentOut(Schema):
    id: int
    document_id: int
    doc_number: str
    title: str
    sent_at: datetime
    recipients: int
    awaiting: int
    signed: int
    returned: int


class DeliveryQuery(Schema):
    status: str = Field("", max_length=20, description="状态；lagging 为全部未签收")
    kind: str = Field("", max_length=10, description="main 主送 / copy 抄送")
    q: str = Field("", max_length=100, description="单位名称")


class RemindOut(Schema):
    reminded: list[int]
    throttled: list[int]


@router.post(
    "/documents/{document_id}/send",
    response={201: DispatchOut},
    summary="发送已用印的公文（同一防重复提交标识重试时返回首次结果）",
)
def document_send(request: HttpRequest, document_id: int, body: SendIn) -> Status:
    me = _me(request)
    document = selectors.document_of_unit(viewer=me, document_id=document_id)
    deliveries = services.document_send(
        actor=me,
        document=document,
        main_units=body.main_unit_ids,
        copy_units=body.copy_unit_ids,
        groups=body.group_ids,
        copy_groups=body.copy_group_ids,
        print_allowed=body.print_allowed,
        print_default=body.print_default,
        idempotency_key=body.idempotency_key,
    )
    dispatch = Dispatch.objects.get(pk=deliveries[0].dispatch_id)  # just written for this sender
    return Status(
        201,
        DispatchOut(
            id=dispatch.pk,
            document_id=dispatch.document_id,
            sender_name=dispatch.sender_name,
            sent_by_id=dispatch.sent_by_id,
            sent_at=dispatch.sent_at,
            main_count=dispatch.main_count,
            copy_count=dispatch.copy_count,
            deliveries=[_delivery_out(d) for d in deliveries],
        ),
    )


@router.get("/sent", response=list[SentOut], summary="本单位已发公文")
def sent_list(request: HttpRequest, q: str = "", limit: int = 50, offset: int = 0) -> list[SentOut]:
    limit = max(1, min(limit, 200))
    rows = selectors.sent_dispatches(viewer=_me(request), q=q[:100])[max(offset, 0) :][:limit]
    return [_sent_out(d) for d in rows]


def _sent_out(d: Any) -> SentOut:  # a Dispatch annotated by sent_dispatches
    return SentOut(
        id=d.pk,
        document_id=d.document_id,
        doc_number=d.document.doc_number,
        title=d.document.title,
        sent_at=d.sent_at,
        recipients=d.recipient_count,
        awaiting=d.awaiting,
        signed=d.signed,
        returned=d.returned,
    )


@router.get(
    "/documents/{document_id}/deliveries",
    response=list[DeliveryOut],
    summary="发文单位查看各收文单位的送达、签收、打印和退回情况",
)
def document_deliveries(
    request: HttpRequest, document_id: int, query: Query[DeliveryQuery]
) -> list[DeliveryOut]:
    me = _me(request)
    dispatch = selectors.dispatch_for_document(viewer=me, document_id=document_id)
    rows = selectors.deliveries_of_dispatch(
        viewer=me, dispatch=dispatch, status=query.status, kind=query.kind, q=query.q
    )
    return [_delivery_out(d) for d in rows]


@router.post("/deliveries/{delivery_id}/remind", response=DeliveryOut, summary="催办一个收文单位")
def delivery_remind(request: HttpRequest, delivery_id: int) -> DeliveryOut:
    me = _me(request)
    delivery = selectors.delivery_for_sender(viewer=me, delivery_id=delivery_id)
    return _delivery_out(services.delivery_remind(actor=me, delivery=delivery))


@router.post(
    "/documents/{document_id}/remind", response=RemindOut, summary="催办全部未签收的收文单位"
)
def document_remind(request: HttpRequest, document_id: int) -> RemindOut:
    me = _me(request)
    dispatch = selectors.dispatch_for_document(viewer=me, document_id=document_id)
    result = services.deliveries_remind_laggards(actor=me, document=dispatch.document)
    return RemindOut(
        reminded=[d.pk for d in result.reminded], throttled=[d.pk for d in result.throttled]
    )


@router.get(
    "/deliveries/{delivery_id}/package",
    summary="收文单位下载公文交换包（ZIP）",
    response={200: None},
)
def delivery_package(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_for_recipient(viewer=_me(request), delivery_id=delivery_id)
    data = package_bytes(document=delivery.document)
    return package_response(data, delivery.document)


# The receiving side registers its routes on this router.
from wenshu.exchange import api_received  # noqa: E402, F401
