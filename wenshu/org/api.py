"""REST API of units at /api/v1/org/: the same selectors and services as the pages.
Unknown ids are 404, refusals 4xx with {"error", "message"} (see wenshu.web.api_errors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from wenshu.lib.errors import DomainError, NotFound
from wenshu.org import selectors, services
from wenshu.org.api_schemas import (
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    DeregisterIn,
    DeregistrationOut,
    GroupIn,
    GroupOut,
    GroupPatch,
    MembersIn,
    MergeIn,
    MergeOut,
    RenameIn,
    RenameOut,
    ReviewIn,
    UnitDetailOut,
    UnitFilter,
    UnitList,
)
from wenshu.org.models import Unit

router = Router(tags=["单位与人员"])


def _viewer(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _units(request: HttpRequest, ids: list[int]) -> list[Unit]:
    """Units by id for the digital office's operations (any state, so the service can say why
    a unit does not qualify); an unknown id is a 404."""
    found = {u.pk: u for u in selectors.unit_registry(viewer=_viewer(request)).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"找不到单位：{'、'.join(map(str, missing))}")
    return [found[i] for i in ids]


def _people(request: HttpRequest, unit: Unit, ids: list[int]) -> list[Any]:
    people = selectors.unit_people(viewer=_viewer(request), unit=unit, include_pending=True)
    found = {p.pk: p for p in people.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError(f"以下人员不属于本单位或账号不可用：{'、'.join(map(str, missing))}")
    return [found[i] for i in ids]


@router.get("/units", response=UnitList, summary="交换目录中的单位")
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> dict[str, Any]:
    units = selectors.units_in_directory(viewer=_viewer(request), kind=filters.kind, q=filters.q)
    return {
        "count": units.count(),
        "items": list(units[filters.offset : filters.offset + filters.limit]),
    }


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="单位详情（含名称沿革）")
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    return selectors.unit_for_viewer(viewer=_viewer(request), unit_id=unit_id)


@router.get("/applications", response=list[ApplicationOut], summary="待审核的登记申请")
def application_list(request: HttpRequest) -> Any:
    return selectors.pending_applications(viewer=_viewer(request))


@router.post("/applications", response={201: ApplicationOut}, summary="提交登记申请")
def application_create(request: HttpRequest, body: ApplicationIn) -> Any:
    viewer = _viewer(request)
    data = body.model_dump(exclude={"superior_id"})
    superior = None
    if body.superior_id is not None:
        superior = selectors.units_in_directory(viewer=viewer).filter(pk=body.superior_id).first()
        if superior is None:
            raise NotFound("找不到该上级主管单位（须为已注册单位）。")
    return services.unit_apply(actor=viewer, superior=superior, **data)


@router.post(
    "/applications/{application_id}/review", response=ApplicationOut, summary="审核登记申请"
)
def application_review(request: HttpRequest, application_id: int, body: ReviewIn) -> Any:
    viewer = _viewer(request)
    application = selectors.application_for_viewer(viewer=viewer, application_id=application_id)
    services.unit_review(
        actor=viewer, unit=application.unit, approve=body.approve, reason=body.reason
    )
    return selectors.application_for_viewer(viewer=viewer, application_id=application_id)


@router.post("/units/{unit_id}/renames", response={201: RenameOut}, summary="提交名称变更申请")
def rename_create(request: HttpRequest, unit_id: int, body: RenameIn) -> Any:
    viewer = _viewer(request)
    unit = selectors.unit_for_viewer(viewer=viewer, unit_id=unit_id)
    new_admin = _people(request, unit, [body.new_admin_id])[0]
    kept = _people(request, unit, body.kept_people_ids)
    return services.unit_rename_request(
        actor=viewer,
        unit=unit,
        new_full_name=body.new_full_name,
        new_short_name=body.new_short_name,
        new_agency_code=body.new_agency_code,
        new_admin=new_admin,
        kept_people=kept,
        letter_ref=body.letter_ref,
    )


@router.get("/renames/{request_id}", response=RenameOut, summary="名称变更申请")
def rename_detail(request: HttpRequest, request_id: int) -> Any:
    return selectors.rename_request_for_viewer(viewer=_viewer(request), request_id=request_id)


@router.post("/renames/{request_id}/approve", response=RenameOut, summary="办理名称变更")
def rename_approve(request: HttpRequest, request_id: int) -> Any:
    viewer = _viewer(request)
    rename = selectors.rename_request_for_viewer(viewer=viewer, request_id=request_id)
    return services.unit_rename_approve(actor=viewer, request=rename)


@router.post("/renames/{request_id}/reject", response=RenameOut, summary="退回名称变更申请")
def rename_reject(request: HttpRequest, request_id: int, body: DecisionIn) -> Any:
    viewer = _viewer(request)
    rename = selectors.rename_request_for_viewer(viewer=viewer, request_id=request_id)
    return services.unit_rename_reject(actor=viewer, request=rename, reason=body.reason)


@router.post("/merges", response={201: MergeOut}, summary="办理单位合并")
def merge_create(request: HttpRequest, body: MergeIn) -> Any:
    viewer = _viewer(request)
    sources = _units(request, body.source_ids)
    target = _units(request, [body.target_id])[0] if body.target_id is not None else None
    new_unit = None
    if body.new_unit is not None:
        superior = (
            _units(request, [body.new_unit.superior_id])[0] if body.new_unit.superior_id else None
        )
        new_unit = services.NewUnit(
            **body.new_unit.model_dump(exclude={"superior_id"}), superior=superior
        )
    return services.unit_merge(
        actor=viewer,
        sources=sources,
        target=target,
        new_unit=new_unit,
        people_action=body.people_action,
        person_actions=body.person_actions,
        note=body.note,
    )


@router.post(
    "/units/{unit_id}/deregistrations", response={201: DeregistrationOut}, summary="申请注销"
)
def deregistration_create(request: HttpRequest, unit_id: int, body: DeregisterIn) -> Any:
    viewer = _viewer(request)
    unit = selectors.unit_for_viewer(viewer=viewer, unit_id=unit_id)
    return services.unit_deregister_request(actor=viewer, unit=unit, **body.model_dump())


@router.post(
    "/deregistrations/{request_id}/execute", response=DeregistrationOut, summary="办理注销"
)
def deregistration_execute(request: HttpRequest, request_id: int) -> Any:
    viewer = _viewer(request)
    dereg = selectors.deregistration_for_viewer(viewer=viewer, request_id=request_id)
    services.unit_deregister(actor=viewer, request=dereg)
    return selectors.deregistration_for_viewer(viewer=viewer, request_id=request_id)


@router.post(
    "/deregistrations/{request_id}/reject", response=DeregistrationOut, summary="退回注销申请"
)
def deregistration_reject(request: HttpRequest, request_id: int, body: DecisionIn) -> Any:
    viewer = _viewer(request)
    dereg = selectors.deregistration_for_viewer(viewer=viewer, request_id=request_id)
    return services.unit_deregister_reject(actor=viewer, request=dereg, reason=body.reason)


@router.get("/units/{unit_id}/departments", response=list[DepartmentOut], summary="单位的部门")
def department_list(request: HttpRequest, unit_id: int) -> Any:
    viewer = _viewer(request)
    unit = _unit_of_people(request, unit_id)
    return selectors.departments(viewer=viewer, unit=unit, include_inactive=True)


def _unit_of_people(request: HttpRequest, unit_id: int) -> Unit:
    """The viewer's own unit (or any, for the digital office) for department reads."""
    viewer = _viewer(request)
    if viewer.unit_id == unit_id:
        return viewer.unit
    return selectors.unit_for_viewer(viewer=viewer, unit_id=unit_id)


