"""Who a mail reaches: units mean their clerks, groups the clerks of each member unit."""

from __future__ import annotations

import pytest

from conftest import make_person, make_unit
from wenshu.accounts.models import User
from wenshu.lib.errors import DomainError
from wenshu.messaging.models import MailboxEntry, MailRecipient
from wenshu.messaging.tests.helpers import send, to
from wenshu.org.models import Department, Unit, UnitGroup


def reached(result) -> dict[str, tuple[str, str]]:
    return {
        r.person.username: (r.kind, r.via)
        for r in MailRecipient.objects.filter(message=result.message).select_related("person")
    }


def test_sending_to_a_unit_reaches_its_clerks_and_not_its_staff(city):
    second_clerk = make_person("b_clerk2", city.b, "clerk")
    result = send(city.a_staff, to(units=(city.b,)))
    assert reached(result) == {"b_clerk": ("to", "unit"), "b_clerk2": ("to", "unit")}
    inboxes = MailboxEntry.objects.filter(message=result.message, folder="inbox")
    assert {e.owner_id for e in inboxes} == {city.b_clerk.pk, second_clerk.pk}
    assert not MailboxEntry.objects.filter(owner=city.b_staff).exists()
    assert not MailboxEntry.objects.filter(owner=city.b_leader).exists()
    assert result.message.address_labels["to"] == ["市教育局（文书）"]


def test_a_unit_means_its_clerks_at_the_moment_of_sending(city):
    first = send(city.a_clerk, to(units=(city.b,)))
    make_person("b_clerk_new", city.b, "clerk")
    city.b_clerk.status = User.Status.DISABLED
    city.b_clerk.save(update_fields=["status"])
    second = send(city.a_clerk, to(units=(city.b,)))
    assert set(reached(first)) == {"b_clerk"}  # frozen: the later change does not touch it
    assert set(reached(second)) == {"b_clerk_new"}


def test_sending_to_a_group_reaches_the_clerks_of_each_member_unit(city):
    c = make_unit("白银市民政局", "市民政局", "白民")
    make_person("c_clerk", c, "clerk")
    make_person("c_staff", c, "staff")
    gone = make_unit("白银市旧局", "市旧局", "白旧")
    make_person("gone_clerk", gone, "clerk")
    Unit.objects.filter(pk=gone.pk).update(status=Unit.Status.DEREGISTERED, in_directory=False)
    group = UnitGroup.objects.create(name="市直各部门")
    group.units.set([city.a, city.b, c, gone])
    result = send(city.shuziban, to(groups=(group,)))
    assert reached(result) == {
        "a_clerk": ("to", "group"),
        "b_clerk": ("to", "group"),
        "c_clerk": ("to", "group"),
    }
    row = MailRecipient.objects.get(message=result.message, person=city.b_clerk)
    assert (row.via_group, row.via_unit, row.via_label) == (group, city.b, "市直各部门（市教育局）")


def test_a_person_reached_twice_gets_one_copy_under_the_strongest_kind(city):
    addressing = to(city.b_staff, units=(city.b,), cc=(city.b_clerk,), bcc=(city.b_staff,))
    result = send(city.a_clerk, addressing)
    assert reached(result) == {"b_staff": ("to", "person"), "b_clerk": ("to", "unit")}
    assert MailboxEntry.objects.filter(message=result.message, owner=city.b_clerk).count() == 1


def test_departments_of_ones_own_unit_reach_their_people(city):
    office = Department.objects.create(unit=city.a, name="办公室")
    for person in (city.a_staff, city.a_custodian):
        person.department = office
        person.save(update_fields=["department"])
    result = send(city.a_leader, to(departments=(office,)))
    assert reached(result) == {"a_staff": ("to", "department"), "a_custodian": ("to", "department")}


def test_another_units_department_cannot_be_addressed(city):
    theirs = Department.objects.create(unit=city.b, name="办公室")
    with pytest.raises(DomainError, match="只能按部门发给本单位的部门"):
        send(city.a_clerk, to(departments=(theirs,)))


def test_a_unit_without_clerks_is_refused_when_it_is_the_only_recipient(city):
    c = make_unit("白银市民政局", "市民政局", "白民")
    with pytest.raises(DomainError, match=r"所选单位目前都没有在岗的文书.*市民政局"):
        send(city.a_clerk, to(units=(c,)))


def test_a_unit_without_clerks_is_reported_to_the_sender(city):
    c = make_unit("白银市民政局", "市民政局", "白民")
    result = send(city.a_clerk, to(units=(city.b, c)))
    assert set(reached(result)) == {"b_clerk"}
    assert result.message.unreached == ["市民政局"]
    assert any("市民政局" in w and "没有在岗的文书" in w for w in result.warnings)


def test_a_disabled_person_cannot_be_sent_to(city):
    city.b_staff.status = User.Status.DISABLED
    city.b_staff.save(update_fields=["status"])
    with pytest.raises(DomainError, match=r"已停用或注销.*贝科员"):
        send(city.a_clerk, to(city.b_staff))


def test_a_deregistered_unit_cannot_be_addressed(city):
    city.b.status = Unit.Status.DEREGISTERED
    city.b.in_directory = False
    city.b.save(update_fields=["status", "in_directory"])
    with pytest.raises(DomainError, match="不在交换目录中"):
        send(city.a_clerk, to(units=(city.b,)))


def test_nobody_chosen_is_refused(city):
    with pytest.raises(DomainError, match="请至少选择一个收件人"):
        send(city.a_clerk, to())
