"""Reads of the equipment app, always scoped to the viewer's unit: another unit's equipment
and requests are a 404. The one exception is a loan, which its borrower unit may read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from wenshu.accounts.models import User
from wenshu.assets.models import (
    Asset,
    AssetManager,
    AssetMove,
    InternetRequest,
    LoanRequest,
    RepairRequest,
    RequestStatus,
    StockTake,
    StockTakeEntry,
)
from wenshu.assets.services._common import is_office
from wenshu.lib.errors import NotFound
from wenshu.org.models import Department, Unit

_ASSET_RELATED = ("unit", "department", "custodian")


def _member(viewer: User) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def viewer_is_office(viewer: User) -> bool:
    return _member(viewer) and is_office(viewer, viewer.unit_id)


def assets_of_unit(*, viewer: User) -> QuerySet[Asset]:
    if not _member(viewer):
        return Asset.objects.none()
    return Asset.objects.filter(unit_id=viewer.unit_id).select_related(*_ASSET_RELATED)


def asset_list(
    *,
    viewer: User,
    category: str = "",
    status: str = "",
    department_id: int | None = None,
    q: str = "",
) -> QuerySet[Asset]:
    assets = assets_of_unit(viewer=viewer)
    if category:
        assets = assets.filter(category=category)
    if status:
        assets = assets.filter(status=status)
    if department_id:
        assets = assets.filter(department_id=department_id)
    q = q.strip()
    if q:
        assets = assets.filter(
            Q(asset_number__icontains=q)
            | Q(model__icontains=q)
            | Q(serial_number__icontains=q)
            | Q(location__icontains=q)
            | Q(custodian__real_name__icontains=q)
        )
    return assets.order_by("asset_number")


def asset_get(*, viewer: User, pk: int) -> Asset:
    asset = assets_of_unit(viewer=viewer).filter(pk=pk).first()
    if asset is None:
        raise NotFound("找不到该设备，或您无权查看。")
    return asset


def asset_moves(*, viewer: User, asset: Asset) -> QuerySet[AssetMove]:
    asset_get(viewer=viewer, pk=asset.pk)
    return (
        AssetMove.objects.filter(asset=asset)
        .select_related(
            "from_department", "to_department", "from_custodian", "to_custodian", "moved_by"
        )
        .order_by("-moved_at", "-id")
    )


def _requests(model: Any, viewer: User) -> QuerySet[Any]:
    if not _member(viewer):
        return model.objects.none()
    related = ["asset", "requested_by", "decided_by"]
    if model is LoanRequest:
        related.append("borrower_unit")
    return model.objects.filter(asset__unit_id=viewer.unit_id).select_related(*related)


def asset_requests(*, viewer: User, asset: Asset) -> dict[str, QuerySet[Any]]:
    asset_get(viewer=viewer, pk=asset.pk)
    return {
        "repairs": _requests(RepairRequest, viewer).filter(asset=asset),
        "loans": _requests(LoanRequest, viewer).filter(asset=asset),
        "internet": _requests(InternetRequest, viewer).filter(asset=asset),
    }


def repair_get(*, viewer: User, pk: int) -> RepairRequest:
    found = _requests(RepairRequest, viewer).select_related("completed_by").filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该报修单，或您无权查看。")
    return found


def loan_get(*, viewer: User, pk: int) -> LoanRequest:
    """A loan: its own unit's people, and the borrower unit's people (read only)."""
    found = (
        (
            LoanRequest.objects.select_related(
                "asset__unit",
                "borrower_unit",
                "requested_by",
                "decided_by",
                "lent_by",
                "returned_by",
            )
            .filter(Q(asset__unit_id=viewer.unit_id) | Q(borrower_unit_id=viewer.unit_id), pk=pk)
            .first()
        )
        if _member(viewer)
        else None
    )
    if found is None:
        raise NotFound("找不到该外借申请，或您无权查看。")
    return found


def internet_get(*, viewer: User, pk: int) -> InternetRequest:
    found = _requests(InternetRequest, viewer).select_related("revoked_by").filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该联网申请，或您无权查看。")
    return found


def requests_list(*, viewer: User, which: str) -> dict[str, QuerySet[Any]]:
    """The three kinds of request: `pending` (the office's queue), `mine`, or `all` (office).
    Someone who is not the office asking for `pending` or `all` sees their own."""
    office = viewer_is_office(viewer)
    lists = {
        "repairs": _requests(RepairRequest, viewer),
        "loans": _requests(LoanRequest, viewer),
        "internet": _requests(InternetRequest, viewer),
    }
    for key, rows in lists.items():
        if which == "pending" and office:
            rows = rows.filter(status=RequestStatus.PENDING)
        elif which != "all" or not office:
            rows = rows.filter(requested_by=viewer)
        lists[key] = rows.order_by("-requested_at", "-id")
    return lists


def pending_count(*, viewer: User) -> int:
    """The office's workbench counter: repair, loan and internet requests awaiting it."""
    if not viewer_is_office(viewer):
        return 0
    return sum(
        _requests(model, viewer).filter(status=RequestStatus.PENDING).count()
        for model in (RepairRequest, LoanRequest, InternetRequest)
    )


def loans_borrowed(*, viewer: User) -> QuerySet[LoanRequest]:
    """Equipment other units lent (or agreed to lend) to the viewer's unit."""
    if not _member(viewer):
        return LoanRequest.objects.none()
    return (
        LoanRequest.objects.filter(
            borrower_unit_id=viewer.unit_id,
            status__in=(RequestStatus.APPROVED, RequestStatus.LENT, RequestStatus.RETURNED),
        )
        .select_related("asset__unit", "borrower_unit")
        .order_by("-requested_at", "-id")
    )


# --- stock-takes ------------------------------------------------------------------------


def stocktakes(*, viewer: User) -> QuerySet[StockTake]:
    if not _member(viewer):
        return StockTake.objects.none()
    return StockTake.objects.filter(unit_id=viewer.unit_id).select_related("opened_by", "closed_by")


def stocktake_get(*, viewer: User, pk: int) -> StockTake:
    found = stocktakes(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该盘点，或您无权查看。")
    return found


def stocktake_entries(*, viewer: User, stocktake: StockTake) -> QuerySet[StockTakeEntry]:
    stocktake_get(viewer=viewer, pk=stocktake.pk)
    return stocktake.entries.select_related("asset", "recorded_by").order_by("-recorded_at", "-id")


def stocktake_report(*, viewer: User, stocktake: StockTake) -> dict[str, Any]:
    """The frozen result of a closed stock-take, with the assets themselves."""
    stocktake_get(viewer=viewer, pk=stocktake.pk)
    result = stocktake.result or {}
    ids = (
        set(result.get("found", []))
        | set(result.get("missing", []))
        | set(result.get("elsewhere", []))
    )
    assets = {a.pk: a for a in assets_of_unit(viewer=viewer).filter(pk__in=ids)}
    pick = lambda key: [assets[i] for i in result.get(key, []) if i in assets]  # noqa: E731
    return {
        "found": pick("found"),
        "missing": pick("missing"),
        "elsewhere": pick("elsewhere"),
        "unregistered": result.get("unregistered", []),
        "counts": result.get("counts", {}),
    }


# --- choices for forms --------------------------------------------------------------------


def departments_for(*, viewer: User) -> QuerySet[Department]:
    return Department.objects.filter(unit_id=viewer.unit_id, is_active=True).order_by("order", "id")


def people_for(*, viewer: User) -> QuerySet[User]:
    return User.objects.filter(unit_id=viewer.unit_id, status=User.Status.ACTIVE).order_by("id")


def borrower_units(*, viewer: User) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(status=Unit.Status.REGISTERED)
        .exclude(pk=viewer.unit_id)
        .order_by("full_name")
    )


def managers(*, viewer: User) -> QuerySet[AssetManager]:
    if not _member(viewer):
        return AssetManager.objects.none()
    return AssetManager.objects.filter(unit_id=viewer.unit_id).select_related(
        "person", "appointed_by"
    )


def manager_get(*, viewer: User, pk: int) -> AssetManager:
    found = managers(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该设备管理员，或已被取消。")
    return found
