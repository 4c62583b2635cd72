"""签收 and 收文登记, 退回, fault reports and the import into the internal flow (S1 art. 39,
41, 42). Each service: permission first, one transaction, the delivery row locked, an event
and an audit record written inside, notices sent with the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.exchange.models import (
    AWAITING_SIGNATURE,
    Delivery,
    DeliveryEvent,
    Registration,
    RegistrationCounter,
)
from wenshu.exchange.services._receiver import (
    event,
    lock,
    receiver_clerks,
    require_clerk,
    require_reader,
    sender_clerks,
)
from wenshu.exchange.services.verification import delivery_check
from wenshu.lib.errors import Conflict, DomainError, NotFound

_S = Delivery.Status
_E = DeliveryEvent.Kind
KIND = "exchange"
MAX_REASON = 500


@dataclass(frozen=True)
class RegistrationInput:
    """The register entry as the clerk confirmed it (defaults come from the document)."""

    sender_name: str
    doc_number: str
    title: str
    copies: int
    urgency: str
    received_on: date


def registration_defaults(*, delivery: Delivery) -> RegistrationInput:
    doc = delivery.document
    return RegistrationInput(
        sender_name=delivery.dispatch.sender_name,
        doc_number=doc.doc_number,
        title=doc.title,
        copies=max(delivery.print_allowed, 1),
        urgency=doc.urgency,
        received_on=timezone.localdate(),
    )


def _clean(data: RegistrationInput) -> RegistrationInput:
    if not data.sender_name.strip() or not data.title.strip():
        raise DomainError("请填写来文单位和标题。")
    if not 1 <= data.copies <= 9999:
        raise DomainError("份数应为 1 到 9999 之间的整数。")
    if data.urgency not in ("", "加急", "特急"):
        raise DomainError("紧急程度只能是“不标注”“加急”或“特急”。")
    if data.received_on > timezone.localdate():
        raise DomainError("收文日期不能晚于今天。")
    return data


def _next_number(unit_id: int, year: int) -> int:
    RegistrationCounter.objects.get_or_create(unit_id=unit_id, year=year)
    counter = RegistrationCounter.objects.select_for_update().get(unit_id=unit_id, year=year)
    counter.last_n = F("last_n") + 1
    counter.save(update_fields=["last_n"])
    counter.refresh_from_db(fields=["last_n"])
    return counter.last_n


def _require_signable(row: Delivery) -> None:
    if row.status == _S.DELIVERED:
        raise Conflict("请先打开公文完成验证，再签收登记。")
    if row.status == _S.FAILED:
        raise Conflict("该公文验证未通过，不能签收；请退回发文单位或上报故障。")
    row.move_to(_S.SIGNED)


def delivery_sign(*, actor: User, delivery: Delivery, data: RegistrationInput) -> Registration:
    """签收 and 收文登记 in one step: the next registration number of the unit's year."""
    require_clerk(actor, delivery)
    data = _clean(data)
    if delivery.status == _S.VERIFIED and not delivery_check(delivery=delivery).ok:
        raise Conflict("该公文重新验证未通过，不能签收；请刷新页面查看原因。")
    with transaction.atomic():
        row = lock(delivery)
        _require_signable(row)
        now = timezone.now()
        year = data.received_on.year
        reg = Registration.objects.create(
            delivery=row,
            unit_id=row.recipient_unit_id,
            year=year,
            number=_next_number(row.recipient_unit_id, year),
            sender_name=data.sender_name.strip()[:200],
            doc_number=data.doc_number.strip()[:60],
            title=data.title.strip()[:200],
            copies=data.copies,
            urgency=data.urgency,
            received_on=data.received_on,
            registered_by=actor,
            registered_at=now,
        )
        row.signed_at = now
        row.save(update_fields=["status", "signed_at"])
        event(row, _E.SIGNED, actor=actor, at=now, note=f"收文登记号 {reg.label}")
        audit_record(
            actor=actor,
            action="exchange.delivery_signed",
            target=row,
            unit=row.recipient_unit,
            details={"registration": reg.label},
        )
    delivery.status, delivery.signed_at = row.status, row.signed_at
    return reg


def delivery_return(*, actor: User, delivery: Delivery, reason: str) -> Delivery:
    """退回 with a reason; the sender's clerks are told and may send a corrected version."""
    require_clerk(actor, delivery)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写退回原因，发文单位将据此更正。")
    if len(reason) > MAX_REASON:
        raise DomainError(f"退回原因不能超过 {MAX_REASON} 字。")
    with transaction.atomic():
        row = lock(delivery)
        if row.status == _S.SIGNED:
            raise Conflict("该公文已签收登记，不能再退回。")
        row.move_to(_S.RETURNED)
        now = timezone.now()
        row.returned_at, row.return_reason = now, reason
        row.save(update_fields=["status", "returned_at", "return_reason"])
        event(row, _E.RETURNED, actor=actor, at=now, note=reason)
        audit_record(
            actor=actor,
            action="exchange.delivery_returned",
            target=row,
            unit=row.recipient_unit,
            details={"reason": reason},
        )
        _notify_returned(row, reason)
    delivery.status, delivery.returned_at = row.status, row.returned_at
    delivery.return_reason = reason
    return row


