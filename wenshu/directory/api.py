"""/api/v1/directory/: the address book. A mobile number is present only when its owner chose
to share it (``mobile`` is null otherwise)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from wenshu.directory import selectors

router = Router(tags=["通讯录"])


class PersonOut(Schema):
    id: int
    username: str
    real_name: str
    post: str
    unit_id: int
    unit_name: str
    department_id: int | None
    department_name: str | None
    office_phone: str
    mobile: str | None


class PeopleFilter(Schema):
    q: str = ""
    unit_id: int | None = None
    department_id: int | None = None
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class PeopleList(Schema):
    count: int
    items: list[PersonOut]


class DepartmentOut(Schema):
    id: int
    name: str
    phone: str


class UnitOut(Schema):
    id: int
    full_name: str
    short_name: str
    contact_phone: str
    address: str


class UnitCardOut(UnitOut):
    departments: list[DepartmentOut]
    people: list[PersonOut]


def _viewer(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]  # the API's global auth


def _person(row: dict[str, Any]) -> PersonOut:
    return PersonOut(
        id=row["id"],
        username=row["username"],
        real_name=row["real_name"],
        post=row["post"],
        unit_id=row["unit_id"],
        unit_name=row["unit__full_name"],
        department_id=row["department_id"],
        department_name=row["department__name"],
        office_phone=row["office_phone"] or row["department__phone"] or "",
        mobile=row["shared_mobile"] or None,
    )


@router.get("/people", response=PeopleList, summary="查找人员（姓名、单位、部门、电话）")
def people(request: HttpRequest, f: Query[PeopleFilter]) -> dict[str, Any]:
    rows = selectors.directory_people(
        viewer=_viewer(request), q=f.q, unit_id=f.unit_id, department_id=f.department_id
    )
    return {
        "count": rows.count(),
        "items": [_person(r) for r in rows[f.offset : f.offset + f.limit]],
    }


@router.get("/units", response=list[UnitOut], summary="通讯录中的单位")
def units(request: HttpRequest, q: str = "") -> Any:
    return list(selectors.directory_units(viewer=_viewer(request), q=q))


@router.get("/units/{unit_id}", response=UnitCardOut, summary="单位通讯录（部门和人员）")
def unit_card(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    unit = selectors.directory_unit(viewer=viewer, unit_id=unit_id)
    return {
        "id": unit.pk,
        "full_name": unit.full_name,
        "short_name": unit.short_name,
        "contact_phone": unit.contact_phone,
        "address": unit.address,
        "departments": list(selectors.directory_departments(viewer=viewer, unit=unit)),
        "people": [_person(r) for r in selectors.directory_people(viewer=viewer, unit_id=unit.pk)],
    }
