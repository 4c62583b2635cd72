"""The register: entering equipment, assigning and reallocating it (S3 第一条、第五条),
taking it back into stock, retiring it, and appointing the unit's equipment managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.grants import forget_grants
from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.assets.models import (
    OPEN_INTERNET,
    OPEN_LOAN,
    OPEN_REPAIR,
    Asset,
    AssetManager,
    AssetMove,
    Category,
    InternetRequest,
    LoanRequest,
    RepairRequest,
    RequestStatus,
)
from wenshu.assets.services._common import (
    audit_details,
    lock_asset,
    money,
    not_future,
    refuse_retired,
    require_office,
    text,
)
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Department

S = Asset.Status


@dataclass
class AssetFields:
    """The descriptive facts of an asset, as a form, the API or an import row gives them."""

    asset_number: str
    category: str
    model: str
    purchase_date: date
    purchase_value: Decimal | str | int | float
    serial_number: str = ""
    is_oa_equipment: bool = True
    note: str = ""

    def cleaned(self) -> dict[str, Any]:
        if self.category not in Category.values:
            raise DomainError("设备类别不正确，请从列表中选择")
        return {
            "asset_number": clean_asset_number(self.asset_number),
            "category": self.category,
            "model": text(self.model, "品牌型号", max_length=120),
            "serial_number": text(self.serial_number, "序列号", max_length=120, required=False),
            "purchase_date": not_future(self.purchase_date, "购置日期", timezone.localdate()),
            "purchase_value": money(self.purchase_value, "原值"),
            "is_oa_equipment": bool(self.is_oa_equipment),
            "note": text(self.note, "备注", max_length=300, required=False),
        }


def clean_asset_number(value: str) -> str:
    number = text(value, "资产编号", max_length=60)
    if any(ch.isspace() for ch in number):
        raise DomainError("资产编号不能包含空格")
    return number


def check_department(unit_id: int, department: Department | None) -> None:
    if department is not None and (department.unit_id != unit_id or not department.is_active):
        raise DomainError("使用部门须为本单位启用中的部门")


def check_custodian(unit_id: int, custodian: User | None) -> None:
    if custodian is not None and (custodian.unit_id != unit_id or not custodian.is_active):
        raise DomainError("保管人须为本单位在职人员")


def _unique_number(unit_id: int, number: str, exclude_pk: int | None = None) -> None:
    clash = Asset.objects.filter(unit_id=unit_id, asset_number=number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise Conflict(f"资产编号 {number} 已在本单位设备台账中登记，不能重复")


def record_move(
    asset: Asset, *, kind: str, actor: User, reason: str, before: dict[str, Any]
) -> AssetMove:
    return AssetMove.objects.create(
        asset=asset,
        kind=kind,
        reason=reason,
        moved_by=actor,
        moved_at=timezone.now(),
        from_department_id=before.get("department_id"),
        to_department_id=asset.department_id,
        from_custodian_id=before.get("custodian_id"),
        to_custodian_id=asset.custodian_id,
        from_location=before.get("location", ""),
        to_location=asset.location,
    )


def custody(asset: Asset) -> dict[str, Any]:
    return {
        "department_id": asset.department_id,
        "custodian_id": asset.custodian_id,
        "location": asset.location,
    }


@transaction.atomic
def asset_create(
    *,
    actor: User,
    fields: AssetFields,
    department: Department | None = None,
    custodian: User | None = None,
    location: str = "",
) -> Asset:
    """The office enters a piece of equipment in its unit's register."""
    require_office(actor, actor.unit_id)
    data = fields.cleaned()
    check_department(actor.unit_id, department)
    check_custodian(actor.unit_id, custodian)
    _unique_number(actor.unit_id, data["asset_number"])
    assigned = department is not None or custodian is not None
    asset = Asset(
        unit_id=actor.unit_id,
        created_by=actor,
        department=department,
        custodian=custodian,
        location=text(location, "存放地点", max_length=120, required=False),
        status=S.IN_USE if assigned else S.IN_STOCK,
        **data,
    )
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError as exc:  # a second click or a parallel import took the number
        number = data["asset_number"]
        raise Conflict(f"资产编号 {number} 已在本单位设备台账中登记，不能重复") from exc
    record_move(asset, kind=AssetMove.Kind.REGISTER, actor=actor, reason="登记入账", before={})
    audit_record(
        actor=actor,
        action="asset.created",
        target=asset,
        unit=actor.unit,
        details=audit_details(asset, value=str(asset.purchase_value)),
    )
    return asset


