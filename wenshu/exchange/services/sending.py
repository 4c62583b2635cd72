"""Sending a sealed document (S1 art. 36–37): every delivery in one transaction, once.

A double submit sends once, by three guards: the document row is locked for the whole
sending, `documents.services.document_mark_sent` refuses a document already sent, and the
`Dispatch` row is unique per document. A retried request carrying the same idempotency key
gets the first result back instead of an error.

The send time (S1 art. 37, "系统完成发送公文操作的时间") is read from `timezone.now()` inside
the transaction, after the lock is held and every check has passed, just before the rows
are written: the database's commit time cannot be known before the commit, and this is the
latest moment the rows can carry. Everything after it (the inserts, the document update, the
workflow step, notification rows, the audit event) takes milliseconds, and nothing outside
the transaction can see the sending before the commit, so no reader ever sees a time that
the commit contradicts. SMS leave only after the commit (the notify outbox) and can never
hold the sending up or undo it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.documents.models import Document
from wenshu.documents.services import dispatch_work_item, document_mark_sent
from wenshu.exchange.models import Delivery, DeliveryEvent, Dispatch
from wenshu.exchange.services.recipients import (
    DEFAULT_PRINT_COPIES,
    GroupRef,
    RecipientList,
    UnitRef,
    print_permissions,
    recipients_resolve,
)
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Unit
from wenshu.workflow.models import WorkItem
from wenshu.workflow.selectors import acting_for
from wenshu.workflow.services import work_item_complete

KIND = "exchange"  # notification kind of every exchange notice
MAX_KEY_CHARS = 100
ALREADY_SENT = "该公文已发出，不能重复发送。"


def _check_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_CHARS:
        raise DomainError("发送请求缺少有效的防重复提交标识，请刷新页面后重新发送。")
    return key


def _lock_document(actor: User, document: Document) -> Document:
    """The document row, locked until commit; another unit's document is a 404."""
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None or not actor.is_active or locked.unit_id != actor.unit_id:
        raise NotFound("找不到该公文，或您无权查看。")
    return locked


def _replay(actor: User, document: Document, key: str) -> list[Delivery] | None:
    """The first result of a retried request (same key, same sender), else None."""
    dispatch = Dispatch.objects.filter(document=document).first()
    if dispatch is None or dispatch.idempotency_key != key or dispatch.sent_by_id != actor.pk:
        return None
    return list(dispatch.deliveries.select_related("recipient_unit").order_by("kind", "id"))


def _check_sender(actor: User, document: Document) -> WorkItem | None:
    """A clerk of the sender unit, or the person the open 分发 step is offered to; returns
    that step (None when the document has no open 分发 step)."""
    item = dispatch_work_item(document=document)
    if item is not None:
        if acting_for(viewer=actor, item=item) is None:
            raise Forbidden(f"该公文的“分发”环节由{item.offered_to_label}办理，您不能发送。")
        return item
    if not actor.has_role(Role.CLERK):
        raise Forbidden("只有本单位文书可以发送公文。")
    return None


def _check_sendable(document: Document) -> None:
    sent = Dispatch.objects.filter(document=document).exists()
    if sent or document.status == Document.Status.SENT:
        raise Conflict(ALREADY_SENT)
    if document.status == Document.Status.CANCELLED:
        raise Conflict("该公文已作废，不能发送。")
    if document.status != Document.Status.SEALED:
        raise Conflict(f"该公文{document.get_status_display()}，用印后才能发送。")


def _sender_name(document: Document, unit: Unit, now: datetime) -> str:
    return getattr(document, "sender_name_at_sealing", "") or unit.name_at(now)


def _create_deliveries(
    dispatch: Dispatch, plan: RecipientList, allowed: dict[int, int], actor: User
) -> list[Delivery]:
    now = dispatch.sent_at
    rows = [
        Delivery(
            dispatch=dispatch,
            document_id=dispatch.document_id,
            recipient_unit=r.unit,
            recipient_name=r.unit.full_name,  # the current name is the name at sending
            kind=r.kind,
            print_allowed=allowed[r.unit.pk],
            delivered_at=now,
        )
        for r in plan.recipients
    ]
    deliveries = Delivery.objects.bulk_create(rows)
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            delivery=d,
            kind=DeliveryEvent.Kind.DELIVERED,
            at=now,
            actor=actor,
            data={"kind": d.kind, "print_allowed": d.print_allowed},
        )
        for d in deliveries
    )
    return deliveries


