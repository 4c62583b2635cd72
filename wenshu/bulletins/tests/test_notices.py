"""Notices: drafted by editors, published only after a leader of the unit (not the drafter)
approves (S2 art. 3, S4 art. 9); audience scoping; withdrawal by the digital office."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.bulletins import selectors, services
from wenshu.bulletins.models import Notice, NoticeAudience
from wenshu.bulletins.tests.conftest import draft, notice_input, publish
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.org.models import Department, UnitGroup

pytestmark = pytest.mark.django_db
Status = Notice.Status


def visible(person, notice) -> bool:
    try:
        selectors.notice_get(viewer=person, pk=notice.pk)
    except NotFound:
        return False
    return True


def listed(person, notice) -> bool:
    return selectors.notices_for_reading(viewer=person).filter(pk=notice.pk).exists()


# --- drafting ------------------------------------------------------------------------------


def test_a_clerk_drafts_a_notice_that_nobody_else_sees(city):
    notice = draft(city)
    assert (notice.status, notice.unit, notice.drafted_by) == (Status.DRAFT, city.a, city.a_clerk)
    assert visible(city.a_clerk, notice)
    for person in (city.a_leader, city.a_staff, city.a_admin, city.b_staff, city.shuziban):
        assert not visible(person, notice)
    assert AuditEvent.objects.filter(action="bulletins.notice_drafted").count() == 1


def test_an_information_officer_and_the_unit_administrator_may_draft(city):
    officer = make_person("a_officer", city.a, "staff", real_name="艾信息员")
    Department.objects.create(unit=city.a, name="办公室", info_officer=officer)
    assert draft(city, officer).drafted_by == officer
    assert draft(city, city.a_admin).drafted_by == city.a_admin


def test_a_staff_member_or_a_leader_cannot_draft(city):
    for person in (city.a_staff, city.a_leader):
        with pytest.raises(Forbidden):
            draft(city, person)
    assert not Notice.objects.exists()


def test_an_officer_of_another_units_department_is_not_an_editor_here(city):
    Department.objects.create(unit=city.b, name="办公室", info_officer=city.a_staff)
    with pytest.raises(Forbidden):
        draft(city, city.a_staff)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "请填写标题。"),
        ({"body": ""}, "请填写正文。"),
        ({"expires_on": None}, "请填写有效期"),
        ({"expires_on": timezone.localdate() - timedelta(days=1)}, "有效期不能早于今天。"),
        ({"expires_on": timezone.localdate() + timedelta(days=366)}, "有效期最长一年"),
        ({"pinned": True}, "置顶的通知请填写置顶截止日期。"),
        ({"audience": "units"}, "请至少选择一个单位或单位分组"),
        ({"title": "关于某事项的通知（秘密★1年）"}, "检测到密级标志“秘密★1年”（位于标题）"),
        ({"body": "密级：机密\n内容"}, "位于正文"),
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(city, fields, message):
    with pytest.raises(DomainError) as refused:
        draft(city, **fields)
    assert message in refused.value.message
    assert not Notice.objects.exists()


def test_pinning_ends_no_later_than_the_expiry(city):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="置顶截止日期须在今天到有效期之间"):
        draft(
            city,
            pinned=True,
            expires_on=today + timedelta(days=5),
            pinned_until=today + timedelta(days=6),
        )
    notice = draft(
        city,
        pinned=True,
        expires_on=today + timedelta(days=5),
        pinned_until=today + timedelta(days=5),
    )
    assert notice.pinned and notice.pinned_until == today + timedelta(days=5)


def test_only_the_drafter_edits_and_only_while_editable(city):
    notice = draft(city)
    clerk2 = make_person("a_clerk2", city.a, "clerk")
    with pytest.raises(NotFound):  # another clerk's draft is not even visible
        services.notice_update(actor=clerk2, notice=notice, data=notice_input(title="改"))
    with pytest.raises(NotFound):
        services.notice_update(actor=city.b_clerk, notice=notice, data=notice_input(title="改"))
    services.notice_update(actor=city.a_clerk, notice=notice, data=notice_input(title="新标题"))
    services.notice_submit(actor=city.a_clerk, notice=notice)
    with pytest.raises(Conflict, match="送审中的通知请先撤回"):
        services.notice_update(actor=city.a_clerk, notice=notice, data=notice_input())
    notice.refresh_from_db()
    assert notice.title == "新标题"


# --- review --------------------------------------------------------------------------------


def test_a_notice_is_unpublished_until_the_leader_approves(city):
    notice = draft(city, audience="city")
    services.notice_submit(actor=city.a_clerk, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Status.SUBMITTED and notice.published_at is None
    for person in (city.a_staff, city.b_staff, city.b_leader, city.shuziban):
        assert not visible(person, notice) and not listed(person, notice)
    assert visible(city.a_leader, notice)  # the leader reviews it
    assert Notification.objects.filter(recipient=city.a_leader, kind="bulletins").exists()

    services.notice_approve(actor=city.a_leader, notice=notice, opinion="同意")
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED and notice.reviewed_by == city.a_leader
    assert notice.published_at is not None
    for person in (city.a_staff, city.b_staff, city.shuziban):
        assert visible(person, notice) and listed(person, notice)
    assert Notification.objects.filter(recipient=city.a_clerk, title__contains="已发布").exists()


@pytest.mark.parametrize("who", ["a_staff", "a_clerk", "a_admin"])
def test_someone_who_is_not_a_leader_cannot_approve(city, who):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    with pytest.raises(Forbidden, match="只有本单位负责人可以审核"):
        services.notice_approve(actor=getattr(city, who), notice=notice)
    notice.refresh_from_db()
    assert notice.status == Status.SUBMITTED


def test_a_leader_of_another_unit_gets_a_404(city):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    with pytest.raises(NotFound):
        services.notice_approve(actor=city.b_leader, notice=notice)
    with pytest.raises(NotFound):
        services.notice_return(actor=city.b_leader, notice=notice, opinion="不行")


def test_a_drafter_who_is_also_a_leader_cannot_approve_their_own_notice(city, a_leader2):
    """Four eyes: a leader who also holds the clerk role drafts; another leader must approve."""
    both = make_person("a_both", city.a, "unit_leader", "clerk", real_name="艾兼职")
    notice = draft(city, both)
    services.notice_submit(actor=both, notice=notice)
    with pytest.raises(Forbidden, match="不能审核自己拟写的通知公告"):
        services.notice_approve(actor=both, notice=notice)
    assert not selectors.notices_pending_review(viewer=both).filter(pk=notice.pk).exists()
    assert selectors.notices_pending_review(viewer=a_leader2).filter(pk=notice.pk).exists()
    # The drafter-leader is not told to review their own notice; the others are.
    assert not Notification.objects.filter(recipient=both).exists()
    services.notice_approve(actor=a_leader2, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED


def test_a_returned_notice_is_edited_and_submitted_again(city):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    with pytest.raises(DomainError, match="退回时请填写意见"):
        services.notice_return(actor=city.a_leader, notice=notice, opinion=" ")
    services.notice_return(actor=city.a_leader, notice=notice, opinion="请补充值班电话")
    notice.refresh_from_db()
    assert notice.status == Status.RETURNED and notice.review_opinion == "请补充值班电话"
    assert Notification.objects.filter(recipient=city.a_clerk, body__contains="值班电话").exists()
    with pytest.raises(Conflict):  # returned is not submitted: no approval now
        services.notice_approve(actor=city.a_leader, notice=notice)
    services.notice_update(
        actor=city.a_clerk, notice=notice, data=notice_input(body="值班电话：8888888")
    )
    services.notice_submit(actor=city.a_clerk, notice=notice)
    services.notice_approve(actor=city.a_leader, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED and notice.body == "值班电话：8888888"


def test_the_drafter_recalls_a_submitted_notice(city):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    with pytest.raises(Forbidden):
        services.notice_recall(actor=city.a_leader, notice=notice)
    services.notice_recall(actor=city.a_clerk, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT
    with pytest.raises(Conflict):
        services.notice_recall(actor=city.a_clerk, notice=notice)


def test_approving_twice_is_refused_and_changes_nothing(city):
    notice = publish(city)
    first = notice.published_at
    with pytest.raises(Conflict, match="当前状态为“已发布”"):
        services.notice_approve(actor=city.a_leader, notice=notice)
    notice.refresh_from_db()
    assert notice.published_at == first
    assert AuditEvent.objects.filter(action="bulletins.notice_published").count() == 1


def test_a_notice_whose_expiry_passed_while_waiting_cannot_be_published(city):
    notice = draft(city, expires_on=timezone.localdate() + timedelta(days=1))
    services.notice_submit(actor=city.a_clerk, notice=notice)
    with (
        time_machine.travel(timezone.now() + timedelta(days=3)),
        pytest.raises(Conflict, match="有效期已过"),
    ):
        services.notice_approve(actor=city.a_leader, notice=notice)
    notice.refresh_from_db()
    assert notice.status == Status.SUBMITTED


# --- audience ------------------------------------------------------------------------------


def test_a_one_unit_notice_is_invisible_to_another_unit(city):
    notice = publish(city, audience="own")
    assert visible(city.a_staff, notice) and listed(city.a_staff, notice)
    for outsider in (city.b_staff, city.b_leader, city.b_clerk):
        assert not listed(outsider, notice)
        with pytest.raises(NotFound):
            selectors.notice_get(viewer=outsider, pk=notice.pk)


def test_a_some_units_notice_reaches_only_the_chosen_units_and_groups(city):
    group = UnitGroup.objects.create(name="市直各部门")
    group.units.add(city.secrecy_bureau)
    notice = publish(city, audience="units", units=[city.gov_office], groups=[group])
    reached = set(NoticeAudience.objects.filter(notice=notice).values_list("unit_id", flat=True))
    assert reached == {city.a.pk, city.gov_office.pk, city.secrecy_bureau.pk}
    assert visible(city.zhengfuban, notice) and visible(city.baomiju, notice)
    assert listed(city.a_staff, notice)
    assert not visible(city.b_staff, notice) and not listed(city.b_staff, notice)
    assert not listed(city.shuziban, notice)  # the digital office was not addressed
    # A unit joining the group later was not addressed when it was published.
    group.units.add(city.b)
    assert not visible(city.b_staff, notice)


def test_a_city_wide_notice_reaches_every_unit(city):
    notice = publish(city, audience="city")
    for person in (city.b_staff, city.baomiju, city.zhengfuban, city.a_staff):
        assert listed(person, notice)


def test_pinned_notices_come_first_while_pinned(city):
    today = timezone.localdate()
    old = publish(city, title="置顶通知", pinned=True, pinned_until=today + timedelta(days=2))
    new = publish(city, title="普通通知")
    order = [n.pk for n in selectors.notices_for_reading(viewer=city.a_staff)]
    assert order == [old.pk, new.pk]
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        order = [n.pk for n in selectors.notices_for_reading(viewer=city.a_staff)]
    assert order == [new.pk, old.pk]


# --- withdrawal ----------------------------------------------------------------------------


def test_the_digital_office_withdraws_a_notice_that_breaks_the_rules(city):
    notice = publish(city, audience="city")
    with pytest.raises(DomainError, match="请填写撤下原因"):
        services.notice_withdraw(actor=city.shuziban, notice=notice, reason="")
    services.notice_withdraw(actor=city.shuziban, notice=notice, reason="含有与工作无关的内容")
    notice.refresh_from_db()
    assert notice.status == Status.WITHDRAWN and notice.withdrawn_by == city.shuziban
    assert not listed(city.b_staff, notice) and not visible(city.b_staff, notice)
    assert visible(city.shuziban, notice) and visible(city.a_clerk, notice)
    event = AuditEvent.objects.get(action="bulletins.notice_withdrawn")
    assert event.details["reason"] == "含有与工作无关的内容" and event.unit_id == city.a.pk
    told = set(
        Notification.objects.filter(title__contains="撤下").values_list("recipient_id", flat=True)
    )
    assert told == {city.a_clerk.pk, city.a_leader.pk}


def test_only_the_digital_office_withdraws(city):
    notice = publish(city, audience="city")
    for person in (city.a_leader, city.b_admin, city.sysadmin):
        with pytest.raises(Forbidden, match="只有市数字办管理员可以撤下"):
            services.notice_withdraw(actor=person, notice=notice, reason="违规")
    services.notice_withdraw(actor=city.shuziban, notice=notice, reason="违规")
    with pytest.raises(Conflict):
        services.notice_withdraw(actor=city.shuziban, notice=notice, reason="再撤一次")


def test_the_digital_office_cannot_withdraw_what_is_not_published(city):
    notice = draft(city)
    with pytest.raises(NotFound):
        services.notice_withdraw(actor=city.shuziban, notice=notice, reason="违规")


# --- reading -------------------------------------------------------------------------------


def test_read_statistics_count_per_unit_and_list_own_readers(city):
    notice = publish(city, audience="units", units=[city.b])
    for person in (city.a_staff, city.b_staff, city.b_clerk, city.b_staff):
        services.notice_mark_read(viewer=person, notice=notice)
    assert notice.reads.count() == 3  # reading twice counts once
    stats = selectors.notice_read_stats(viewer=city.a_clerk, notice=notice)
    by_unit = {r.unit_id: (r.readers, r.people) for r in stats.units}
    assert by_unit == {city.a.pk: (1, 5), city.b.pk: (2, 4)}
    assert stats.total_readers == 3
    assert [r.reader for r in stats.own_unit_readers] == [city.a_staff]
    # Unit B's leader sees who in unit B read it, not the other units' figures.
    theirs = selectors.notice_read_stats(viewer=city.b_leader, notice=notice)
    assert theirs.units == [] and {r.reader for r in theirs.own_unit_readers} == {
        city.b_staff,
        city.b_clerk,
    }
    with pytest.raises(Forbidden):
        selectors.notice_read_stats(viewer=city.b_staff, notice=notice)


def test_unread_counter_drops_when_read(city):
    notice = publish(city, audience="city")
    assert selectors.notices_unread_count(viewer=city.b_staff) == 1
    services.notice_mark_read(viewer=city.b_staff, notice=notice)
    assert selectors.notices_unread_count(viewer=city.b_staff) == 0
    assert selectors.notices_unread_count(viewer=city.b_clerk) == 1


def test_a_draft_is_not_marked_read(city):
    notice = draft(city)
    services.notice_mark_read(viewer=city.a_clerk, notice=notice)
    assert not notice.reads.exists()


def test_the_digital_office_overseeing_a_notice_is_not_counted_as_a_reader(city):
    notice = publish(city, audience="own")
    assert visible(city.shuziban, notice)
    services.notice_mark_read(viewer=city.shuziban, notice=notice)
    assert not notice.reads.exists()
