"""Requests of a recipient to the sender (S1 art. 42): resend, or allow more copies.

The recipient's clerk asks with a reason; the sender unit's clerk approves (the print
permission grows by the count) or refuses; both sides are told.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.exchange.models import Delivery, DeliveryEvent, DeliveryRequest
from wenshu.exchange.services._receiver import (
    event,
    lock,
    receiver_clerks,
    require_clerk,
    sender_clerks,
)
from wenshu.exchange.services.recipients import MAX_PRINT_COPIES
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

_K = DeliveryRequest.Kind
_R = DeliveryRequest.Status
KIND = "exchange"


def _check(row: Delivery, kind: str, count: int, reason: str) -> None:
    if kind not in _K.values:
        raise DomainError("请选择申请事项：请求重发或追加打印份数。")
    if not reason:
        raise DomainError("请说明申请原因。")
    if len(reason) > 500:
        raise DomainError("申请原因不能超过 500 字。")
    if row.status == Delivery.Status.RETURNED:
        raise Conflict("该公文已退回，发文单位将发送更正版本，无需再申请。")
    if kind == _K.MORE_COPIES:
        if not 1 <= count <= MAX_PRINT_COPIES:
            raise DomainError(f"追加份数应为 1 到 {MAX_PRINT_COPIES} 之间的整数。")
        if row.print_allowed + count > MAX_PRINT_COPIES:
            raise DomainError(f"允许打印份数合计不能超过 {MAX_PRINT_COPIES} 份。")


def delivery_request(
    *, actor: User, delivery: Delivery, kind: str, reason: str, count: int = 0
) -> DeliveryRequest:
    """Ask the sender to resend, or to allow `count` more copies; one pending per kind."""
    require_clerk(actor, delivery)
    reason = (reason or "").strip()
    count = count if kind == _K.MORE_COPIES else 0
    with transaction.atomic():
        row = lock(delivery)
        _check(row, kind, count, reason)
        now = timezone.now()
        try:
            with transaction.atomic():
                req = DeliveryRequest.objects.create(
                    delivery=row,
                    kind=kind,
                    count=count,
                    reason=reason,
                    requested_by=actor,
                    requested_at=now,
                )
        except IntegrityError:
            raise Conflict("已有同类申请正在等待发文单位处理，请勿重复申请。") from None
        event(
            row,
            DeliveryEvent.Kind.REQUESTED,
            actor=actor,
            at=now,
            note=f"{req.get_kind_display()}{f' {count} 份' if count else ''}：{reason}",
            data={"request_id": req.pk},
        )
        audit_record(
            actor=actor,
            action="exchange.request_made",
            target=row,
            unit=row.recipient_unit,
            details={"kind": kind, "count": count},
        )
        _notify(
            sender_clerks(row),
            f"收文单位申请{req.get_kind_display()}：{row.document.title}",
            f"{row.recipient_name}申请{_what(req)}，原因：{reason}",
            reverse("exchange:requests"),
        )
    return req


def _what(req: DeliveryRequest) -> str:
    return f"追加打印 {req.count} 份" if req.kind == _K.MORE_COPIES else "重新发送"


def _notify(people: list[User], title: str, body: str, link: str) -> None:
    from wenshu.notify.services import notify_send

    notify_send(recipients=people, title=title[:200], body=body, link=link, kind=KIND)


def _lock_request(actor: User, request: DeliveryRequest) -> DeliveryRequest:
    found = (
        DeliveryRequest.objects.select_for_update(of=("self",))
        .select_related("delivery__dispatch", "delivery__document")
        .filter(pk=request.pk, delivery__dispatch__sender_unit_id=actor.unit_id)
        .first()
    )
    if found is None or not actor.is_active:
        raise NotFound("找不到该申请，或您无权查看。")
    if not actor.has_role(Role.CLERK):
        raise Forbidden("收文单位的申请由发文单位的文书处理。")
    return found


def delivery_request_decide(
    *, actor: User, request: DeliveryRequest, approve: bool, note: str = ""
) -> DeliveryRequest:
    """The sender's clerk approves (more copies: the permission grows) or refuses."""
    note = (note or "").strip()[:500]
    if not approve and not note:
        raise DomainError("不同意时请填写理由，收文单位将看到该理由。")
    with transaction.atomic():
        req = _lock_request(actor, request)
        req.move_to(_R.APPROVED if approve else _R.REFUSED)
        now = timezone.now()
        req.decided_by, req.decided_at, req.decision_note = actor, now, note
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        delivery = req.delivery
        if approve and req.kind == _K.MORE_COPIES:
            Delivery.objects.filter(pk=delivery.pk).update(
                print_allowed=F("print_allowed") + req.count
            )
        kind = DeliveryEvent.Kind.APPROVED if approve else DeliveryEvent.Kind.REFUSED
        event(
            delivery,
            kind,
            actor=actor,
            at=now,
            note=f"{_what(req)}{'：' + note if note else ''}",
            data={"request_id": req.pk},
        )
        audit_record(
            actor=actor,
            action=f"exchange.request_{req.status}",
            target=delivery,
            unit=delivery.recipient_unit,
            details={"request_id": req.pk},
        )
        verdict = "同意" if approve else "不同意"
        people = receiver_clerks(delivery)
        if req.requested_by not in people and req.requested_by.is_active:
            people.append(req.requested_by)
        _notify(
            people,
            f"发文单位{verdict}了申请：{delivery.document.title}",
            f"{delivery.dispatch.sender_name}{verdict}{_what(req)}。{note}",
            reverse("exchange:received", args=[delivery.document_id]),
        )
    return req
