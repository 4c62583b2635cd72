"""Repairs only through the office (S3 第四条): a department reports the fault and its cause,
the office decides and organises the repair, then records what was done and what it cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.assets.models import REPAIR_TRANSITIONS, Asset, RepairRequest, RequestStatus
from wenshu.assets.services._common import (
    RULE_REPAIR,
    audit_details,
    lock_asset,
    money,
    not_future,
    notify,
    office_people,
    refuse_retired,
    repair_link,
    require_member,
    require_office,
    text,
)
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

S = Asset.Status
R = RequestStatus
WHAT = "该报修单"


def _back_in_service(asset: Asset) -> None:
    asset.move_to(S.IN_USE if asset.department_id or asset.custodian_id else S.IN_STOCK)


def _open_repair_exists(asset: Asset) -> bool:
    return RepairRequest.objects.filter(asset=asset, status__in=(R.PENDING, R.APPROVED)).exists()


@transaction.atomic
def repair_request(*, actor: User, asset: Asset, fault: str, cause: str = "") -> RepairRequest:
    """Anyone of the unit reports a fault to the office: what is wrong and why (S3 第四条:
    要向办公室说明设备损坏的程度和原因)."""
    locked = lock_asset(actor, asset.pk)
    refuse_retired(locked, "报修")
    if locked.status not in (S.IN_USE, S.IN_STOCK):
        raise Conflict(f"设备 {locked.asset_number} {locked.get_status_display()}，不能报修")
    if _open_repair_exists(locked):
        raise Conflict(f"设备 {locked.asset_number} 已有待处理的报修单，请勿重复报修")
    repair = RepairRequest(
        asset=locked,
        requested_by=actor,
        fault=text(fault, "故障现象", max_length=500),
        cause=text(cause, "损坏程度和原因", max_length=500, required=False),
    )
    try:
        with transaction.atomic():
            repair.save()
    except IntegrityError as exc:
        raise Conflict(f"设备 {locked.asset_number} 已有待处理的报修单，请勿重复报修") from exc
    audit_record(
        actor=actor,
        action="asset.repair_requested",
        target=repair,
        unit=actor.unit,
        details=audit_details(locked, fault=repair.fault),
    )
    notify(
        [p for p in office_people(locked.unit_id) if p.pk != actor.pk],
        title="有设备报修待办公室处理",
        body=f"{locked}：{repair.fault}",
        link=repair_link(repair.pk),
    )
    return repair


def _lock_repair(actor: User, pk: int) -> tuple[RepairRequest, Asset]:
    """Lock the asset, then the repair (the order every equipment service uses)."""
    found = RepairRequest.objects.filter(pk=pk).values_list("asset_id", flat=True).first()
    if found is None:
        raise NotFound("找不到该报修单，或您无权查看。")
    asset = lock_asset(actor, found)
    repair = RepairRequest.objects.select_for_update().get(pk=pk)
    repair.asset = asset
    return repair, asset


@transaction.atomic
def repair_decide(
    *, actor: User, repair: RepairRequest, approve: bool, note: str = ""
) -> RepairRequest:
    """The office agrees and arranges the repair (the asset is under repair), or refuses
    with a reason."""
    locked, asset = _lock_repair(actor, repair.pk)
    require_office(actor, asset.unit_id, rule=RULE_REPAIR)
    note = text(note, "办公室意见", max_length=500, required=not approve)
    locked.move_to(R.APPROVED if approve else R.REJECTED, REPAIR_TRANSITIONS, WHAT)
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
    locked.save()
    if approve:
        asset.move_to(S.UNDER_REPAIR)
        asset.save()
    audit_record(
        actor=actor,
        action=f"asset.repair_{locked.status}",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset, note=note),
    )
    verdict = "已同意，办公室将组织维修" if approve else f"未同意：{note}"
    notify(
        [locked.requested_by],
        title="设备报修已同意" if approve else "设备报修未同意",
        body=f"{asset}：{verdict}",
        link=repair_link(locked.pk),
    )
    return locked


def _repair_record(
    vendor: str, work_done: str, cost: Decimal | str | int | float, repaired_on: date
) -> dict[str, object]:
    return {
        "vendor": text(vendor, "维修单位", max_length=120),
        "work_done": text(work_done, "维修内容", max_length=500),
        "cost": money(cost, "维修费用"),
        "repaired_on": not_future(repaired_on, "维修日期", timezone.localdate()),
    }


@transaction.atomic
def repair_complete(
    *,
    actor: User,
    repair: RepairRequest,
    vendor: str,
    work_done: str,
    cost: Decimal | str | int | float,
    repaired_on: date,
) -> RepairRequest:
    """The office records the repair it organised; the asset goes back into service."""
    locked, asset = _lock_repair(actor, repair.pk)
    require_office(actor, asset.unit_id, rule=RULE_REPAIR)
    locked.move_to(R.COMPLETED, REPAIR_TRANSITIONS, WHAT)
    record = _repair_record(vendor, work_done, cost, repaired_on)
    if repaired_on < timezone.localdate(locked.requested_at):
        raise DomainError("维修日期不能早于报修日期")
    for key, value in record.items():
        setattr(locked, key, value)
    locked.completed_by, locked.completed_at = actor, timezone.now()
    locked.save()
    _back_in_service(asset)
    asset.save()
    audit_record(
        actor=actor,
        action="asset.repair_completed",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset, vendor=locked.vendor, cost=str(locked.cost)),
    )
    notify(
        [locked.requested_by],
        title="设备已修复",
        body=f"{asset}：{locked.work_done}",
        link=repair_link(locked.pk),
    )
    return locked


@transaction.atomic
def repair_record_direct(
    *,
    actor: User,
    asset: Asset,
    fault: str,
    vendor: str,
    work_done: str,
    cost: Decimal | str | int | float,
    repaired_on: date,
) -> RepairRequest:
    """A repair record without a prior request. Only the office may enter one (it organised
    the repair itself); a department doing so is the unauthorised repair S3 第四条 forbids."""
    locked = lock_asset(actor, asset.pk)
    require_member(actor, locked.unit_id)
    require_office(actor, locked.unit_id, rule=RULE_REPAIR)
    refuse_retired(locked, "维修")
    if locked.status == S.UNDER_REPAIR or _open_repair_exists(locked):
        raise Conflict("该设备已有进行中的报修单，请在该报修单上登记维修结果")
    if locked.status not in (S.IN_USE, S.IN_STOCK):
        raise Conflict(f"设备 {locked.asset_number} {locked.get_status_display()}，不能登记维修")
    now = timezone.now()
    repair = RepairRequest.objects.create(
        asset=locked,
        requested_by=actor,
        fault=text(fault, "故障现象", max_length=500),
        direct=True,
        status=R.COMPLETED,
        decided_by=actor,
        decided_at=now,
        decision_note="办公室直接组织维修",
        completed_by=actor,
        completed_at=now,
        **_repair_record(vendor, work_done, cost, repaired_on),
    )
    audit_record(
        actor=actor,
        action="asset.repair_recorded",
        target=repair,
        unit=actor.unit,
        details=audit_details(locked, vendor=repair.vendor, cost=str(repair.cost)),
    )
    return repair


@transaction.atomic
def repair_withdraw(*, actor: User, repair: RepairRequest) -> RepairRequest:
    """The person who reported it withdraws a request the office has not decided yet."""
    locked, asset = _lock_repair(actor, repair.pk)
    if locked.requested_by_id != actor.pk:
        raise Forbidden("只有报修人可以撤回报修单")
    locked.move_to(R.WITHDRAWN, REPAIR_TRANSITIONS, WHAT)
    locked.save()
    audit_record(
        actor=actor,
        action="asset.repair_withdrawn",
        target=locked,
        unit=actor.unit,
        details=audit_details(asset),
    )
    return locked
