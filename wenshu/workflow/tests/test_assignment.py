"""Who a step goes to: the value under wenshu:assigneeKey, the role fallback, a resolver."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import make_person
from wenshu.lib.errors import DomainError
from wenshu.workflow import registry
from wenshu.workflow.assignment import Assignment, resolve
from wenshu.workflow.engine import TaskMeta
from wenshu.workflow.tests.conftest import start_fawen

pytestmark = pytest.mark.django_db

META = TaskMeta(id="step", name="核稿", assignee_key="who", candidate_role="clerk")


def _resolve(city, value, meta=META):
    instance = SimpleNamespace(key="fawen", unit_id=city.a.pk)
    return resolve(instance=instance, meta=meta, data={"who": value} if value is not None else {})


def test_a_person_id_a_list_and_a_dict_name_people(city):
    assert _resolve(city, city.a_clerk.pk) == [
        Assignment(unit_id=city.a.pk, person_id=city.a_clerk.pk)
    ]
    assert _resolve(city, str(city.a_clerk.pk))[0].person_id == city.a_clerk.pk
    both = _resolve(city, [city.a_clerk.pk, {"person": city.a_staff.pk}, city.a_clerk.pk])
    assert [a.person_id for a in both] == [city.a_clerk.pk, city.a_staff.pk]  # duplicates dropped


def test_units_departments_and_roles(city, cast):
    [unit] = _resolve(city, {"unit": city.b.pk})
    assert (unit.unit_id, unit.role) == (city.b.pk, "clerk")  # the task's candidate role
    [leaders] = _resolve(
        city, {"unit": city.b.pk}, TaskMeta(id="s", name="会签", assignee_key="who")
    )
    assert leaders.role == "unit_leader"  # no role anywhere: the unit's leaders
    [dept] = _resolve(city, {"department": cast.dept1.pk})
    assert (dept.unit_id, dept.department_id, dept.role) == (city.a.pk, cast.dept1.pk, "")
    [role] = _resolve(city, {"role": "seal_custodian"})
    assert (role.unit_id, role.role) == (city.a.pk, "seal_custodian")


def test_a_missing_value_falls_back_to_the_role_or_is_refused(city):
    assert _resolve(city, None) == [Assignment(unit_id=city.a.pk, role="clerk")]
    assert _resolve(city, []) == [Assignment(unit_id=city.a.pk, role="clerk")]
    with pytest.raises(DomainError, match="缺少“who”"):
        _resolve(city, None, TaskMeta(id="s", name="拟稿", assignee_key="who"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (999999, "找不到该人员"),
        (True, "找不到该人员"),
        ({"department": 999999}, "部门"),
        ({"unit": 999999}, "单位"),
        ({"role": "city_admin"}, "不是单位内的角色"),
        ({"role": "clerk", "due": "明天"}, "日期"),
    ],
)
def test_bad_values_are_refused_with_the_step_named(city, value, message):
    with pytest.raises(DomainError, match=message) as info:
        _resolve(city, value)
    assert "核稿" in str(info.value)


def test_disabled_people_and_mismatched_units_are_refused(city, cast):
    gone = make_person("a_gone", city.a, "clerk", status="disabled")
    with pytest.raises(DomainError, match="不可用"):
        _resolve(city, gone.pk)
    with pytest.raises(DomainError, match="不属于"):
        _resolve(city, {"department": cast.dept1.pk, "unit": city.b.pk})


def test_a_subject_app_resolver_takes_precedence(city, cast):
    calls = []

    def resolver(*, instance, task, data):
        calls.append(task.id)
        return [city.a_admin.pk] if task.id == "draft" else None

    previous = registry.assignment_resolver("fawen")  # e.g. the documents app's own
    registry.register_assignment_resolver("fawen", resolver)
    try:
        instance = start_fawen(city, cast)
    finally:
        registry.register_assignment_resolver("fawen", previous)
    assert calls == ["draft"]
    assert instance.items.get().assignee == city.a_admin
