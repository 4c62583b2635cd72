"""A unit's internal departments (处室/科室), kept by its system administrator; each may name
an information officer (部门信息员, S4 art. 6)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError
from wenshu.org.models import Department, Unit
from wenshu.org.services._base import User, person_of_unit, require_unit_admin_of, text

UNSET: Any = object()  # "leave as it is" for optional update arguments


def _check_order(order: int) -> int:
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 9999:
        raise DomainError("排序须为 0 到 9999 之间的整数。")
    return order


def _save_unique(department: Department, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            if fields is None:
                department.save()
            else:
                department.save(update_fields=fields)
    except IntegrityError as exc:
        raise Conflict(f"本单位已有名为“{department.name}”的部门。") from exc


@transaction.atomic
def department_create(
    *,
    actor: User,
    unit: Unit,
    name: str,
    phone: str = "",
    order: int = 0,
    info_officer: User | None = None,
) -> Department:
    require_unit_admin_of(actor, unit, "管理本单位的部门")
    if not unit.is_registered:
        raise Conflict("单位不是已注册状态，不能新建部门。")
    department = Department(
        unit=unit,
        name=text(name, "部门名称", max_length=100),
        phone=text(phone, "办公电话", max_length=40, required=False),
        order=_check_order(order),
        info_officer=person_of_unit(unit, getattr(info_officer, "pk", None), "部门信息员"),
    )
    _save_unique(department)
    audit_record(
        actor=actor,
        action="org.department_created",
        target=department,
        details={"name": department.name},
    )
    return department


@transaction.atomic
def department_update(
    *,
    actor: User,
    department: Department,
    name: str | None = None,
    phone: str | None = None,
    order: int | None = None,
    info_officer: Any = UNSET,
) -> Department:
    """Rename or re-describe a department; arguments left out stay as they are
    (pass info_officer=None to clear the information officer)."""
    require_unit_admin_of(actor, department.unit, "管理本单位的部门")
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = department.name
    if name is not None:
        department.name = text(name, "部门名称", max_length=100)
    if phone is not None:
        department.phone = text(phone, "办公电话", max_length=40, required=False)
    if order is not None:
        department.order = _check_order(order)
    if info_officer is not UNSET:
        department.info_officer = person_of_unit(
            department.unit, getattr(info_officer, "pk", None), "部门信息员"
        )
    _save_unique(department, ["name", "phone", "order", "info_officer"])
    audit_record(
        actor=actor,
        action="org.department_updated",
        target=department,
        details={"name_before": before, "name": department.name},
    )
    return department


def _set_active(actor: User, department: Department, active: bool) -> Department:
    require_unit_admin_of(actor, department.unit, "管理本单位的部门")
    department = Department.objects.select_for_update().get(pk=department.pk)
    if department.is_active == active:
        raise Conflict("该部门已是启用状态。" if active else "该部门已停用。")
    if not active:
        staying = department.people.filter(status__in=("active", "pending")).count()
        if staying:
            raise Conflict(f"该部门还有 {staying} 名在用人员，请先调整他们的所属部门再停用。")
    department.is_active = active
    department.save(update_fields=["is_active"])
    action = "org.department_activated" if active else "org.department_deactivated"
    audit_record(actor=actor, action=action, target=department)
    return department


@transaction.atomic
def department_deactivate(*, actor: User, department: Department) -> Department:
    return _set_active(actor, department, False)


@transaction.atomic
def department_activate(*, actor: User, department: Department) -> Department:
    return _set_active(actor, department, True)
