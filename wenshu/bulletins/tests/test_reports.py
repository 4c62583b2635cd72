"""Information reports (S2 art. 2): submit, adopt / return / decline, resubmission, withdrawal,
and the refusals (wrong role, wrong state, another unit)."""

from __future__ import annotations

import pytest

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.bulletins import selectors, services
from wenshu.bulletins.models import InfoReport, ReceivingUnit
from wenshu.bulletins.tests.conftest import adopt, report
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.org.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("receivers")]
Status = InfoReport.Status


def test_a_clerk_submits_an_item_that_reaches_the_receivers_handlers(city):
    item = report(city)
    assert (item.status, item.unit, item.receiver, item.version) == (
        Status.SUBMITTED,
        city.a,
        city.gov_office,
        1,
    )
    assert item.first_submitted_at == item.submitted_at
    assert Notification.objects.filter(recipient=city.gov_clerk, kind="bulletins").exists()
    assert not Notification.objects.filter(recipient=city.gov_staff).exists()
    assert selectors.reports_pending_count(viewer=city.gov_clerk) == 1
    assert selectors.reports_pending_count(viewer=city.party_clerk) == 0
    assert AuditEvent.objects.filter(action="bulletins.report_submitted").count() == 1


def test_who_sees_a_report(city):
    item = report(city)
    for person in (city.a_clerk, city.a_leader, city.a_admin, city.gov_clerk):
        assert selectors.report_get(viewer=person, pk=item.pk) == item
    for person in (
        city.a_staff,
        city.gov_staff,
        city.b_clerk,
        city.party_clerk,
        city.shuziban,
        city.zhengfuban,
    ):
        with pytest.raises(NotFound):
            selectors.report_get(viewer=person, pk=item.pk)


def test_a_staff_member_or_a_leader_cannot_submit(city):
    for person in (city.a_staff, city.a_leader):
        with pytest.raises(Forbidden, match="只有本单位文书"):
            report(city, author=person)


def test_an_information_officer_submits(city):
    officer = make_person("a_officer", city.a, "staff")
    Department.objects.create(unit=city.a, name="预算科", info_officer=officer)
    assert report(city, author=officer).submitted_by == officer


def test_the_receiver_must_be_an_active_receiver_and_not_ones_own_unit(city):
    with pytest.raises(DomainError, match="目前不接收信息上报"):
        report(city, receiver=city.b)
    with pytest.raises(DomainError, match="不能向本单位报送信息"):
        report(city, author=city.gov_clerk, receiver=city.gov_office)
    services.receiver_set(actor=city.shuziban, unit=city.party_office, active=False)
    with pytest.raises(DomainError, match="目前不接收信息上报"):
        report(city, receiver=city.party_office)
    assert not InfoReport.objects.exists()


def test_an_unflagged_receiver_still_handles_what_it_has(city):
    item = report(city, receiver=city.party_office)
    services.receiver_set(actor=city.shuziban, unit=city.party_office, active=False)
    assert selectors.reports_pending_count(viewer=city.party_clerk) == 1
    done = adopt(city, item, handler=city.party_clerk)
    assert done.status == Status.ADOPTED


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": "gossip"}, "请选择信息类别"),
        ({"title": ""}, "请填写标题"),
        ({"body": "机密★10年\n正文"}, "检测到密级标志"),
    ],
)
def test_it_refuses_bad_items(city, fields, message):
    with pytest.raises(DomainError, match=message):
        report(city, **fields)
    assert not InfoReport.objects.exists()


# --- handling -------------------------------------------------------------------------------


def test_the_receiver_adopts_with_where_it_was_used(city):
    item = adopt(city, report(city))
    assert item.status == Status.ADOPTED and item.handled_by == city.gov_clerk
    assert item.used_where == "白银政务信息（2026年第3期）"
    note = Notification.objects.get(recipient=city.a_clerk, title__contains="已采用")
    assert "白银政务信息" in note.body
    event = AuditEvent.objects.get(action="bulletins.report_adopted")
    assert event.unit_id == city.gov_office.pk and event.details["journal_issue"] == "2026年第3期"


def test_adoption_says_where(city):
    item = report(city)
    with pytest.raises(DomainError, match="刊物名称和期数"):
        services.report_adopt(
            actor=city.gov_clerk, report=item, used_in="journal", journal_name="白银政务信息"
        )
    with pytest.raises(DomainError, match="写明报送给谁"):
        services.report_adopt(actor=city.gov_clerk, report=item, used_in="superior")
    with pytest.raises(DomainError, match="请选择采用方式"):
        services.report_adopt(actor=city.gov_clerk, report=item, used_in="")
    done = services.report_adopt(
        actor=city.gov_clerk,
        report=item,
        used_in="superior",
        used_note="报省政府办公厅《甘肃政务信息》",
    )
    assert done.used_where == "报省政府办公厅《甘肃政务信息》"


def test_the_receiver_declines(city):
    item = services.report_decline(
        actor=city.gov_clerk, report=report(city), opinion="内容与上期重复"
    )
    assert item.status == Status.DECLINED and item.opinion == "内容与上期重复"
    with pytest.raises(Conflict):
        services.report_resubmit(
            actor=city.a_clerk,
            report=item,
            data=services.ReportInput(title="再报", body="正文", category="work_news"),
        )


