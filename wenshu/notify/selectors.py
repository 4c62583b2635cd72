"""Reads of notifications and the outbox, always for a viewer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from wenshu.accounts.roles import Role
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification, OutboxMessage

# The digital office keeps the city's SMS service; the system administrator runs the machines.
OUTBOX_READERS = (Role.CITY_ADMIN, Role.SYSTEM_ADMIN)


def can_read_outbox(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*OUTBOX_READERS)


def notifications_for(*, viewer: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The viewer's own notifications: unread first, then newest first."""
    qs = Notification.objects.filter(recipient=viewer).annotate(
        is_unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-is_unread", "-created_at", "-id")


def unread_count(*, viewer: Any) -> int:
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


def notification_get(*, viewer: Any, notification_id: int) -> Notification:
    """Another person's notification does not exist for the viewer."""
    found = Notification.objects.filter(pk=notification_id, recipient=viewer).first()
    if found is None:
        raise NotFound("找不到该通知，或它不是发给您的。")
    return found


def _require_outbox_reader(viewer: Any) -> None:
    if not can_read_outbox(viewer):
        raise Forbidden("只有市数字办管理员和系统管理员可以查看短信发件箱。")


def outbox_messages(
    *,
    viewer: Any,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[OutboxMessage]:
    """The SMS outbox, newest first; dates are days in the city's time zone."""
    _require_outbox_reader(viewer)
    if status and status not in OutboxMessage.Status.values:
        raise DomainError("短信状态不正确。")
    if date_from and date_to and date_from > date_to:
        raise DomainError("开始日期不能晚于结束日期。")
    qs = OutboxMessage.objects.select_related("recipient", "recipient__unit")
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def outbox_message_get(*, viewer: Any, message_id: int) -> OutboxMessage:
    _require_outbox_reader(viewer)
    found = OutboxMessage.objects.select_related("recipient").filter(pk=message_id).first()
    if found is None:
        raise NotFound("找不到该短信。")
    return found
