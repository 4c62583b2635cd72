"""What every equipment service shares: who the office is, locks, notices, small checks.

"The office" (办公室, S3 第一条) of a unit is its system administrators (Role.UNIT_ADMIN)
plus the equipment managers (AssetManager) they appoint. Everyone else in the unit is
department staff: they may look at the register and file requests, the office decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from wenshu.accounts.grants import has_grant, register_grant
from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.assets.models import Asset, AssetManager
from wenshu.lib.errors import DomainError, Forbidden, NotFound

KIND = "assets"  # notification kind of every equipment notice
RULE_REPAIR = "各部门不得擅自维修，须由办公室组织维修（设备管理办法第四条）"
RULE_LOAN = "不经办公室同意，设备不准外借（设备管理办法第五条）"
RULE_OFFICE = "办公自动化设备由办公室统一管理和调度使用（设备管理办法第一条）"
RULE_ANTIVIRUS = "经批准接入互联网的电脑必须安装正版杀毒软件（办公自动化管理办法第九条）"


ASSET_MANAGER = "assets.manager"  # an equipment manager of the person's own unit
register_grant(
    ASSET_MANAGER,
    lambda: Exists(
        AssetManager.objects.filter(person_id=OuterRef("pk"), unit_id=OuterRef("unit_id"))
    ),
)


def is_office(person: User, unit_id: int | None = None) -> bool:
    """True when `person` acts as the office of `unit_id` (their own unit by default)."""
    if unit_id is not None and person.unit_id != unit_id:
        return False
    if not person.is_active:
        return False
    return person.has_role(Role.UNIT_ADMIN) or has_grant(person, ASSET_MANAGER)


def require_member(actor: User, unit_id: int) -> None:
    """Another unit's equipment is a 404 for this actor (never a 403)."""
    if actor.unit_id != unit_id or not actor.is_active:
        raise NotFound("找不到该设备，或您无权查看。")


def require_office(actor: User, unit_id: int, *, rule: str = RULE_OFFICE) -> None:
    require_member(actor, unit_id)
    if not is_office(actor, unit_id):
        raise Forbidden(f"只有办公室（单位系统管理员或设备管理员）可以办理：{rule}")


def office_people(unit_id: int) -> list[User]:
    """Everyone who acts as the office of the unit (to notify them)."""
    office = Q(role_grants__role=Role.UNIT_ADMIN) | Q(asset_manager_of__unit_id=unit_id)
    people = User.objects.filter(office, unit_id=unit_id, status=User.Status.ACTIVE)
    return list(people.distinct().order_by("id"))


def lock_asset(actor: User, pk: int) -> Asset:
    """The asset row, locked, after the unit check (404 for another unit's person)."""
    asset = (
        Asset.objects.select_for_update(of=("self",))
        .select_related("unit", "department", "custodian")
        .filter(pk=pk)
        .first()
    )
    if asset is None:
        raise NotFound("找不到该设备，或您无权查看。")
    require_member(actor, asset.unit_id)
    return asset


def refuse_retired(asset: Asset, doing: str) -> None:
    if asset.status == Asset.Status.RETIRED:
        raise DomainError(f"设备 {asset.asset_number} 已报废，不能{doing}")


def text(value: str | None, what: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{what}")
    if len(value) > max_length:
        raise DomainError(f"{what}不能超过 {max_length} 个字")
    return value


def money(value: Any, what: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(f"{what}必须是数字（单位：元）") from exc
    if not amount.is_finite():
        raise DomainError(f"{what}必须是数字（单位：元）")
    if amount < 0:
        raise DomainError(f"{what}不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{what}最多保留两位小数")
    if amount >= Decimal("1000000000000"):
        raise DomainError(f"{what}过大")
    return amount.quantize(Decimal("0.01"))


def not_future(day: date, what: str, today: date) -> date:
    if day > today:
        raise DomainError(f"{what}不能晚于今天")
    return day


def notify(
    recipients: Iterable[User],
    *,
    title: str,
    body: str,
    link: str = "",
    dedupe_key: str | None = None,
) -> None:
    from wenshu.notify.services import notify_send

    notify_send(
        recipients=list(recipients),
        title=title,
        body=body,
        link=link,
        kind=KIND,
        dedupe_key=dedupe_key,
    )


def asset_link(pk: int) -> str:
    return reverse("assets:detail", args=[pk])


def repair_link(pk: int) -> str:
    return reverse("assets:repair", args=[pk])


def loan_link(pk: int) -> str:
    return reverse("assets:loan", args=[pk])


def internet_link(pk: int) -> str:
    return reverse("assets:internet", args=[pk])


def audit_details(asset: Asset, **extra: Any) -> dict[str, Any]:
    return {"asset_number": asset.asset_number, "status": asset.status, **extra}
