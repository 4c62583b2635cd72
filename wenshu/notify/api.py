"""/api/v1/notify/: one's own notifications; the SMS outbox for its administrators."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from wenshu.notify import selectors, services
from wenshu.notify.models import Notification, OutboxMessage

router = Router(tags=["通知与短信"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
    unread: bool


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class NotificationQuery(Schema):
    unread_only: bool = Field(False, description="只列未读")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class MarkedOut(Schema):
    marked: int


class OutboxOut(Schema):
    id: int
    channel: str
    kind: str
    recipient_id: int | None
    recipient_name: str
    to_address: str
    body: str
    status: OutboxMessage.Status
    status_label: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    carrier_id: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_recipient_name(obj: OutboxMessage) -> str:
        return obj.recipient.display_name if obj.recipient else ""

    @staticmethod
    def resolve_status_label(obj: OutboxMessage) -> str:
        return obj.get_status_display()


class OutboxPage(Schema):
    count: int
    items: list[OutboxOut]


class OutboxQuery(Schema):
    status: OutboxMessage.Status | None = Field(None, description="状态")
    date_from: date | None = Field(None, description="创建日期起（含）")
    date_to: date | None = Field(None, description="创建日期止（含）")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


@router.get("/notifications", response=NotificationPage, summary="我的通知（未读在前）")
def notification_list(request: HttpRequest, q: Query[NotificationQuery]) -> dict[str, Any]:
    viewer = request.auth  # type: ignore[attr-defined]
    items = selectors.notifications_for(viewer=viewer, unread_only=q.unread_only)
    return {
        "count": items.count(),
        "unread": selectors.unread_count(viewer=viewer),
        "items": list(items[q.offset : q.offset + q.limit]),
    }


@router.post("/notifications/read-all", response=MarkedOut, summary="全部标为已读")
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_all_read(viewer=request.auth)}  # type: ignore[attr-defined]


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    viewer = request.auth  # type: ignore[attr-defined]
    notification = selectors.notification_get(viewer=viewer, notification_id=notification_id)
    return services.notification_mark_read(viewer=viewer, notification=notification)


@router.get("/outbox", response=OutboxPage, summary="短信发件箱（市数字办、系统管理员）")
def outbox_list(request: HttpRequest, q: Query[OutboxQuery]) -> dict[str, Any]:
    items = selectors.outbox_messages(
        viewer=request.auth,  # type: ignore[attr-defined]
        status=q.status,
        date_from=q.date_from,
        date_to=q.date_to,
    )
    return {"count": items.count(), "items": list(items[q.offset : q.offset + q.limit])}


@router.post("/outbox/{message_id}/retry", response=OutboxOut, summary="重新发送已放弃的短信")
def outbox_retry(request: HttpRequest, message_id: int) -> OutboxMessage:
    actor = request.auth  # type: ignore[attr-defined]
    message = selectors.outbox_message_get(viewer=actor, message_id=message_id)
    return services.outbox_retry(actor=actor, message=message)
