"""Request and response shapes of the org API (pydantic, through django-ninja)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from wenshu.org import selectors
from wenshu.org.models import Unit

Name = Field(min_length=1, max_length=200)
Text = Field(default="", max_length=2000)


class UnitFilter(Schema):
    kind: str | None = None
    q: str | None = Field(default=None, max_length=100)
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=500)


class UnitOut(Schema):
    id: int
    full_name: str
    short_name: str
    agency_code: str
    kind: str
    status: str
    superior_id: int | None
    in_directory: bool
    registered_at: datetime | None
    deregistered_at: datetime | None
    merged_into_id: int | None


class UnitList(Schema):
    count: int
    items: list[UnitOut]


class UnitNameOut(Schema):
    full_name: str
    short_name: str
    agency_code: str
    valid_from: datetime
    valid_to: datetime | None


class UnitDetailOut(UnitOut):
    contact_person: str
    contact_phone: str
    address: str
    applied_at: datetime | None
    names: list[UnitNameOut]

    @staticmethod
    def resolve_names(obj: Unit, context: dict[str, Any]) -> list[Any]:
        viewer = context["request"].auth
        return list(selectors.unit_name_history(viewer=viewer, unit=obj))


class ApplicationIn(Schema):
    full_name: str = Name
    short_name: str = Field(min_length=1, max_length=60)
    agency_code: str = Field(default="", max_length=30)
    kind: str = Unit.Kind.DEPARTMENT
    superior_id: int | None = None
    superior_opinion: str = Field(min_length=1, max_length=2000)
    superior_signer: str = Field(min_length=1, max_length=60)
    superior_signed_on: date
    planned_admin_name: str = Field(min_length=1, max_length=60)
    planned_admin_post: str = Field(default="", max_length=60)
    planned_admin_phone: str = Field(default="", max_length=40)
    leader_in_charge: str = Field(default="", max_length=60)
    contact_person: str = Field(default="", max_length=60)
    contact_phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=200)


class ApplicationOut(Schema):
    id: int
    unit: UnitOut
    channel: str
    filed_by_id: int
    filed_at: datetime
    superior_opinion: str
    superior_signer: str
    superior_signed_on: date
    leader_in_charge: str
    planned_admin_name: str
    planned_admin_post: str
    planned_admin_phone: str
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    review_reason: str


class ReviewIn(Schema):
    approve: bool
    reason: str = Text


class DecisionIn(Schema):
    reason: str = Text


class RenameIn(Schema):
    new_full_name: str = Name
    new_short_name: str = Field(min_length=1, max_length=60)
    new_agency_code: str = Field(default="", max_length=30)
    new_admin_id: int
    kept_people_ids: list[int] = Field(default_factory=list, max_length=5000)
    letter_ref: str = Field(default="", max_length=100)


class RenameOut(Schema):
    id: int
    unit_id: int
    status: str
    old_full_name: str
    old_short_name: str
    new_full_name: str
    new_short_name: str
    new_agency_code: str
    letter_ref: str
    new_admin_id: int
    kept_people_ids: list[int]
    closing_people_ids: list[int]
    requested_by_id: int
    requested_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    reason: str

    @staticmethod
    def resolve_kept_people_ids(obj: Any) -> list[int]:
        return sorted(obj.kept_people.values_list("pk", flat=True))

    @staticmethod
    def resolve_closing_people_ids(obj: Any) -> list[int]:
        return sorted(obj.closing_people.values_list("pk", flat=True))


class NewUnitIn(Schema):
    full_name: str = Name
    short_name: str = Field(min_length=1, max_length=60)
    agency_code: str = Field(default="", max_length=30)
    kind: str = Unit.Kind.DEPARTMENT
    superior_id: int | None = None


class MergeIn(Schema):
    source_ids: list[int] = Field(min_length=1, max_length=100)
    target_id: int | None = None
    new_unit: NewUnitIn | None = None
    people_action: Literal["move", "disable"] = "move"
    person_actions: dict[int, Literal["move", "disable"]] = Field(default_factory=dict)
    note: str = Text


class MergeOut(Schema):
    id: int
    target_id: int
    source_ids: list[int]
    target_is_new: bool
    people_action: str
    people_outcome: dict[str, list[int]]
    note: str
    executed_by_id: int
    executed_at: datetime

    @staticmethod
    def resolve_source_ids(obj: Any) -> list[int]:
        return sorted(obj.sources.values_list("pk", flat=True))


class DeregisterIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    disposal: str
    disposal_note: str = Text


class DeregistrationOut(Schema):
    id: int
    unit_id: int
    status: str
    reason: str
    disposal: str
    disposal_note: str
    merge_id: int | None
    requested_by_id: int
    requested_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    decision_reason: str


class DepartmentIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(default="", max_length=40)
    order: int = Field(default=0, ge=0, le=9999)
    info_officer_id: int | None = None


class DepartmentPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    order: int | None = Field(default=None, ge=0, le=9999)
    info_officer_id: int | None = None
    is_active: bool | None = None


class DepartmentOut(Schema):
    id: int
    unit_id: int
    name: str
    phone: str
    order: int
    is_active: bool
    info_officer_id: int | None


class GroupIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=300)
    order: int = Field(default=0, ge=0, le=9999)
    unit_ids: list[int] = Field(default_factory=list, max_length=2000)


class GroupPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=300)
    order: int | None = Field(default=None, ge=0, le=9999)


class MembersIn(Schema):
    unit_ids: list[int] = Field(max_length=2000)


class GroupUnitOut(Schema):
    id: int
    full_name: str
    short_name: str


class GroupOut(Schema):
    id: int
    name: str
    description: str
    order: int
    units: list[GroupUnitOut]

    @staticmethod
    def resolve_units(obj: Any) -> list[Any]:
        return list(obj.units.all())
