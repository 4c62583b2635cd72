"""The demo city: what it contains, that every demo login works, and that it is idempotent."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from wenshu.accounts import services as accounts
from wenshu.accounts.models import User
from wenshu.accounts.roles import CITY_ROLES, THREE_ADMINS, UNIT_ROLES, Role
from wenshu.audit.models import AuditEvent
from wenshu.ops import demo
from wenshu.org.models import Department, Unit, UnitGroup

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> tuple[int, int, int, int]:
    return (
        Unit.objects.count(),
        Department.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def loaded(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER  # Argon2 on 100+ logins would take half a minute
    call_command("load_demo_city")
    return {u.username: u for u in User.objects.select_related("unit", "department")}


def test_it_creates_every_unit_department_and_person_of_the_table(loaded):
    assert Unit.objects.count() == len(demo.UNITS) >= 16
    assert Department.objects.count() == 3 * len(demo.UNITS)
    assert len(loaded) == len(demo.demo_people())
    assert all(u.status == Unit.Status.REGISTERED and u.in_directory for u in Unit.objects.all())
    assert all(u.names.count() == 1 and u.agency_code for u in Unit.objects.all())
    office = Unit.objects.get(is_digital_office=True)
    assert office.full_name == "白银市数字白银工作办公室"
    assert Unit.objects.get(short_name="市财政局").agency_code == "白财"
    assert Unit.objects.get(short_name="市财政局").superior.short_name == "市政府办"


def test_every_unit_has_an_office_two_departments_and_the_six_standard_people(loaded):
    for unit in Unit.objects.all():
        names = list(unit.departments.values_list("name", flat=True))
        assert len(names) == 3
        roles = [r for u in unit.people.all() for r in u.role_set]
        for role in (Role.UNIT_ADMIN, Role.UNIT_LEADER, Role.CLERK, Role.SEAL_CUSTODIAN):
            assert roles.count(role) == 1, (unit.short_name, role)
        assert roles.count(Role.STAFF) == 2


def test_city_roles_sit_where_the_regulations_put_them(loaded):
    def holders(role: Role) -> list[User]:
        return [u for u in loaded.values() if u.has_role(role)]

    assert len(holders(Role.CITY_ADMIN)) >= 2
    assert {u.unit.is_digital_office for u in holders(Role.CITY_ADMIN)} == {True}
    three = [holders(role) for role in THREE_ADMINS]
    assert all(len(h) == 1 for h in three)
    assert len({h[0].pk for h in three}) == 3  # three distinct people
    assert all(h[0].unit.is_digital_office and len(h[0].role_set) == 1 for h in three)
    assert [u.unit.short_name for u in holders(Role.GOV_APPROVER)] == ["市政府办"]
    assert [u.unit.short_name for u in holders(Role.SECRECY_OFFICER)] == ["市保密局"]
    for person in loaded.values():
        assert len(person.role_set) == 1
        assert person.role_set <= (CITY_ROLES if person.role_set & CITY_ROLES else UNIT_ROLES)


def test_groups_hold_the_leadership_offices_and_the_municipal_departments(loaded):
    leadership = UnitGroup.objects.get(name="四套班子")
    assert sorted(leadership.units.values_list("short_name", flat=True)) == sorted(
        ["市委办公室", "市人大办", "市政府办", "市政协办"]
    )
    departments = UnitGroup.objects.get(name="市直各部门").units
    assert departments.count() == len(demo.UNITS) - 4
    assert departments.filter(short_name="市财政局").exists()


def test_people_have_names_posts_and_well_formed_unique_mobiles(loaded):
    mobiles = [u.mobile for u in loaded.values()]
    assert all(re.fullmatch(r"1390000\d{4}", m) for m in mobiles)
    assert len(set(mobiles)) == len(mobiles)
    assert len({u.real_name for u in loaded.values()}) == len(loaded)
    clerk = loaded["czj_clerk"]
    assert (clerk.unit.short_name, clerk.has_role(Role.CLERK)) == ("市财政局", True)
    assert clerk.department.name == "办公室" and clerk.post == "文书"
    assert loaded["czj_leader"].department is None


def test_each_demo_login_works_through_login_password(loaded):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    for username, person in loaded.items():
        assert not person.must_change_password
        ok = accounts.login_password(
            request=request, username=username, password=demo.DEMO_PASSWORD
        )
        assert ok.user.pk == person.pk


def test_the_real_argon2_hash_accepts_the_demo_password(db):
    call_command("load_demo_city")
    user = User.objects.get(username="szb_sysadmin")
    assert user.password.startswith("argon2")
    assert User.objects.filter(password=user.password).count() == len(demo.demo_people())
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    assert accounts.login_password(request=request, username="szb_sysadmin", password="Demo@2026")


def test_the_demo_password_meets_the_default_password_policy(db):
    problems = accounts.password_problems(
        demo.DEMO_PASSWORD, user=None, policy=accounts.password_policy()
    )
    assert problems == []


def test_if_empty_is_a_no_op_the_second_time(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    call_command("load_demo_city", "--if-empty")
    before = _counts()
    User.objects.filter(username="czj_staff2").delete()
    call_command("load_demo_city", "--if-empty")
    assert _counts()[0] == before[0]
    assert not User.objects.filter(username="czj_staff2").exists()


def test_if_empty_does_nothing_in_a_city_that_already_has_units(city):
    before = _counts()
    call_command("load_demo_city", "--if-empty")
    assert _counts() == before


def test_loading_twice_changes_nothing_and_writes_one_audit_event(loaded):
    before = _counts()
    assert demo.load_demo_city().nothing_new
    assert _counts() == before
    events = AuditEvent.objects.filter(action="ops.demo_city_loaded")
    assert events.count() == 1
    assert events.get().details == {"units": 16, "departments": 48, "people": len(loaded)}


def test_loading_again_adds_only_what_is_missing(loaded):
    User.objects.filter(username="jyj_staff1").delete()
    Department.objects.filter(unit__short_name="市教育局", name="职业教育科").delete()
    result = demo.load_demo_city()
    assert (result.units, result.departments, result.people) == (0, 1, 1)
    assert User.objects.get(username="jyj_staff1").department.name == "基础教育科"


def test_it_refuses_a_database_with_another_digital_office_and_writes_nothing(db):
    Unit.objects.create(full_name="某市数字办", short_name="数字办", is_digital_office=True)
    with pytest.raises(CommandError, match="已有市数字办"):
        call_command("load_demo_city")
    assert Unit.objects.count() == 1 and User.objects.count() == 0


def test_the_table_keeps_names_codes_and_prefixes_unique_as_registration_requires():
    for field in ("key", "full_name", "short_name", "agency_code"):
        values = [getattr(unit, field) for unit in demo.UNITS]
        assert len(set(values)) == len(values), field
    keys = [unit.key for unit in demo.UNITS]
    assert all(
        unit.superior in keys[: keys.index(unit.key)] for unit in demo.UNITS if unit.superior
    )