def _officer(request: HttpRequest, unit: Unit, officer_id: int | None) -> Any:
    return _people(request, unit, [officer_id])[0] if officer_id is not None else None


@router.post("/units/{unit_id}/departments", response={201: DepartmentOut}, summary="新建部门")
def department_create(request: HttpRequest, unit_id: int, body: DepartmentIn) -> Any:
    viewer = _viewer(request)
    unit = _unit_of_people(request, unit_id)
    return services.department_create(
        actor=viewer,
        unit=unit,
        name=body.name,
        phone=body.phone,
        order=body.order,
        info_officer=_officer(request, unit, body.info_officer_id),
    )


@router.patch(
    "/departments/{department_id}", response=DepartmentOut, summary="修改、停用或启用部门"
)
def department_update(request: HttpRequest, department_id: int, body: DepartmentPatch) -> Any:
    viewer = _viewer(request)
    department = selectors.department_for_viewer(viewer=viewer, department_id=department_id)
    changes: dict[str, Any] = body.model_dump(include={"name", "phone", "order"}, exclude_none=True)
    if "info_officer_id" in body.model_fields_set:
        changes["info_officer"] = _officer(request, department.unit, body.info_officer_id)
    if changes:
        department = services.department_update(actor=viewer, department=department, **changes)
    if body.is_active is not None and body.is_active != department.is_active:
        change = services.department_activate if body.is_active else services.department_deactivate
        department = change(actor=viewer, department=department)
    return department


@router.get("/groups", response=list[GroupOut], summary="单位分组")
def group_list(request: HttpRequest) -> Any:
    return selectors.groups(viewer=_viewer(request))


@router.get("/groups/{group_id}", response=GroupOut, summary="单位分组详情")
def group_detail(request: HttpRequest, group_id: int) -> Any:
    return selectors.group_for_viewer(viewer=_viewer(request), group_id=group_id)


@router.post("/groups", response={201: GroupOut}, summary="新建单位分组")
def group_create(request: HttpRequest, body: GroupIn) -> Any:
    viewer = _viewer(request)
    units = _units(request, body.unit_ids)
    group = services.group_create(
        actor=viewer, name=body.name, description=body.description, order=body.order, units=units
    )
    return selectors.group_for_viewer(viewer=viewer, group_id=group.pk)


@router.patch("/groups/{group_id}", response=GroupOut, summary="修改单位分组")
def group_update(request: HttpRequest, group_id: int, body: GroupPatch) -> Any:
    viewer = _viewer(request)
    group = selectors.group_for_viewer(viewer=viewer, group_id=group_id)
    services.group_update(actor=viewer, group=group, **body.model_dump(exclude_none=True))
    return selectors.group_for_viewer(viewer=viewer, group_id=group_id)


@router.put("/groups/{group_id}/members", response=GroupOut, summary="设置分组成员")
def group_members(request: HttpRequest, group_id: int, body: MembersIn) -> Any:
    viewer = _viewer(request)
    group = selectors.group_for_viewer(viewer=viewer, group_id=group_id)
    services.group_set_members(actor=viewer, group=group, units=_units(request, body.unit_ids))
    return selectors.group_for_viewer(viewer=viewer, group_id=group_id)


@router.delete("/groups/{group_id}", response={204: None}, summary="删除单位分组")
def group_delete(request: HttpRequest, group_id: int) -> None:
    viewer = _viewer(request)
    group = selectors.group_for_viewer(viewer=viewer, group_id=group_id)
    services.group_delete(actor=viewer, group=group)
    return None
