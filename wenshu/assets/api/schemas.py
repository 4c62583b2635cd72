"""Request and response shapes of /api/v1/assets/."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from wenshu.assets.models import (
    Asset,
    AssetManager,
    AssetMove,
    Category,
    InternetRequest,
    LoanRequest,
    RepairRequest,
    StockTake,
    StockTakeEntry,
)


def _name(person: Any) -> str:
    return person.display_name if person is not None else ""


class AssetIn(Schema):
    asset_number: str = Field(..., max_length=60)
    category: Category
    model: str = Field(..., max_length=120)
    serial_number: str = Field("", max_length=120)
    purchase_date: date
    purchase_value: Decimal = Field(..., max_digits=14, decimal_places=2)
    is_oa_equipment: bool = True
    note: str = Field("", max_length=300)


class AssetCreateIn(AssetIn):
    department_id: int | None = None
    custodian_id: int | None = None
    location: str = Field("", max_length=120)


class AssetOut(Schema):
    id: int
    asset_number: str
    category: str
    category_label: str
    model: str
    serial_number: str
    purchase_date: date
    purchase_value: str
    department_id: int | None
    department_name: str
    custodian_id: int | None
    custodian_name: str
    location: str
    status: str
    status_label: str
    is_oa_equipment: bool
    internet_approved: bool
    internet_approved_at: datetime | None
    antivirus_product: str
    antivirus_version: str
    note: str
    retired_at: datetime | None
    retire_reason: str


def asset_out(a: Asset) -> AssetOut:
    return AssetOut(
        id=a.pk,
        asset_number=a.asset_number,
        category=a.category,
        category_label=a.get_category_display(),
        model=a.model,
        serial_number=a.serial_number,
        purchase_date=a.purchase_date,
        purchase_value=str(a.purchase_value),
        department_id=a.department_id,
        department_name=a.department.name if a.department else "",
        custodian_id=a.custodian_id,
        custodian_name=_name(a.custodian),
        location=a.location,
        status=a.status,
        status_label=a.get_status_display(),
        is_oa_equipment=a.is_oa_equipment,
        internet_approved=a.internet_approved,
        internet_approved_at=a.internet_approved_at,
        antivirus_product=a.antivirus_product,
        antivirus_version=a.antivirus_version,
        note=a.note,
        retired_at=a.retired_at,
        retire_reason=a.retire_reason,
    )


class AssetQuery(Schema):
    category: str = ""
    status: str = ""
    department_id: int | None = None
    q: str = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class AssetPage(Schema):
    count: int
    items: list[AssetOut]


class AssignIn(Schema):
    department_id: int | None = None
    custodian_id: int | None = None
    location: str = Field("", max_length=120)
    reason: str = Field("", max_length=300)


class StockIn(Schema):
    location: str = Field("", max_length=120)
    reason: str = Field("", max_length=300)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class MoveOut(Schema):
    id: int
    kind: str
    kind_label: str
    from_department: str
    to_department: str
    from_custodian: str
    to_custodian: str
    from_location: str
    to_location: str
    reason: str
    moved_by: str
    moved_at: datetime


def move_out(m: AssetMove) -> MoveOut:
    return MoveOut(
        id=m.pk,
        kind=m.kind,
        kind_label=m.get_kind_display(),
        from_department=m.from_department.name if m.from_department else "",
        to_department=m.to_department.name if m.to_department else "",
        from_custodian=_name(m.from_custodian),
        to_custodian=_name(m.to_custodian),
        from_location=m.from_location,
        to_location=m.to_location,
        reason=m.reason,
        moved_by=_name(m.moved_by),
        moved_at=m.moved_at,
    )


class RequestOut(Schema):
    id: int
    asset_id: int
    asset_number: str
    status: str
    status_label: str
    requested_by: str
    requested_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_note: str


def _request_fields(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "asset_id": r.asset_id,
        "asset_number": r.asset.asset_number,
        "status": r.status,
        "status_label": r.get_status_display(),
        "requested_by": _name(r.requested_by),
        "requested_at": r.requested_at,
        "decided_by": _name(r.decided_by),
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
    }


class RepairIn(Schema):
    fault: str = Field(..., max_length=500)
    cause: str = Field("", max_length=500)


class RepairRecordIn(Schema):
    vendor: str = Field(..., max_length=120)
    work_done: str = Field(..., max_length=500)
    cost: Decimal = Field(..., max_digits=12, decimal_places=2)
    repaired_on: date


class DirectRepairIn(RepairRecordIn):
    fault: str = Field(..., max_length=500)


class RepairOut(RequestOut):
    fault: str
    cause: str
    direct: bool
    vendor: str
    work_done: str
    cost: str | None
    repaired_on: date | None


def repair_out(r: RepairRequest) -> RepairOut:
    return RepairOut(
        **_request_fields(r),
        fault=r.fault,
        cause=r.cause,
        direct=r.direct,
        vendor=r.vendor,
        work_done=r.work_done,
        cost=None if r.cost is None else str(r.cost),
        repaired_on=r.repaired_on,
    )


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class InternetDecisionIn(DecisionIn):
    antivirus_product: str = Field("", max_length=120)
    antivirus_version: str = Field("", max_length=60)


class LoanIn(Schema):
    borrower_unit_id: int
    borrower_contact: str = Field(..., max_length=120)
    purpose: str = Field(..., max_length=500)
    due_date: date


class ReturnIn(Schema):
    note: str = Field("", max_length=300)


class LoanOut(RequestOut):
    borrower_unit_id: int
    borrower_unit_name: str
    borrower_contact: str
    purpose: str
    due_date: date
    lent_at: datetime | None
    returned_at: datetime | None
    return_note: str


def loan_out(r: LoanRequest) -> LoanOut:
    return LoanOut(
        **_request_fields(r),
        borrower_unit_id=r.borrower_unit_id,
        borrower_unit_name=r.borrower_unit.full_name,
        borrower_contact=r.borrower_contact,
        purpose=r.purpose,
        due_date=r.due_date,
        lent_at=r.lent_at,
        returned_at=r.returned_at,
        return_note=r.return_note,
    )


class InternetIn(Schema):
    justification: str = Field(..., max_length=500)


class AntivirusIn(Schema):
    product: str = Field(..., max_length=120)
    version: str = Field(..., max_length=60)


class InternetOut(RequestOut):
    justification: str
    antivirus_product: str
    antivirus_version: str
    revoked_at: datetime | None
    revoke_reason: str


def internet_out(r: InternetRequest) -> InternetOut:
    return InternetOut(
        **_request_fields(r),
        justification=r.justification,
        antivirus_product=r.antivirus_product,
        antivirus_version=r.antivirus_version,
        revoked_at=r.revoked_at,
        revoke_reason=r.revoke_reason,
    )


class RequestLists(Schema):
    repairs: list[RepairOut]
    loans: list[LoanOut]
    internet: list[InternetOut]


class StockTakeIn(Schema):
    title: str = Field("", max_length=120)


class EntryIn(Schema):
    code: str = Field(..., max_length=200)
    location: str = Field("", max_length=120)
    condition: StockTakeEntry.Condition = StockTakeEntry.Condition.GOOD
    note: str = Field("", max_length=300)


class EntryOut(Schema):
    id: int
    code: str
    asset_id: int | None
    in_register: bool
    location: str
    condition: str
    note: str
    recorded_by: str
    recorded_at: datetime
    created: bool = False


def entry_out(e: StockTakeEntry, created: bool = False) -> EntryOut:
    return EntryOut(
        id=e.pk,
        code=e.code,
        asset_id=e.asset_id,
        in_register=e.asset_id is not None,
        location=e.location,
        condition=e.condition,
        note=e.note,
        recorded_by=_name(e.recorded_by),
        recorded_at=e.recorded_at,
        created=created,
    )


class StockTakeOut(Schema):
    id: int
    title: str
    status: str
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    result: dict[str, Any]


def stocktake_out(s: StockTake) -> StockTakeOut:
    return StockTakeOut(
        id=s.pk,
        title=s.title,
        status=s.status,
        opened_by=_name(s.opened_by),
        opened_at=s.opened_at,
        closed_at=s.closed_at,
        result=s.result or {},
    )


class MissingIn(Schema):
    asset_ids: list[int] = Field(..., min_length=1, max_length=5000)


class CountOut(Schema):
    count: int


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int


class ManagerIn(Schema):
    person_id: int


class ManagerOut(Schema):
    id: int
    person_id: int
    person_name: str
    appointed_at: datetime


def manager_out(m: AssetManager) -> ManagerOut:
    return ManagerOut(
        id=m.pk, person_id=m.person_id, person_name=_name(m.person), appointed_at=m.appointed_at
    )
