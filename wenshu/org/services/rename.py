"""名称变更 (S1 art. 10(1)): the unit's letter names the new system administrator and the
people who keep their accounts; the digital office carries it out. Name history is only
ever appended to: documents of the past keep showing the name of their time."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.roles import Role, check_combination
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError
from wenshu.org import hooks
from wenshu.org.models import RenameRequest, RequestStatus, Unit, UnitName
from wenshu.org.services._base import (
    User,
    check_names_free,
    disable_people,
    live_people,
    person_of_unit,
    require_city_admin,
    require_unit_admin_of,
    text,
    transfer_unit_admin,
)
from wenshu.org.signals import send_request_decided


def _new_names(
    unit: Unit,
    full_name: str,
    short_name: str,
    agency_code: str,
) -> tuple[str, str, str]:
    full_name = text(full_name, "新单位全称", max_length=200)
    short_name = text(short_name, "新单位简称", max_length=60)
    agency_code = text(agency_code, "新机关代字", max_length=30, required=False) or unit.agency_code
    if (full_name, short_name, agency_code) == (unit.full_name, unit.short_name, unit.agency_code):
        raise DomainError("新名称与现名称相同，无需办理名称变更。")
    check_names_free(
        full_name=full_name, short_name=short_name, agency_code=agency_code, exclude=unit
    )
    return full_name, short_name, agency_code


def _people_lists(unit: Unit, new_admin: User, kept: Iterable[User]) -> tuple[list[int], list[int]]:
    """(kept ids, closing ids). The new administrator always keeps the account."""
    live_ids = set(live_people(unit).values_list("pk", flat=True))
    kept_ids = {p.pk for p in kept} | {new_admin.pk}
    strangers = kept_ids - live_ids
    if strangers:
        raise DomainError("保留人员名单中有不属于本单位或账号已不可用的人员，请刷新后重新选择。")
    return sorted(kept_ids), sorted(live_ids - kept_ids)


@transaction.atomic
def unit_rename_request(
    *,
    actor: User,
    unit: Unit,
    new_full_name: str,
    new_short_name: str,
    new_agency_code: str = "",
    new_admin: User,
    kept_people: Iterable[User],
    letter_ref: str = "",
) -> RenameRequest:
    """The unit's administrator files the rename (new agency code optional: empty keeps it)."""
    require_unit_admin_of(actor, unit, "提交本单位的名称变更申请")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_registered:
        raise Conflict("只有已注册的单位可以办理名称变更。")
    if unit.rename_requests.filter(status=RequestStatus.PENDING).exists():
        raise Conflict("本单位已有一份待审核的名称变更申请，请等待市数字办办理或先撤回。")
    full_name, short_name, agency_code = _new_names(
        unit, new_full_name, new_short_name, new_agency_code
    )
    admin = person_of_unit(unit, getattr(new_admin, "pk", None), "新系统管理员")
    if admin is None:
        raise DomainError("请指定新的系统管理员。")
    check_combination(set(admin.role_set) | {Role.UNIT_ADMIN})
    kept_ids, closing_ids = _people_lists(unit, admin, kept_people)
    try:
        with transaction.atomic():
            request = RenameRequest.objects.create(
                unit=unit,
                old_full_name=unit.full_name,
                old_short_name=unit.short_name,
                new_full_name=full_name,
                new_short_name=short_name,
                new_agency_code=agency_code,
                letter_ref=text(letter_ref, "来函文号", max_length=100, required=False),
                new_admin=admin,
                requested_by=actor,
                requested_at=timezone.now(),
            )
    except IntegrityError as exc:  # a second click raced the first
        raise Conflict("本单位已有一份待审核的名称变更申请。") from exc
    request.kept_people.set(kept_ids)
    request.closing_people.set(closing_ids)
    audit_record(
        actor=actor,
        action="org.rename_requested",
        target=unit,
        details={
            "request_id": request.pk,
            "new_full_name": full_name,
            "new_short_name": short_name,
            "new_admin_id": admin.pk,
            "kept": kept_ids,
            "closing": closing_ids,
        },
    )
    return request


