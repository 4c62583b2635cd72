"""The bulletins pages: each role's forms and lists, forms that keep what was typed when
refused, the workbench counters, and the outsider refused on every route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wenshu.bulletins import services
from wenshu.bulletins.models import InfoReport, Notice, ReceivingUnit
from wenshu.bulletins.tests.conftest import as_user, draft, publish, report

pytestmark = pytest.mark.django_db


def _form(**fields):
    data = {
        "kind": "notice",
        "title": "关于开展安全检查的通知",
        "body": "请各处室自查。",
        "audience": "own",
        "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    data.update(fields)
    return data


# --- notices -------------------------------------------------------------------------------


def test_a_clerk_drafts_submits_and_the_leader_publishes_through_the_pages(city):
    clerk = as_user(city.a_clerk)
    assert clerk.get(reverse("bulletins:notice_new")).status_code == 200
    page = clerk.post(reverse("bulletins:notice_new"), _form())
    notice = Notice.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "bulletins:notice", args=[notice.pk]
    )
    assert clerk.post(reverse("bulletins:notice_submit", args=[notice.pk])).status_code == 302
    leader = as_user(city.a_leader)
    queue = leader.get(reverse("bulletins:notices_pending"))
    assert "关于开展安全检查的通知" in queue.content.decode()
    detail = leader.get(reverse("bulletins:notice", args=[notice.pk])).content.decode()
    assert "同意发布" in detail
    done = leader.post(
        reverse("bulletins:notice_review", args=[notice.pk]),
        {"decision": "approve", "opinion": "同意"},
    )
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    listing = as_user(city.a_staff).get(reverse("bulletins:notices")).content.decode()
    assert "关于开展安全检查的通知" in listing and "未读" in listing


def test_a_refused_form_keeps_what_was_typed(city):
    page = as_user(city.a_clerk).post(
        reverse("bulletins:notice_new"), _form(title="会议纪要（机密★长期）", body="这段正文要保留")
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "检测到密级标志" in html and "这段正文要保留" in html and "会议纪要（机密★长期）" in html
    page = as_user(city.a_clerk).post(reverse("bulletins:notice_new"), _form(expires_on=""))
    assert page.status_code == 400 and "关于开展安全检查的通知" in page.content.decode()
    assert not Notice.objects.exists()


def test_a_staff_member_cannot_approve_through_the_page(city):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    staff = as_user(city.a_staff)
    assert staff.get(reverse("bulletins:notice", args=[notice.pk])).status_code == 404
    page = staff.post(reverse("bulletins:notice_review", args=[notice.pk]), {"decision": "approve"})
    assert page.status_code == 404
    clerk = as_user(city.a_clerk)
    page = clerk.post(reverse("bulletins:notice_review", args=[notice.pk]), {"decision": "approve"})
    assert page.status_code == 403 and "只有本单位负责人可以审核" in page.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SUBMITTED


def test_returning_without_an_opinion_shows_the_message(city):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    page = as_user(city.a_leader).post(
        reverse("bulletins:notice_review", args=[notice.pk]), {"decision": "return", "opinion": ""}
    )
    assert page.status_code == 400 and "退回时请填写意见" in page.content.decode()


def test_the_drafter_edits_a_returned_notice(city):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    services.notice_return(actor=city.a_leader, notice=notice, opinion="标题不准确")
    clerk = as_user(city.a_clerk)
    form = clerk.get(reverse("bulletins:notice_edit", args=[notice.pk])).content.decode()
    assert "标题不准确" in form and notice.title in form
    page = clerk.post(reverse("bulletins:notice_edit", args=[notice.pk]), _form(title="新标题"))
    assert page.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "新标题"
    assert (
        as_user(city.a_leader).get(reverse("bulletins:notice_edit", args=[notice.pk])).status_code
        == 403
    )


def test_the_digital_office_withdraws_through_the_page(city):
    notice = publish(city, audience="city")
    office = as_user(city.shuziban)
    assert notice.title in office.get(reverse("bulletins:notices_city")).content.decode()
    page = office.post(reverse("bulletins:notice_withdraw", args=[notice.pk]), {"reason": ""})
    assert page.status_code == 400
    page = office.post(
        reverse("bulletins:notice_withdraw", args=[notice.pk]), {"reason": "违反第三条"}
    )
    assert page.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN


def test_read_statistics_page(city):
    notice = publish(city, audience="units", units=[city.b])
    as_user(city.b_staff).get(reverse("bulletins:notice", args=[notice.pk]))
    page = as_user(city.a_clerk).get(reverse("bulletins:notice_reads", args=[notice.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "白银市教育局" in html
    page = as_user(city.b_leader).get(reverse("bulletins:notice_reads", args=[notice.pk]))
    assert "贝科员" in page.content.decode() and "各单位阅读人数" not in page.content.decode()


def test_lists_filter_and_page(city):
    for i in range(35):
        publish(city, title=f"通知{i:02d}")
    c = as_user(city.a_staff)
    first = c.get(reverse("bulletins:notices")).content.decode()
    assert "通知34" in first and "通知00" not in first and "第 1 / 2 页" in first
    second = c.get(reverse("bulletins:notices"), {"page": 2}).content.decode()
    assert "通知00" in second
    found = c.get(reverse("bulletins:notices"), {"q": "通知07"}).content.decode()
    assert "通知07" in found and "通知08" not in found
    manage = (
        as_user(city.a_clerk)
        .get(reverse("bulletins:notices_manage"), {"status": "draft"})
        .content.decode()
    )
    assert "暂无通知公告" in manage


def test_the_reading_list_takes_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    for i in range(12):
        publish(city, title=f"通知{i}", audience="city")
    c = as_user(city.b_staff)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("bulletins:notices")).status_code == 200


def test_the_workbench_shows_the_counters(city, receivers):
    notice = draft(city, audience="city")
    services.notice_submit(actor=city.a_clerk, notice=notice)
    publish(city, audience="city", title="已发布")
    report(city)
    leader = as_user(city.a_leader).get(reverse("web:workbench")).content.decode()
    assert "待审核通知" in leader and "未读通知公告" in leader
    handler = as_user(city.gov_clerk).get(reverse("web:workbench")).content.decode()
    assert "待处理信息" in handler and "协同办公" in handler
    staff = as_user(city.b_staff).get(reverse("web:workbench")).content.decode()
    assert "未读通知公告" in staff and "待审核通知" not in staff and "待处理信息" not in staff
    unread = as_user(city.b_staff).get(reverse("bulletins:notices_unread")).content.decode()
    assert "已发布" in unread


# --- reports -------------------------------------------------------------------------------


def test_a_report_goes_through_the_pages(city, receivers):
    clerk = as_user(city.a_clerk)
    assert clerk.get(reverse("bulletins:report_new")).status_code == 200
    page = clerk.post(
        reverse("bulletins:report_new"),
        {
            "receiver": city.gov_office.pk,
            "category": "work_news",
            "title": "财政动态",
            "body": "正文",
        },
    )
    item = InfoReport.objects.get()
    assert page.status_code == 302
    handler = as_user(city.gov_clerk)
    assert "财政动态" in handler.get(reverse("bulletins:reports_inbox")).content.decode()
    page = handler.post(reverse("bulletins:report_return", args=[item.pk]), {"opinion": "补充"})
    assert page.status_code == 302
    form = clerk.get(reverse("bulletins:report_resubmit", args=[item.pk])).content.decode()
    assert "财政动态" in form
    page = clerk.post(
        reverse("bulletins:report_resubmit", args=[item.pk]),
        {"category": "work_news", "title": "财政动态（修改）", "body": "补充后"},
    )
    second = InfoReport.objects.get(previous=item)
    assert page.status_code == 302 and page["Location"] == reverse(
        "bulletins:report", args=[second.pk]
    )
    page = handler.post(
        reverse("bulletins:report_adopt", args=[second.pk]),
        {"used_in": "journal", "journal_name": "", "journal_issue": ""},
    )
    assert page.status_code == 400 and "刊物名称和期数" in page.content.decode()
    page = handler.post(
        reverse("bulletins:report_adopt", args=[second.pk]),
        {"used_in": "journal", "journal_name": "白银信息", "journal_issue": "5"},
    )
    assert page.status_code == 302
    assert "已采用" in clerk.get(reverse("bulletins:reports")).content.decode()


def test_a_refused_report_form_keeps_what_was_typed(city, receivers):
    page = as_user(city.a_clerk).post(
        reverse("bulletins:report_new"),
        {
            "receiver": city.gov_office.pk,
            "category": "work_news",
            "title": "标题保留",
            "body": "秘密★\n正文",
        },
    )
    assert page.status_code == 400 and "标题保留" in page.content.decode()
    assert not InfoReport.objects.exists()


def test_the_digital_office_sets_receivers_on_its_page(city):
    office = as_user(city.shuziban)
    assert office.get(reverse("bulletins:receivers")).status_code == 200
    page = office.post(
        reverse("bulletins:receivers"),
        {"unit": city.gov_office.pk, "active": "on", "note": "党政办"},
    )
    assert page.status_code == 302
    html = office.get(reverse("bulletins:receivers")).content.decode()
    assert "白银市人民政府办公室" in html and "停止接收" in html
    office.post(reverse("bulletins:receivers"), {"unit": city.gov_office.pk, "note": "党政办"})
    assert "恢复接收" in office.get(reverse("bulletins:receivers")).content.decode()


# --- outsiders -----------------------------------------------------------------------------


def test_every_notice_route_refuses_the_outsider(city):
    notice = publish(city, audience="own")
    pending = draft(city, title="甲单位送审稿")
    services.notice_submit(actor=city.a_clerk, notice=pending)
    b = as_user(city.b_clerk)
    for name in ("notice", "notice_reads", "notice_edit"):
        assert b.get(reverse(f"bulletins:{name}", args=[notice.pk])).status_code == 404, name
    for name in ("notice_submit", "notice_recall", "notice_review", "notice_withdraw"):
        page = b.post(
            reverse(f"bulletins:{name}", args=[pending.pk]), {"decision": "approve", "reason": "x"}
        )
        assert page.status_code == 404, name
    assert b.get(reverse("bulletins:notice_attachment", args=[notice.pk, 1])).status_code == 404
    assert notice.title not in b.get(reverse("bulletins:notices")).content.decode()
    assert (
        "甲单位送审稿"
        not in as_user(city.b_leader).get(reverse("bulletins:notices_pending")).content.decode()
    )
    assert notice.title not in b.get(reverse("bulletins:notices_manage")).content.decode()
    staff = as_user(city.a_staff)
    for name in ("notices_manage", "notices_pending", "notices_city", "notice_new"):
        assert staff.get(reverse(f"bulletins:{name}")).status_code == 403, name
    assert staff.get(reverse("bulletins:notice_reads", args=[notice.pk])).status_code == 403
    assert as_user(city.a_leader).get(reverse("bulletins:notices_city")).status_code == 403


def test_every_report_route_refuses_the_outsider(city, receivers):
    item = report(city)
    b = as_user(city.b_clerk)
    assert b.get(reverse("bulletins:report", args=[item.pk])).status_code == 404
    for name in (
        "report_adopt",
        "report_return",
        "report_decline",
        "report_withdraw",
        "report_resubmit",
    ):
        assert (
            b.post(
                reverse(f"bulletins:{name}", args=[item.pk]), {"used_in": "journal", "opinion": "x"}
            ).status_code
            == 404
        ), name
    assert b.get(reverse("bulletins:report_attachment", args=[item.pk, 1])).status_code == 404
    assert (
        as_user(city.gov_staff).get(reverse("bulletins:report", args=[item.pk])).status_code == 404
    )
    assert item.title not in b.get(reverse("bulletins:reports")).content.decode()
    staff = as_user(city.a_staff)
    for name in (
        "reports",
        "reports_inbox",
        "report_new",
        "report_stats",
        "report_stats_xlsx",
        "receivers",
    ):
        assert staff.get(reverse(f"bulletins:{name}")).status_code == 403, name
    assert as_user(city.a_clerk).get(reverse("bulletins:reports_inbox")).status_code == 403
    assert as_user(city.a_admin).get(reverse("bulletins:receivers")).status_code == 403
    item.refresh_from_db()
    assert item.status == InfoReport.Status.SUBMITTED


def test_pages_need_a_login(client):
    for name in ("notices", "notices_manage", "reports", "report_stats", "receivers"):
        page = client.get(reverse(f"bulletins:{name}"))
        assert page.status_code == 302 and "/accounts/" in page["Location"]


def test_the_other_lists_take_a_fixed_number_of_queries(
    city, receivers, django_assert_max_num_queries
):
    for i in range(12):
        report(city, title=f"信息{i}")
        services.notice_submit(actor=city.a_clerk, notice=draft(city, title=f"送审{i}"))
    pages = (
        (city.gov_clerk, "bulletins:reports_inbox"),
        (city.a_clerk, "bulletins:reports"),
        (city.a_leader, "bulletins:notices_pending"),
        (city.a_clerk, "bulletins:notices_manage"),
    )
    for person, name in pages:
        c = as_user(person)
        with django_assert_max_num_queries(14):
            assert c.get(reverse(name)).status_code == 200, name


def test_a_deregistered_receiver_can_still_be_switched_off(city, receivers):
    city.party_office.status = "deregistered"
    city.party_office.in_directory = False
    city.party_office.save()
    page = as_user(city.shuziban).post(
        reverse("bulletins:receivers"), {"unit": city.party_office.pk, "note": ""}
    )
    assert page.status_code == 302
    assert not ReceivingUnit.objects.get(unit=city.party_office).active