@pytest.mark.parametrize("decide", ["adopt", "return", "decline"])
def test_a_decided_item_cannot_be_decided_again(city, decide):
    item = report(city)
    actions = {
        "adopt": lambda: adopt(city, item),
        "return": lambda: services.report_return(
            actor=city.gov_clerk, report=item, opinion="请补充数据"
        ),
        "decline": lambda: services.report_decline(actor=city.gov_clerk, report=item),
    }
    actions[decide]()
    for again in actions.values():
        with pytest.raises(Conflict, match="页面可能已过期"):
            again()
    with pytest.raises(Conflict):
        services.report_withdraw(actor=city.a_clerk, report=item)


def test_the_wrong_people_cannot_handle(city):
    item = report(city)
    with pytest.raises(Forbidden, match="只有接收单位"):
        adopt(city, item, handler=city.a_clerk)  # the sender sees it but does not handle it
    with pytest.raises(Forbidden, match="只有接收单位"):
        services.report_return(actor=city.a_leader, report=item, opinion="改")
    for outsider in (city.gov_staff, city.party_clerk, city.b_clerk, city.shuziban):
        with pytest.raises(NotFound):
            adopt(city, item, handler=outsider)
        with pytest.raises(NotFound):
            services.report_decline(actor=outsider, report=item)
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_return_needs_an_opinion(city):
    item = report(city)
    with pytest.raises(DomainError, match="退回时请填写意见"):
        services.report_return(actor=city.gov_clerk, report=item, opinion="")


# --- resubmission and withdrawal --------------------------------------------------------------


def resubmit(city, item, **fields):
    fields.setdefault("title", "市财政局推进预算绩效管理（修改稿）")
    fields.setdefault("body", "补充了数据。")
    fields.setdefault("category", "practice")
    return services.report_resubmit(
        actor=city.a_clerk, report=item, data=services.ReportInput(**fields)
    )


def test_a_returned_item_is_resubmitted_as_a_new_linked_version(city):
    first = report(city)
    services.report_return(actor=city.gov_clerk, report=first, opinion="请补充数据")
    second = resubmit(city, first)
    first.refresh_from_db()
    assert first.status == Status.RESUBMITTED
    assert (second.previous, second.version, second.status) == (first, 2, Status.SUBMITTED)
    assert second.first_submitted_at == first.first_submitted_at
    assert second.receiver == city.gov_office and second.category == "practice"
    assert selectors.report_versions(report=first) == [first, second]
    assert selectors.report_versions(report=second) == [first, second]
    assert adopt(city, second).status == Status.ADOPTED


def test_resubmission_is_refused_in_the_wrong_state_twice_or_by_the_wrong_people(city):
    item = report(city)
    with pytest.raises(Conflict):  # not returned
        resubmit(city, item)
    services.report_return(actor=city.gov_clerk, report=item, opinion="请补充数据")
    with pytest.raises(Forbidden):
        services.report_resubmit(
            actor=city.a_leader,
            report=item,
            data=services.ReportInput(title="t", body="b", category="other"),
        )
    with pytest.raises(NotFound):
        services.report_resubmit(
            actor=city.b_clerk,
            report=item,
            data=services.ReportInput(title="t", body="b", category="other"),
        )
    resubmit(city, item)
    with pytest.raises(Conflict):  # a double click does not fork the item
        resubmit(city, item)
    assert InfoReport.objects.count() == 2


def test_the_unit_withdraws_an_unhandled_item(city):
    item = report(city)
    with pytest.raises(Forbidden):
        services.report_withdraw(actor=city.gov_clerk, report=item)
    with pytest.raises(NotFound):
        services.report_withdraw(actor=city.b_clerk, report=item)
    done = services.report_withdraw(actor=city.a_clerk, report=item)
    assert done.status == Status.WITHDRAWN
    assert selectors.reports_pending_count(viewer=city.gov_clerk) == 0
    with pytest.raises(Conflict):
        adopt(city, item)


# --- receivers ------------------------------------------------------------------------------


def test_only_the_digital_office_sets_receivers(city):
    for person in (city.a_admin, city.zhengfuban, city.sysadmin):
        with pytest.raises(Forbidden):
            services.receiver_set(actor=person, unit=city.b, active=True)
    row = services.receiver_set(
        actor=city.shuziban, unit=city.digital_office, active=True, note="市信息中心"
    )
    assert row.active and ReceivingUnit.objects.count() == 3
    assert AuditEvent.objects.filter(action="bulletins.receiver_set").count() == 3
    assert set(selectors.receivers_open(viewer=city.a_clerk)) == {
        city.gov_office,
        city.party_office,
        city.digital_office,
    }
    assert city.gov_office not in selectors.receivers_open(viewer=city.gov_clerk)


def test_a_deregistered_unit_cannot_become_a_receiver(city):
    city.b.status = "deregistered"
    city.b.save()
    with pytest.raises(DomainError, match="不是已注册的使用单位"):
        services.receiver_set(actor=city.shuziban, unit=city.b, active=True)
