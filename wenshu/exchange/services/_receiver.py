"""Shared checks of the receiving side: who may act on a delivery, row locks, events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.exchange.models import Delivery, DeliveryEvent
from wenshu.lib.errors import Forbidden, NotFound

NOT_FOUND = "找不到该收文，或您无权查看。"
# Who follows a unit's received documents (the inbox) and who acts on them.
READER_ROLES = (Role.CLERK, Role.UNIT_LEADER, Role.UNIT_ADMIN)
CLERK_ONLY = "签收、登记、打印、退回和申请由本单位文书办理。"


def require_reader(actor: User, delivery: Delivery) -> None:
    """Another unit's delivery is a 404, whatever the role."""
    if not actor.is_active or delivery.recipient_unit_id != actor.unit_id:
        raise NotFound(NOT_FOUND)
    if not actor.has_role(*READER_ROLES):
        raise NotFound(NOT_FOUND)


def require_clerk(actor: User, delivery: Delivery) -> None:
    require_reader(actor, delivery)
    if not actor.has_role(Role.CLERK):
        raise Forbidden(CLERK_ONLY)


def lock(delivery: Delivery) -> Delivery:
    """The delivery row, locked until the caller's transaction ends (fresh values)."""
    return Delivery.objects.select_for_update().get(pk=delivery.pk)


def event(
    delivery: Delivery,
    kind: str,
    *,
    actor: User | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DeliveryEvent:
    return DeliveryEvent.objects.create(
        delivery=delivery, kind=kind, at=at, actor=actor, note=note[:2000], data=data or {}
    )


def sender_clerks(delivery: Delivery) -> list[User]:
    from wenshu.exchange.services.sending import recipient_clerks

    people = recipient_clerks([delivery.dispatch.sender_unit_id])
    sent_by = delivery.dispatch.sent_by
    if sent_by.is_active and sent_by not in people:
        people.append(sent_by)
    return people


def receiver_clerks(delivery: Delivery) -> list[User]:
    from wenshu.exchange.services.sending import recipient_clerks

    return recipient_clerks([delivery.recipient_unit_id])