def received_link(document_id: int) -> str:
    """The recipients' page of a document: one link for every recipient unit."""
    return reverse("exchange:received", args=[document_id])


def recipient_clerks(unit_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.filter(
            unit_id__in=list(unit_ids), status=User.Status.ACTIVE, role_grants__role=Role.CLERK
        )
        .distinct()
        .order_by("unit_id", "id")
    )


def _urgency_prefix(document: Document) -> str:
    urgency = str(getattr(document, "urgency", "") or "")
    label = document.get_urgency_display() if hasattr(document, "get_urgency_display") else ""
    return f"【{label}】" if urgency and label in ("特急", "加急") else ""


def _notify_recipients(document: Document, dispatch: Dispatch, unit_ids: list[int]) -> None:
    from wenshu.notify.services import notify_send

    number = f"{document.doc_number}" if document.doc_number else ""
    notify_send(
        recipients=recipient_clerks(unit_ids),
        title=f"{_urgency_prefix(document)}新公文待签收：{document.title}"[:200],
        body=f"{dispatch.sender_name}{number}《{document.title}》已送达，请及时签收。",
        link=received_link(document.pk),
        kind=KIND,
    )


def _complete_step(actor: User, item: WorkItem | None, count: int) -> None:
    if item is not None:
        work_item_complete(
            actor=actor, item=item, decision="approve", opinion=f"已分发至 {count} 个单位。"
        )


def document_send(
    *,
    actor: User,
    document: Document,
    main_units: Iterable[UnitRef],
    copy_units: Iterable[UnitRef] = (),
    groups: Iterable[GroupRef] = (),
    copy_groups: Iterable[GroupRef] = (),
    print_allowed: Mapping[Any, Any] | int,
    print_default: int = DEFAULT_PRINT_COPIES,
    idempotency_key: str,
) -> list[Delivery]:
    """Send a sealed document to its 主送 and 抄送 units (and groups: `groups` expand into
    主送, `copy_groups` into 抄送), each with its print permission; see the module docstring
    for the once-only guarantees and the send time."""
    key = _check_key(idempotency_key)
    with transaction.atomic():
        doc = _lock_document(actor, document)
        replay = _replay(actor, doc, key)
        if replay is not None:
            return replay
        item = _check_sender(actor, doc)
        _check_sendable(doc)
        plan = recipients_resolve(
            actor=actor,
            sender_unit=actor.unit,
            main_units=main_units,
            copy_units=copy_units,
            groups=groups,
            copy_groups=copy_groups,
        )
        allowed = print_permissions(
            recipients=plan.recipients, print_allowed=print_allowed, print_default=print_default
        )
        return _send_locked(actor, doc, item, plan, allowed, key)


def _send_locked(
    actor: User,
    doc: Document,
    item: WorkItem | None,
    plan: RecipientList,
    allowed: dict[int, int],
    key: str,
) -> list[Delivery]:
    now = timezone.now()  # S1 art. 37: see the module docstring
    dispatch = Dispatch.objects.create(
        document=doc,
        idempotency_key=key,
        sender_unit_id=doc.unit_id,
        sender_name=_sender_name(doc, actor.unit, now),
        sent_by=actor,
        sent_at=now,
        main_count=plan.main_count,
        copy_count=plan.copy_count,
        groups=plan.groups,
    )
    deliveries = _create_deliveries(dispatch, plan, allowed, actor)
    document_mark_sent(actor=actor, document=doc, sent_at=now)
    _complete_step(actor, item, len(deliveries))
    unit_ids = [d.recipient_unit_id for d in deliveries]
    _notify_recipients(doc, dispatch, unit_ids)
    audit_record(
        actor=actor,
        action="exchange.document_sent",
        target=dispatch,
        unit=actor.unit,
        details={
            "document_id": doc.pk,
            "doc_number": doc.doc_number,
            "title": doc.title[:200],
            "sent_at": now.isoformat(),
            "main": [d.recipient_unit_id for d in deliveries if d.kind == Delivery.Kind.MAIN],
            "copy": [d.recipient_unit_id for d in deliveries if d.kind == Delivery.Kind.COPY],
            "groups": [g["name"] for g in plan.groups],
            "print_allowed_total": sum(d.print_allowed for d in deliveries),
            "work_item_id": item.pk if item is not None else None,
        },
    )
    return deliveries