@transaction.atomic
def asset_update(*, actor: User, asset: Asset, fields: AssetFields) -> Asset:
    """The office corrects an asset's descriptive facts (custody changes go through assign)."""
    locked = lock_asset(actor, asset.pk)
    require_office(actor, locked.unit_id)
    data = fields.cleaned()
    _unique_number(locked.unit_id, data["asset_number"], exclude_pk=locked.pk)
    changed = {k: v for k, v in data.items() if getattr(locked, k) != v}
    for key, value in changed.items():
        setattr(locked, key, value)
    if changed:
        locked.save()
        audit_record(
            actor=actor,
            action="asset.updated",
            target=locked,
            unit=actor.unit,
            details=audit_details(locked, changed=sorted(changed)),
        )
    return locked


def _refuse_away(asset: Asset, doing: str) -> None:
    refuse_retired(asset, doing)
    if asset.status in (S.UNDER_REPAIR, S.ON_LOAN):
        raise Conflict(
            f"设备 {asset.asset_number} {asset.get_status_display()}，修好或归还后才能{doing}"
        )


def move_kind(asset: Asset, before: dict[str, Any], was: str) -> str:
    if was in (S.IN_STOCK, S.MISSING):
        return AssetMove.Kind.ASSIGN
    if before["department_id"] != asset.department_id:
        return AssetMove.Kind.REALLOCATE
    return AssetMove.Kind.CUSTODIAN


@transaction.atomic
def asset_assign(
    *,
    actor: User,
    asset: Asset,
    department: Department | None,
    custodian: User | None,
    location: str = "",
    reason: str = "",
) -> AssetMove:
    """The office hands equipment to a department or person, or moves it between departments
    (S3 第五条: 部门之间在设备使用上要相互支援); each move leaves a history row."""
    locked = lock_asset(actor, asset.pk)
    require_office(actor, locked.unit_id)
    _refuse_away(locked, "调配")
    if department is None and custodian is None:
        raise DomainError("请选择使用部门或保管人")
    check_department(locked.unit_id, department)
    check_custodian(locked.unit_id, custodian)
    location = text(location, "存放地点", max_length=120, required=False)
    before, was = custody(locked), locked.status
    if was == S.IN_USE and before == {
        "department_id": getattr(department, "pk", None),
        "custodian_id": getattr(custodian, "pk", None),
        "location": location,
    }:
        raise Conflict("调配前后的使用部门、保管人和存放地点相同，无需调配")
    locked.department, locked.custodian, locked.location = department, custodian, location
    locked.move_to(S.IN_USE)
    locked.save()
    move = record_move(
        locked,
        kind=move_kind(locked, before, was),
        actor=actor,
        reason=text(reason, "调配事由", max_length=300, required=False),
        before=before,
    )
    audit_record(
        actor=actor,
        action=f"asset.{move.kind}",
        target=locked,
        unit=actor.unit,
        details=audit_details(locked, before=before, after=custody(locked), reason=move.reason),
    )
    return move