def _notify_returned(row: Delivery, reason: str) -> None:
    from django.urls import reverse

    from wenshu.notify.services import notify_send

    doc = row.document
    notify_send(
        recipients=sender_clerks(row),
        title=f"公文被退回：{doc.title}"[:200],
        body=f"{row.recipient_name}退回了《{doc.title}》，原因：{reason}",
        link=reverse("exchange:tracking", args=[doc.pk]),
        kind=KIND,
    )


def delivery_report_fault(*, actor: User, delivery: Delivery, note: str = "") -> int:
    """Report a document that fails verification to the digital office (art. 42); the same
    delivery reported again returns the first ticket. Returns the ticket id."""
    from wenshu.tickets.services import ticket_raise_system

    require_clerk(actor, delivery)
    result = delivery_check(delivery=delivery)
    if result.ok:
        raise Conflict("该公文验证通过，无需上报故障。")
    doc = delivery.document
    with transaction.atomic():
        row = lock(delivery)
        ticket = ticket_raise_system(
            source="exchange",
            category="exchange",
            unit=row.recipient_unit,
            summary=f"收文验证未通过：{doc.doc_number}《{doc.title}》"[:200],
            details=f"收文单位：{row.recipient_name}\n来文单位：{row.dispatch.sender_name}\n"
            f"原因：{result.summary}\n补充说明：{(note or '').strip()[:500]}",
            dedupe_key=f"delivery-verify-{row.pk}",
        )
        if not row.events.filter(kind=_E.FAULT).exists():
            event(
                row,
                _E.FAULT,
                actor=actor,
                at=timezone.now(),
                note=f"故障单 #{ticket.pk}",
                data={"ticket_id": ticket.pk},
            )
            audit_record(
                actor=actor,
                action="exchange.delivery_fault_reported",
                target=row,
                unit=row.recipient_unit,
                details={"ticket_id": ticket.pk},
            )
    return ticket.pk


def set_received_at(row: Delivery) -> bool:
    """The receive time (art. 41): the first print or import, never changed afterwards."""
    now = timezone.now()
    changed = Delivery.objects.filter(pk=row.pk, received_at__isnull=True).update(received_at=now)
    if changed:
        row.received_at = now
    return bool(changed)


def delivery_mark_imported(*, actor: User, delivery: Delivery) -> Delivery:
    """The handling app took the delivery into the unit's internal flow (收文办理)."""
    require_reader(actor, delivery)
    with transaction.atomic():
        row = lock(delivery)
        if row.status != _S.SIGNED:
            raise Conflict("公文须先签收登记，才能进入本单位内部办理。")
        if not delivery_check(delivery=row).ok:
            raise Conflict("该公文验证未通过，不能进入内部办理；请退回或上报故障。")
        first = set_received_at(row)
        event(
            row,
            _E.IMPORTED,
            actor=actor,
            at=timezone.now(),
            note="首次导入，记为接收时间" if first else "",
        )
        audit_record(
            actor=actor,
            action="exchange.delivery_imported",
            target=row,
            unit=row.recipient_unit,
            details={"first": first},
        )
    return row


def delivery_link_correction(*, actor: User, returned: Delivery, corrected: Delivery) -> Delivery:
    """The sender names the returned delivery a newly sent document corrects: the new
    delivery (same recipient, a later document of the sender) records `replaces`."""
    from wenshu.exchange.selectors import may_track

    sender = returned.dispatch.sender_unit_id
    if not (may_track(actor) and actor.unit_id == sender == corrected.dispatch.sender_unit_id):
        raise NotFound("找不到该送达记录，或您无权查看。")
    if corrected.recipient_unit_id != returned.recipient_unit_id or corrected.pk == returned.pk:
        raise DomainError("更正版本须发给同一收文单位，且是另一份公文。")
    with transaction.atomic():
        if lock(returned).status != _S.RETURNED:
            raise Conflict("只有被退回的公文才能关联更正版本。")
        row = lock(corrected)
        if row.replaces_id is not None:
            raise Conflict("该送达已关联过被退回的公文。")
        row.replaces = returned
        row.save(update_fields=["replaces"])
        event(
            returned,
            _E.CORRECTED,
            actor=actor,
            at=timezone.now(),
            note=f"更正版本：{row.document.title}",
            data={"delivery_id": row.pk},
        )
        audit_record(
            actor=actor,
            action="exchange.delivery_corrected",
            target=row,
            unit=row.recipient_unit,
            details={"replaces": returned.pk},
        )
        _notify_awaiting(row)
    return row


def _notify_awaiting(row: Delivery) -> None:
    from wenshu.notify.services import notify_send

    if row.status in AWAITING_SIGNATURE:
        notify_send(
            recipients=receiver_clerks(row),
            title=f"更正版本已送达：{row.document.title}",
            body=f"{row.dispatch.sender_name}已发送更正版本，替代被退回的公文。",
            link=f"/exchange/received/{row.document_id}/",
            kind=KIND,
        )
