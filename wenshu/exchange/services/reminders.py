"""催办: the sender reminds recipient units that have not signed for a document yet.

At most one reminder per recipient per hour (REMIND_INTERVAL): the delivery rows are locked
and `last_reminded_at` is claimed in the same transaction, so two clicks at once remind once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.documents.models import Document
from wenshu.exchange import selectors
from wenshu.exchange.models import AWAITING_SIGNATURE, Delivery, DeliveryEvent, Dispatch
from wenshu.exchange.services.sending import KIND, received_link, recipient_clerks
from wenshu.lib.errors import Conflict, Throttled

REMIND_INTERVAL = timedelta(hours=1)


@dataclass(frozen=True)
class RemindResult:
    reminded: list[Delivery]
    throttled: list[Delivery]  # laggards reminded less than an hour ago, left alone


def _hhmm(when: datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M")


def _due(delivery: Delivery, now: datetime) -> bool:
    last = delivery.last_reminded_at
    return last is None or now - last >= REMIND_INTERVAL


def _remind_locked(actor: User, dispatch: Dispatch, rows: list[Delivery], now: datetime) -> None:
    """Claim, record, notify and audit a reminder of `rows` (locked, due, awaiting)."""
    ids = [d.pk for d in rows]
    due = Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMIND_INTERVAL)
    claimed = Delivery.objects.filter(due, pk__in=ids).update(
        last_reminded_at=now, remind_count=F("remind_count") + 1
    )
    if claimed != len(ids):  # cannot happen under the row locks; never remind twice anyway
        raise Conflict("催办状态已变化，请刷新页面后重试。")
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(delivery=d, kind=DeliveryEvent.Kind.REMINDED, at=now, actor=actor)
        for d in rows
    )
    document = dispatch.document
    from wenshu.notify.services import notify_send

    notify_send(
        recipients=recipient_clerks(d.recipient_unit_id for d in rows),
        title=f"催办：请及时签收公文《{document.title}》"[:200],
        body=(
            f"{dispatch.sender_name}提醒：{document.doc_number}《{document.title}》"
            f"已于 {timezone.localtime(dispatch.sent_at):%Y-%m-%d %H:%M} 送达，请及时签收。"
        ),
        link=received_link(document.pk),
        kind=KIND,
    )
    audit_record(
        actor=actor,
        action="exchange.reminded",
        target=dispatch,
        unit=actor.unit,
        details={
            "document_id": document.pk,
            "delivery_ids": ids,
            "recipients": [d.recipient_name for d in rows][:50],
            "count": len(ids),
        },
    )
    for d in rows:
        d.last_reminded_at, d.remind_count = now, d.remind_count + 1


def delivery_remind(*, actor: User, delivery: Delivery) -> Delivery:
    """Remind one recipient unit (its clerks, in-app and by SMS) to sign for the document."""
    with transaction.atomic():
        locked = selectors.delivery_for_sender(viewer=actor, delivery_id=delivery.pk, lock=True)
        if locked.status not in AWAITING_SIGNATURE:
            raise Conflict(
                f"{locked.recipient_name}的状态为“{locked.get_status_display()}”，无需催办。"
            )
        now = timezone.now()
        if not _due(locked, now):
            last = locked.last_reminded_at or now
            raise Throttled(
                f"已于 {_hhmm(last)} 催办过{locked.recipient_name}，同一单位一小时内只能催办一次，"
                f"请于 {_hhmm(last + REMIND_INTERVAL)} 以后再试。"
            )
        _remind_locked(actor, locked.dispatch, [locked], now)
    return locked


def deliveries_remind_laggards(*, actor: User, document: Document) -> RemindResult:
    """Remind every recipient that has not signed for the document yet; those reminded in
    the last hour are left out (and counted). Refused when there is nobody to remind."""
    with transaction.atomic():
        dispatch = selectors.dispatch_for_document(viewer=actor, document_id=document.pk)
        laggards = list(
            Delivery.objects.select_for_update()
            .filter(dispatch=dispatch, status__in=AWAITING_SIGNATURE)
            .order_by("id")
        )
        if not laggards:
            raise Conflict("所有收文单位均已签收或已退回，没有需要催办的单位。")
        now = timezone.now()
        due = [d for d in laggards if _due(d, now)]
        waiting = [d for d in laggards if not _due(d, now)]
        if not due:
            raise Throttled(
                f"未签收的 {len(waiting)} 个单位在一小时内都已催办过，"
                "同一单位一小时内只能催办一次，请稍后再试。"
            )
        _remind_locked(actor, dispatch, due, now)
    return RemindResult(reminded=due, throttled=waiting)
