"""Who acts on a user task: from the process data, by the BPMN convention, or by a resolver.

A user task names a data key (wenshu:assigneeKey). Its value, in the task's data, may be:

    5                                    the person with id 5
    [5, 6]                               any one of these people (one item each)
    {"person": 5}                        the same as 5
    {"department": 3}                    any active member of department 3
    {"department": 3, "role": "clerk"}   the clerks of department 3
    {"unit": 8}                          unit 8's holders of the task's wenshu:candidateRole
                                         (its leaders when the task names no role)
    {"unit": 8, "role": "clerk"}         unit 8's clerks
    {"role": "clerk"}                    the clerks of the process's own unit
Any dict may add "due": "2026-06-30" (a date, due at the end of that day) or an ISO datetime.
When the key is missing or empty, a task with wenshu:candidateRole goes to that role in the
process's unit; a task without one is refused with a message naming the missing key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from wenshu.accounts.models import User
from wenshu.accounts.roles import UNIT_ROLES, Role
from wenshu.lib.errors import DomainError
from wenshu.org.models import Department, Unit
from wenshu.workflow import registry
from wenshu.workflow.engine import TaskMeta

UNIT_ROLE_CODES = frozenset(r.value for r in UNIT_ROLES)


@dataclass(frozen=True)
class Assignment:
    unit_id: int
    person_id: int | None = None
    role: str = ""
    department_id: int | None = None
    due_at: datetime | None = None


def resolve(*, instance: Any, meta: TaskMeta, data: dict[str, Any]) -> list[Assignment]:
    """The assignments for one ready task (raises DomainError when nobody can be named)."""
    resolver = registry.assignment_resolver(instance.key)
    raw = resolver(instance=instance, task=meta, data=data) if resolver else None
    if raw is None and meta.assignee_key:
        raw = data.get(meta.assignee_key)
    entries = _flatten(raw)
    if not entries:
        if not meta.candidate_role:
            raise DomainError(f"流程数据中缺少“{meta.assignee_key}”，无法确定“{meta.name}”的办理人")
        entries = [{"role": meta.candidate_role}]
    default_due = timezone.now() + timedelta(days=meta.due_days) if meta.due_days else None
    found: list[Assignment] = []
    for entry in entries:
        assignment = _one(entry, instance=instance, meta=meta, default_due=default_due)
        if assignment not in found:
            found.append(assignment)
    return found


def _flatten(raw: Any) -> list[Any]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, (list, tuple)):
        return [x for part in raw for x in (part if isinstance(part, (list, tuple)) else [part])]
    return [raw]


def _invalid(meta: TaskMeta, entry: Any, why: str) -> DomainError:
    return DomainError(f"“{meta.name}”的办理人设置无效（{entry!r}）：{why}")


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _one(entry: Any, *, instance: Any, meta: TaskMeta, default_due: datetime | None) -> Assignment:
    if not isinstance(entry, dict):
        entry = {"person": entry}
    due = _due(entry.get("due"), meta, entry) or default_due
    if entry.get("person") is not None:
        return _person(entry, meta=meta, due=due)
    department = _department(entry, meta) if entry.get("department") is not None else None
    unit = _unit(entry, meta) if entry.get("unit") is not None else None
    if department is not None and unit is not None and department.unit_id != unit.pk:
        raise _invalid(meta, entry, "该部门不属于所指单位")
    unit_id = department.unit_id if department else (unit.pk if unit else instance.unit_id)
    role = entry.get("role") or (
        "" if department else meta.candidate_role or Role.UNIT_LEADER.value
    )
    if role and role not in UNIT_ROLE_CODES:
        raise _invalid(meta, entry, f"“{role}”不是单位内的角色")
    return Assignment(
        unit_id=unit_id, role=role, department_id=department.pk if department else None, due_at=due
    )


def _person(entry: dict[str, Any], *, meta: TaskMeta, due: datetime | None) -> Assignment:
    person_id = _as_id(entry.get("person"))
    person = User.objects.filter(pk=person_id).first() if person_id is not None else None
    if person is None:
        raise _invalid(meta, entry, "找不到该人员")
    if not person.is_active:
        raise _invalid(meta, entry, f"{person.display_name}的账号不可用")
    return Assignment(unit_id=person.unit_id, person_id=person.pk, due_at=due)


def _department(entry: dict[str, Any], meta: TaskMeta) -> Department:
    dept_id = _as_id(entry.get("department"))
    department = Department.objects.filter(pk=dept_id, is_active=True).first() if dept_id else None
    if department is None:
        raise _invalid(meta, entry, "找不到该部门，或该部门已停用")
    return department


def _unit(entry: dict[str, Any], meta: TaskMeta) -> Unit:
    unit_id = _as_id(entry.get("unit"))
    unit = (
        Unit.objects.filter(pk=unit_id, status=Unit.Status.REGISTERED).first() if unit_id else None
    )
    if unit is None:
        raise _invalid(meta, entry, "找不到该单位，或该单位未注册")
    return unit


def _due(value: Any, meta: TaskMeta, entry: Any) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
        day = parse_date(value) if isinstance(value, str) and moment is None else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        moment = day = None
    if moment is not None:
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if day is not None:
        return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
    raise _invalid(meta, entry, "办理期限应写成 2026-06-30 这样的日期")