@transaction.atomic
def asset_return_to_stock(
    *, actor: User, asset: Asset, location: str = "", reason: str = ""
) -> AssetMove:
    """The office takes equipment back from its department into stock."""
    locked = lock_asset(actor, asset.pk)
    require_office(actor, locked.unit_id)
    _refuse_away(locked, "收回入库")
    if locked.status == S.IN_STOCK:
        raise Conflict(f"设备 {locked.asset_number} 已在库")
    before = custody(locked)
    locked.department, locked.custodian = None, None
    locked.location = text(location, "存放地点", max_length=120, required=False) or locked.location
    locked.move_to(S.IN_STOCK)
    locked.save()
    move = record_move(
        locked,
        kind=AssetMove.Kind.STOCK,
        actor=actor,
        before=before,
        reason=text(reason, "事由", max_length=300, required=False),
    )
    audit_record(
        actor=actor,
        action="asset.stocked",
        target=locked,
        unit=actor.unit,
        details=audit_details(locked, before=before, reason=move.reason),
    )
    return move


def _cancel_open_requests(asset: Asset, note: str) -> int:
    now = timezone.now()
    count = 0
    for model, open_states in (
        (RepairRequest, OPEN_REPAIR),
        (InternetRequest, OPEN_INTERNET),
        (LoanRequest, OPEN_LOAN),
    ):
        count += (
            model.objects.filter(asset=asset, status__in=open_states)
            .exclude(status=RequestStatus.LENT)
            .update(status=RequestStatus.CANCELLED, decision_note=note, decided_at=now)
        )
    return count


@transaction.atomic
def asset_retire(*, actor: User, asset: Asset, reason: str) -> Asset:
    """The office retires (报废) equipment; open requests on it are void, the internet
    approval ends, and nothing more can happen to it."""
    locked = lock_asset(actor, asset.pk)
    require_office(actor, locked.unit_id)
    refuse_retired(locked, "再次报废")
    if locked.status == S.ON_LOAN:
        raise Conflict(f"设备 {locked.asset_number} 外借中，归还后才能报废")
    reason = text(reason, "报废原因", max_length=300)
    locked.move_to(S.RETIRED)
    locked.retired_at, locked.retire_reason = timezone.now(), reason
    locked.internet_approved = False
    locked.save()
    InternetRequest.objects.filter(asset=locked, status=RequestStatus.APPROVED).update(
        status=RequestStatus.REVOKED,
        revoked_by=actor,
        revoked_at=locked.retired_at,
        revoke_reason="设备报废",
    )
    cancelled = _cancel_open_requests(locked, "设备已报废，申请作废")
    audit_record(
        actor=actor,
        action="asset.retired",
        target=locked,
        unit=actor.unit,
        details=audit_details(locked, reason=reason, cancelled_requests=cancelled),
    )
    return locked


# --- equipment managers ----------------------------------------------------------------


def _require_unit_admin(actor: User) -> None:
    if not (actor.is_active and actor.has_role(Role.UNIT_ADMIN)):
        raise Forbidden("只有单位系统管理员可以指定设备管理员")


@transaction.atomic
def asset_manager_appoint(*, actor: User, person: User) -> AssetManager:
    """The unit's system administrator names a person who acts as the office for equipment."""
    _require_unit_admin(actor)
    if person.unit_id != actor.unit_id:
        raise NotFound("找不到该人员，或其不属于本单位。")
    if not person.is_active:
        raise DomainError("只能指定在职人员为设备管理员")
    manager, created = AssetManager.objects.get_or_create(
        unit_id=actor.unit_id, person=person, defaults={"appointed_by": actor}
    )
    if not created:
        raise Conflict(f"{person.display_name}已是设备管理员")
    audit_record(actor=actor, action="asset.manager_appointed", target=person, unit=actor.unit)
    forget_grants(person)
    return manager


@transaction.atomic
def asset_manager_remove(*, actor: User, manager: AssetManager) -> None:
    _require_unit_admin(actor)
    found = (
        AssetManager.objects.select_for_update()
        .filter(pk=manager.pk, unit_id=actor.unit_id)
        .select_related("person")
        .first()
    )
    if found is None:
        raise NotFound("找不到该设备管理员，或已被取消。")
    person = found.person
    found.delete()
    audit_record(actor=actor, action="asset.manager_removed", target=person, unit=actor.unit)
    if AssetManager.person.is_cached(manager):  # the caller's copy of the person
        forget_grants(manager.person)
