"""Departments (kept by the unit administrator, S4 art. 6) and addressing groups."""

from __future__ import annotations

import pytest

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org import selectors, services
from wenshu.org.models import UnitGroup
from wenshu.org.tests.conftest import application_args


def test_the_unit_admin_creates_renames_and_deactivates_a_department(city):
    dept = services.department_create(
        actor=city.a_admin, unit=city.a, name="预算科", phone="8123456", info_officer=city.a_clerk
    )
    assert dept.info_officer == city.a_clerk and dept.is_active
    services.department_update(actor=city.a_admin, department=dept, name="预算管理科")
    dept.refresh_from_db()
    assert dept.name == "预算管理科" and dept.info_officer == city.a_clerk
    services.department_update(actor=city.a_admin, department=dept, info_officer=None)
    services.department_deactivate(actor=city.a_admin, department=dept)
    dept.refresh_from_db()
    assert not dept.is_active and dept.info_officer is None
    services.department_activate(actor=city.a_admin, department=dept)
    assert AuditEvent.objects.filter(action="org.department_deactivated").exists()


def test_another_units_admin_gets_not_found_and_others_are_refused(city):
    with pytest.raises(NotFound):
        services.department_create(actor=city.b_admin, unit=city.a, name="预算科")
    with pytest.raises(Forbidden):
        services.department_create(actor=city.a_leader, unit=city.a, name="预算科")
    with pytest.raises(NotFound):
        services.department_create(actor=city.shuziban, unit=city.a, name="预算科")


def test_department_names_are_unique_within_a_unit(city):
    services.department_create(actor=city.a_admin, unit=city.a, name="办公室")
    services.department_create(actor=city.b_admin, unit=city.b, name="办公室")
    with pytest.raises(Conflict, match="办公室"):
        services.department_create(actor=city.a_admin, unit=city.a, name="办公室")
    other = services.department_create(actor=city.a_admin, unit=city.a, name="国库科")
    with pytest.raises(Conflict):
        services.department_update(actor=city.a_admin, department=other, name="办公室")


def test_the_information_officer_must_be_of_the_unit(city):
    with pytest.raises(DomainError, match="部门信息员"):
        services.department_create(
            actor=city.a_admin, unit=city.a, name="预算科", info_officer=city.b_clerk
        )


def test_a_department_with_people_cannot_be_deactivated(city):
    dept = services.department_create(actor=city.a_admin, unit=city.a, name="预算科")
    city.a_staff.department = dept
    city.a_staff.save(update_fields=["department"])
    with pytest.raises(Conflict, match="1 名在用人员"):
        services.department_deactivate(actor=city.a_admin, department=dept)


def test_deactivating_twice_is_a_conflict(city):
    dept = services.department_create(actor=city.a_admin, unit=city.a, name="预算科")
    services.department_deactivate(actor=city.a_admin, department=dept)
    with pytest.raises(Conflict, match="已停用"):
        services.department_deactivate(actor=city.a_admin, department=dept)


@pytest.mark.parametrize("bad", ["", "x" * 101])
def test_department_name_is_checked(city, bad):
    with pytest.raises(DomainError, match="部门名称"):
        services.department_create(actor=city.a_admin, unit=city.a, name=bad)


def test_selectors_scope_departments(city):
    services.department_create(actor=city.a_admin, unit=city.a, name="预算科")
    assert [d.name for d in selectors.departments(viewer=city.a_staff, unit=city.a)] == ["预算科"]
    with pytest.raises(NotFound):
        selectors.departments(viewer=city.b_admin, unit=city.a)


def test_the_digital_office_keeps_groups(city):
    group = services.group_create(actor=city.shuziban, name="市直各部门", units=[city.a])
    services.group_add_members(actor=city.shuziban, group=group, units=[city.b])
    assert set(group.units.all()) == {city.a, city.b}
    services.group_remove_members(actor=city.shuziban, group=group, units=[city.a])
    assert list(group.units.all()) == [city.b]
    services.group_set_members(actor=city.shuziban, group=group, units=[city.a, city.gov_office])
    assert set(group.units.all()) == {city.a, city.gov_office}
    services.group_update(actor=city.shuziban, group=group, name="市直部门", description="发文用")
    group.refresh_from_db()
    assert group.name == "市直部门"
    services.group_delete(actor=city.shuziban, group=group)
    assert not UnitGroup.objects.exists()


@pytest.mark.parametrize("who", ["a_admin", "sysadmin", "b_clerk"])
def test_only_the_digital_office_keeps_groups(city, who):
    with pytest.raises(Forbidden):
        services.group_create(actor=getattr(city, who), name="各县区")
    group = services.group_create(actor=city.shuziban, name="各县区")
    with pytest.raises(Forbidden):
        services.group_set_members(actor=getattr(city, who), group=group, units=[city.a])


def test_group_names_are_unique_and_members_registered(city, shuziban2):
    services.group_create(actor=city.shuziban, name="四套班子")
    with pytest.raises(Conflict):
        services.group_create(actor=city.shuziban, name="四套班子")
    pending = services.unit_apply(actor=city.shuziban, **application_args()).unit
    with pytest.raises(DomainError, match="已注册"):
        services.group_create(actor=city.shuziban, name="各县区", units=[pending])


def test_a_deregistered_unit_leaves_every_group(city):
    one = services.group_create(actor=city.shuziban, name="市直各部门", units=[city.a, city.b])
    two = services.group_create(actor=city.shuziban, name="教育口", units=[city.b])
    services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    assert list(one.units.all()) == [city.a] and not two.units.exists()


def test_groups_show_only_registered_members(city):
    services.group_create(actor=city.shuziban, name="市直各部门", units=[city.a])
    staff = make_person("a_new", city.a, "staff")
    [group] = selectors.groups(viewer=staff)
    assert list(group.units.all()) == [city.a]
