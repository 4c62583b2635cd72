"""Stock-takes (盘点): the office opens one for its unit, people record what they find by asset
number (typed or scanned), and closing it compares that with the register."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.assets.models import (
    STOCKTAKE_TRANSITIONS,
    Asset,
    StockTake,
    StockTakeEntry,
)
from wenshu.assets.services._common import require_member, require_office, text
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, NotFound
from wenshu.org.models import check_transition

S = Asset.Status
EXPECTED = (S.IN_USE, S.IN_STOCK)  # should be found on the premises
ELSEWHERE = (S.ON_LOAN, S.UNDER_REPAIR)  # away for a known reason: not missing


@transaction.atomic
def stocktake_open(*, actor: User, title: str = "") -> StockTake:
    """The office starts a stock-take of its unit; only one can be open at a time."""
    require_office(actor, actor.unit_id)
    title = (
        text(title, "盘点名称", max_length=120, required=False)
        or f"{timezone.localdate():%Y年%m月%d日}设备盘点"
    )
    if StockTake.objects.filter(unit_id=actor.unit_id, status=StockTake.Status.OPEN).exists():
        raise Conflict("本单位已有进行中的盘点，请先结束该盘点")
    try:
        with transaction.atomic():
            stocktake = StockTake.objects.create(
                unit_id=actor.unit_id, title=title, opened_by=actor
            )
    except IntegrityError as exc:
        raise Conflict("本单位已有进行中的盘点，请先结束该盘点") from exc
    audit_record(actor=actor, action="asset.stocktake_opened", target=stocktake, unit=actor.unit)
    return stocktake


def _lock_stocktake(actor: User, pk: int) -> StockTake:
    found = StockTake.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该盘点，或您无权查看。")
    require_member(actor, found.unit_id)
    return found


def normalise_code(code: str) -> str:
    # A barcode scanner types the number and often a trailing newline or spaces.
    value = "".join((code or "").split())
    if not value:
        raise DomainError("请输入或扫描资产编号")
    if len(value) > 60:
        raise DomainError("资产编号不能超过 60 个字符")
    return value


@transaction.atomic
def stocktake_record(
    *,
    actor: User,
    stocktake: StockTake,
    code: str,
    location: str = "",
    condition: str = StockTakeEntry.Condition.GOOD,
    note: str = "",
) -> tuple[StockTakeEntry, bool]:
    """Anyone of the unit records an asset found during an open stock-take. Recording the
    same number again updates its line (a second scan never counts twice)."""
    locked = _lock_stocktake(actor, stocktake.pk)
    if locked.status != StockTake.Status.OPEN:
        raise Conflict("该盘点已结束，不能再登记")
    if condition not in StockTakeEntry.Condition.values:
        raise DomainError("状况不正确，请从列表中选择")
    value = normalise_code(code)
    asset = Asset.objects.filter(unit_id=locked.unit_id, asset_number=value).first()
    entry, created = StockTakeEntry.objects.update_or_create(
        stocktake=locked,
        code=value,
        defaults={
            "asset": asset,
            "condition": condition,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
            "location": text(location, "实际存放地点", max_length=120, required=False),
            "note": text(note, "说明", max_length=300, required=False),
        },
    )
    return entry, created


def _differences(stocktake: StockTake) -> dict[str, Any]:
    entries = list(stocktake.entries.select_related("asset"))
    found = {e.asset_id for e in entries if e.asset and e.asset.status != S.RETIRED}
    unregistered = sorted(e.code for e in entries if not e.asset or e.asset.status == S.RETIRED)
    register = Asset.objects.filter(unit_id=stocktake.unit_id).exclude(status=S.RETIRED)
    expected = set(register.filter(status__in=EXPECTED).values_list("pk", flat=True))
    away = set(register.filter(status__in=ELSEWHERE).values_list("pk", flat=True))
    missing = expected - found
    return {
        "found": sorted(found),
        "missing": sorted(missing),
        "elsewhere": sorted(away - found),
        "unregistered": unregistered,
        "counts": {
            "register": register.count(),
            "found": len(found),
            "missing": len(missing),
            "elsewhere": len(away - found),
            "unregistered": len(unregistered),
        },
    }


@transaction.atomic
def stocktake_close(*, actor: User, stocktake: StockTake) -> StockTake:
    """The office ends the stock-take; what was found, missing and unregistered is frozen."""
    locked = _lock_stocktake(actor, stocktake.pk)
    require_office(actor, locked.unit_id)
    check_transition(
        STOCKTAKE_TRANSITIONS,
        dict(StockTake.Status.choices),
        locked.status,
        StockTake.Status.CLOSED,
        "该盘点",
    )
    locked.status = StockTake.Status.CLOSED
    locked.closed_by, locked.closed_at = actor, timezone.now()
    locked.result = _differences(locked)
    locked.save()
    audit_record(
        actor=actor,
        action="asset.stocktake_closed",
        target=locked,
        unit=actor.unit,
        details=locked.result["counts"],
    )
    return locked


@transaction.atomic
def stocktake_mark_missing(*, actor: User, stocktake: StockTake, asset_ids: Iterable[int]) -> int:
    """The office marks assets the closed stock-take did not find as missing (盘亏)."""
    locked = _lock_stocktake(actor, stocktake.pk)
    require_office(actor, locked.unit_id)
    if locked.status != StockTake.Status.CLOSED:
        raise Conflict("请先结束盘点，再根据盘点结果标记盘亏")
    wanted = set(asset_ids)
    if not wanted:
        raise DomainError("请选择要标记为盘亏的设备")
    if not wanted <= set(locked.result.get("missing", [])):
        raise DomainError("只能标记本次盘点未找到的设备")
    marked = 0
    assets = Asset.objects.select_for_update().filter(unit_id=locked.unit_id, pk__in=wanted)
    for asset in assets.order_by("pk"):
        if asset.status == S.MISSING:
            continue  # already marked: a second click changes nothing
        asset.move_to(S.MISSING)
        asset.save()
        marked += 1
        audit_record(
            actor=actor,
            action="asset.marked_missing",
            target=asset,
            unit=actor.unit,
            details={"asset_number": asset.asset_number, "stocktake": locked.pk},
        )
    return marked