def _locked_pending(request: RenameRequest, target: str) -> RenameRequest:
    request = RenameRequest.objects.select_for_update().get(pk=request.pk)
    request.move_to(target)
    return request


def _tell_requester(request: RenameRequest, *, actor: User, approved: bool, reason: str) -> None:
    send_request_decided(
        request=request,
        requester=request.requested_by,
        actor=actor,
        approved=approved,
        subject=f"名称变更申请（{request.old_full_name} → {request.new_full_name}）",
        outcome="已办理" if approved else "已退回",
        reason=reason,
        link=reverse("org:rename", args=[request.pk]),
    )


@transaction.atomic
def unit_rename_approve(*, actor: User, request: RenameRequest) -> RenameRequest:
    """Close the current name period, open the new one, hand over the administrator role and
    disable the accounts the letter did not keep."""
    require_city_admin(actor, "办理单位名称变更")
    request = _locked_pending(request, RequestStatus.APPROVED)
    unit = Unit.objects.select_for_update().get(pk=request.unit_id)
    if not unit.is_registered:
        raise Conflict("该单位已不是已注册状态，不能变更名称，请退回申请。")
    check_names_free(
        full_name=request.new_full_name,
        short_name=request.new_short_name,
        agency_code=request.new_agency_code,
        exclude=unit,
    )
    admin = live_people(unit).filter(pk=request.new_admin_id, status="active").first()
    if admin is None:
        raise Conflict("申请中指定的新系统管理员已不在本单位或账号不可用，请退回申请。")
    now, old_name = timezone.now(), unit.full_name
    unit.names.filter(valid_to__isnull=True).update(valid_to=now)
    UnitName.objects.create(
        unit=unit,
        full_name=request.new_full_name,
        short_name=request.new_short_name,
        agency_code=request.new_agency_code,
        valid_from=now,
    )
    unit.full_name, unit.short_name = request.new_full_name, request.new_short_name
    unit.agency_code = request.new_agency_code
    unit.save(update_fields=["full_name", "short_name", "agency_code", "updated_at"])
    disabled = disable_people(unit.people.filter(pk__in=request.closing_people.values("pk")))
    lost_admin = transfer_unit_admin(unit=unit, new_admin=admin, actor=actor)
    request.decided_by, request.decided_at = actor, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    hooks.run_rename_hooks(unit=unit, old_name=old_name, new_name=unit.full_name, actor=actor)
    audit_record(
        actor=actor,
        action="org.unit_renamed",
        target=unit,
        details={
            "request_id": request.pk,
            "old_full_name": old_name,
            "new_full_name": unit.full_name,
            "disabled": disabled,
            "new_admin_id": admin.pk,
            "unit_admin_removed": lost_admin,
        },
    )
    _tell_requester(request, actor=actor, approved=True, reason="")
    return request


@transaction.atomic
def unit_rename_reject(*, actor: User, request: RenameRequest, reason: str) -> RenameRequest:
    require_city_admin(actor, "退回单位名称变更申请")
    reason = text(reason, "退回理由", max_length=2000)
    request = _locked_pending(request, RequestStatus.REJECTED)
    request.decided_by, request.decided_at, request.reason = actor, timezone.now(), reason
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        actor=actor,
        action="org.rename_rejected",
        target=request.unit,
        details={"request_id": request.pk, "reason": reason},
    )
    _tell_requester(request, actor=actor, approved=False, reason=reason)
    return request


@transaction.atomic
def unit_rename_withdraw(*, actor: User, request: RenameRequest) -> RenameRequest:
    """The unit's administrator takes back a request the digital office has not handled yet."""
    require_unit_admin_of(actor, request.unit, "撤回本单位的名称变更申请")
    request = _locked_pending(request, RequestStatus.WITHDRAWN)
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="org.rename_withdrawn",
        target=request.unit,
        details={"request_id": request.pk},
    )
    return request
