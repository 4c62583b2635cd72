"""注销 (S1 art. 10(2)): out of the exchange directory, seals flagged for destruction (through
the deregister hooks), people disabled, documents disposed of as the unit asked."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError
from wenshu.org import hooks
from wenshu.org.models import Deregistration, RequestStatus, Unit
from wenshu.org.services._base import (
    DIGITAL_OFFICE_REFUSAL,
    User,
    disable_people,
    require_active,
    require_city_admin,
    require_unit_admin_of,
    text,
)
from wenshu.org.signals import send_request_decided


def _require_may_request(actor: User, unit: Unit) -> None:
    require_active(actor)
    if actor.has_role(Role.CITY_ADMIN):
        return
    require_unit_admin_of(actor, unit, "申请注销本单位")


def _check_disposal(unit: Unit, disposal: str, note: str) -> str:
    if disposal not in Deregistration.Disposal.values:
        raise DomainError("请选择文件处理方式。")
    if disposal == Deregistration.Disposal.TO_MERGED:
        raise DomainError("“移交合并后单位”只用于单位合并，请改为办理单位合并。")
    if disposal == Deregistration.Disposal.TO_SUPERIOR and unit.superior_id is None:
        raise DomainError("该单位没有登记上级主管单位，不能选择“移交上级主管单位”。")
    return text(note, "文件处理说明", max_length=2000, required=False)


@transaction.atomic
def unit_deregister_request(
    *,
    actor: User,
    unit: Unit,
    reason: str,
    disposal: str,
    disposal_note: str = "",
) -> Deregistration:
    """Requested by the unit's administrator, or filed by the digital office itself."""
    _require_may_request(actor, unit)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_digital_office:
        raise DomainError(DIGITAL_OFFICE_REFUSAL)
    if not unit.is_registered:
        raise Conflict("只有已注册的单位可以办理注销。")
    reason = text(reason, "注销原因", max_length=2000)
    note = _check_disposal(unit, disposal, disposal_note)
    if unit.deregistrations.filter(status=RequestStatus.PENDING).exists():
        raise Conflict("该单位已有一份待办理的注销申请。")
    try:
        with transaction.atomic():
            request = Deregistration.objects.create(
                unit=unit,
                reason=reason,
                disposal=disposal,
                disposal_note=note,
                requested_by=actor,
                requested_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict("该单位已有一份待办理的注销申请。") from exc
    audit_record(
        actor=actor,
        action="org.deregistration_requested",
        target=unit,
        details={"request_id": request.pk, "disposal": disposal},
    )
    return request


def end_unit(
    *,
    unit: Unit,
    actor: User,
    now: datetime,
    merged_into: Unit | None = None,
) -> list[int]:
    """The common end of a unit (caller holds its row lock and has checked the rules):
    out of the directory and every group, pending requests void, people disabled, hooks run.
    Returns the ids of the people disabled."""
    unit.move_to(Unit.Status.DEREGISTERED)
    unit.in_directory, unit.deregistered_at, unit.merged_into = False, now, merged_into
    unit.save(
        update_fields=[
            "status",
            "in_directory",
            "deregistered_at",
            "merged_into",
            "updated_at",
        ]
    )
    unit.groups.clear()
    unit.rename_requests.filter(status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN,
        decided_at=now,
        reason="单位已注销，申请自动作废",
    )
    unit.deregistrations.filter(status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN,
        decided_at=now,
        decision_reason="单位已注销，申请自动作废",
    )
    disabled = disable_people(unit.people.all())
    hooks.run_deregister_hooks(unit=unit, actor=actor)
    return disabled


def _locked_request(request: Deregistration, target: str) -> Deregistration:
    request = Deregistration.objects.select_for_update().get(pk=request.pk)
    request.move_to(target)
    return request


def _tell_requester(request: Deregistration, *, actor: User, approved: bool, reason: str) -> None:
    # A unit's administrator who asked for it is disabled with the unit by now, and notify
    # tells only active people: the message then reaches no one, which is right.
    send_request_decided(
        request=request,
        requester=request.requested_by,
        actor=actor,
        approved=approved,
        subject=f"注销申请（{request.unit.full_name}）",
        outcome="已办理，单位已注销" if approved else "已退回",
        reason=reason,
        link=reverse("org:deregistration", args=[request.pk]),
    )


@transaction.atomic
def unit_deregister(*, actor: User, request: Deregistration) -> Unit:
    """The digital office carries out a deregistration request."""
    require_city_admin(actor, "办理单位注销")
    request = _locked_request(request, RequestStatus.APPROVED)
    unit = Unit.objects.select_for_update().get(pk=request.unit_id)
    if unit.is_digital_office:
        raise DomainError(DIGITAL_OFFICE_REFUSAL)
    now = timezone.now()
    request.decided_by, request.decided_at = actor, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    disabled = end_unit(unit=unit, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="org.unit_deregistered",
        target=unit,
        details={
            "request_id": request.pk,
            "disposal": request.disposal,
            "disabled": disabled,
        },
    )
    _tell_requester(request, actor=actor, approved=True, reason="")
    return unit


@transaction.atomic
def unit_deregister_reject(*, actor: User, request: Deregistration, reason: str) -> Deregistration:
    require_city_admin(actor, "退回单位注销申请")
    reason = text(reason, "退回理由", max_length=2000)
    request = _locked_request(request, RequestStatus.REJECTED)
    request.decided_by, request.decided_at, request.decision_reason = actor, timezone.now(), reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=actor,
        action="org.deregistration_rejected",
        target=request.unit,
        details={"request_id": request.pk, "reason": reason},
    )
    _tell_requester(request, actor=actor, approved=False, reason=reason)
    return request


@transaction.atomic
def unit_deregister_withdraw(*, actor: User, request: Deregistration) -> Deregistration:
    """Whoever filed it (the unit's administrator, or the digital office) may withdraw it."""
    unit = request.unit
    _require_may_request(actor, unit)
    request = _locked_request(request, RequestStatus.WITHDRAWN)
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="org.deregistration_withdrawn",
        target=unit,
        details={"request_id": request.pk},
    )
    return request
