"""单位合并 (S1 art. 10(3)): A+B→A and A+B→C, people moved or disabled, open work moved by
hooks, history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.accounts.roles import Role
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.org import hooks, services
from wenshu.org.models import Deregistration, Unit
from wenshu.org.services import NewUnit


def test_a_plus_b_into_a_moves_people_and_keeps_history(city):
    before = timezone.now() - dt.timedelta(days=10)
    merge = services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    city.b.refresh_from_db()
    assert city.b.status == Unit.Status.DEREGISTERED and city.b.merged_into == city.a
    assert not city.b.in_directory
    # an old document addressed to B still shows B's name
    assert city.b.name_at(before) == "白银市教育局"
    city.b_leader.refresh_from_db()
    city.b_leader.forget_roles()
    assert city.b_leader.unit == city.a and city.b_leader.status == "active"
    # roles inside the old unit do not carry over: the mover arrives as staff
    assert city.b_leader.role_set == {Role.STAFF}
    assert sorted(merge.people_outcome["moved"]) == sorted(
        [city.b_admin.pk, city.b_leader.pk, city.b_clerk.pk, city.b_staff.pk]
    )
    deregistration = Deregistration.objects.get(unit=city.b)
    assert (
        deregistration.disposal == Deregistration.Disposal.TO_MERGED
        and deregistration.merge == merge
    )


def test_a_plus_b_into_new_c_registers_c_and_ends_both(city):
    new = NewUnit(full_name="白银市财政教育局", short_name="市财教局", agency_code="白财教")
    merge = services.unit_merge(
        actor=city.shuziban, sources=[city.a, city.b], new_unit=new, people_action="disable"
    )
    c = merge.target
    assert merge.target_is_new and c.status == Unit.Status.REGISTERED and c.in_directory
    assert c.names.get().full_name == "白银市财政教育局"
    for unit in (city.a, city.b):
        unit.refresh_from_db()
        assert unit.status == Unit.Status.DEREGISTERED and unit.merged_into == c
    city.a_clerk.refresh_from_db()
    assert city.a_clerk.status == "disabled" and city.a_clerk.unit == city.a


def test_per_person_choices_override_the_default(city):
    merge = services.unit_merge(
        actor=city.shuziban,
        sources=[city.b],
        target=city.a,
        people_action="disable",
        person_actions={city.b_clerk.pk: "move"},
    )
    city.b_clerk.refresh_from_db()
    city.b_staff.refresh_from_db()
    assert city.b_clerk.unit == city.a and city.b_clerk.status == "active"
    assert city.b_staff.status == "disabled"
    assert merge.people_outcome["moved"] == [city.b_clerk.pk]


def test_merge_hooks_move_open_work_before_the_source_ends(city):
    calls = []

    def move_work(*, source, target, actor):
        calls.append(("merge", source.pk, source.status, target.pk))

    def flag_seals(*, unit, actor):
        calls.append(("deregister", unit.pk, unit.status, None))

    hooks.register_merge_hook(move_work)
    hooks.register_deregister_hook(flag_seals)
    try:
        services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    finally:
        hooks.unregister_merge_hook(move_work)
        hooks.unregister_deregister_hook(flag_seals)
    assert calls == [
        ("merge", city.b.pk, "registered", city.a.pk),
        ("deregister", city.b.pk, "deregistered", None),
    ]


def test_merging_a_unit_with_itself_is_refused(city):
    with pytest.raises(DomainError, match="自身"):
        services.unit_merge(actor=city.shuziban, sources=[city.a], target=city.a)
    with pytest.raises(DomainError, match="自身"):
        services.unit_merge(actor=city.shuziban, sources=[city.b, city.b], target=city.a)


def test_the_digital_office_cannot_be_merged(city):
    with pytest.raises(DomainError, match="市数字办"):
        services.unit_merge(actor=city.shuziban, sources=[city.digital_office], target=city.a)
    with pytest.raises(DomainError, match="市数字办"):
        services.unit_merge(actor=city.shuziban, sources=[city.a], target=city.digital_office)


def test_a_non_registered_unit_cannot_be_merged(city):
    services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    with pytest.raises(Conflict, match="不是已注册单位"):
        services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.gov_office)
    with pytest.raises(Conflict, match="不是已注册单位"):
        services.unit_merge(actor=city.shuziban, sources=[city.gov_office], target=city.b)


@pytest.mark.parametrize("who", ["a_admin", "a_leader", "sysadmin", "secadmin"])
def test_only_the_digital_office_merges(city, who):
    with pytest.raises(Forbidden):
        services.unit_merge(actor=getattr(city, who), sources=[city.b], target=city.a)
    city.b.refresh_from_db()
    assert city.b.status == Unit.Status.REGISTERED


def test_target_xor_new_name_and_two_sources_for_a_new_name(city):
    new = NewUnit(full_name="白银市新局", short_name="新局")
    with pytest.raises(DomainError, match="二者选一"):
        services.unit_merge(actor=city.shuziban, sources=[city.b])
    with pytest.raises(DomainError, match="二者选一"):
        services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a, new_unit=new)
    with pytest.raises(DomainError, match="名称变更"):
        services.unit_merge(actor=city.shuziban, sources=[city.b], new_unit=new)


def test_the_new_name_may_not_be_a_live_units(city):
    new = NewUnit(full_name="白银市国家保密局", short_name="保密")
    with pytest.raises(Conflict):
        services.unit_merge(actor=city.shuziban, sources=[city.a, city.b], new_unit=new)
    assert Unit.objects.filter(full_name="白银市国家保密局").count() == 1


def test_per_person_choices_must_name_people_of_the_sources(city):
    with pytest.raises(DomainError, match="逐人处理"):
        services.unit_merge(
            actor=city.shuziban,
            sources=[city.b],
            target=city.a,
            person_actions={city.a_clerk.pk: "disable"},
        )
    with pytest.raises(DomainError, match="人员处理方式"):
        services.unit_merge(
            actor=city.shuziban,
            sources=[city.b],
            target=city.a,
            person_actions={city.b_clerk.pk: "fire"},
        )


def test_a_failing_merge_hook_leaves_everything_as_it_was(city):
    def refuse(*, source, target, actor):
        raise Conflict("公文模块：有未办结的收文")

    hooks.register_merge_hook(refuse)
    try:
        with pytest.raises(Conflict):
            services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    finally:
        hooks.unregister_merge_hook(refuse)
    city.b.refresh_from_db()
    city.b_staff.refresh_from_db()
    assert city.b.status == Unit.Status.REGISTERED and city.b_staff.unit == city.b


def test_city_wide_roles_survive_a_move(city):
    approver = make_person("b_approver", city.b, "gov_approver")
    services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    approver.refresh_from_db()
    approver.forget_roles()
    assert approver.has_role(Role.GOV_APPROVER) and approver.unit == city.a
