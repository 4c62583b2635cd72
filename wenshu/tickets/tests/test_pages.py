"""The ticket pages: reporting, the lists, the ticket page and its steps, downloads,
statistics, the workbench counter — and outsiders refused (404) on every one of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.lib.scan import eicar_test_file
from wenshu.tickets import services
from wenshu.tickets.models import Ticket, TicketNotice
from wenshu.tickets.tests.conftest import at_office, report

S = Ticket.Status


def page(response) -> str:
    return response.content.decode()


def breached(city, time_machine) -> Ticket:
    time_machine.move_to(timezone.now(), tick=False)
    t = at_office(city, category="exchange", summary="全市公文交换中断")
    time_machine.shift(timedelta(hours=24))
    services.tickets_timers_sweep()
    return t


def test_a_person_reports_a_fault_on_the_page(city, login):
    c = login(city.a_staff)
    assert "直接上报市数字办" not in page(c.get("/tickets/new/"))
    response = c.post(
        "/tickets/new/",
        {
            "category": "function",
            "urgency": "urgent",
            "summary": "收文列表打不开",
            "details": "提示 500",
        },
    )
    t = Ticket.objects.get()
    assert response.status_code == 302 and response.url == f"/tickets/{t.pk}/"
    assert t.reporter == city.a_staff and t.status == S.REPORTED


def test_a_refused_report_keeps_what_was_typed(city, login):
    c = login(city.a_staff)
    response = c.post(
        "/tickets/new/",
        {
            "category": "function",
            "urgency": "normal",
            "summary": "机密★ 文件发不出去",
            "details": "我的描述",
        },
    )
    assert response.status_code == 400
    assert "涉密" in page(response) and "我的描述" in page(response)
    assert not Ticket.objects.exists()


def test_a_unit_admin_may_tick_straight_to_the_office(city, login):
    c = login(city.a_admin)
    c.post(
        "/tickets/new/",
        {"category": "network", "urgency": "critical", "summary": "断网", "to_office": "on"},
    )
    assert Ticket.objects.get().status == S.ESCALATED


@pytest.mark.usefixtures("clamd_socket")
def test_an_infected_attachment_is_refused_and_nothing_is_written(city, login):
    c = login(city.a_staff)
    virus = SimpleUploadedFile("日志.txt", eicar_test_file(), content_type="text/plain")
    response = c.post(
        "/tickets/new/",
        {"category": "function", "urgency": "normal", "summary": "系统很慢", "attachments": virus},
    )
    assert response.status_code == 400 and "系统很慢" in page(response)
    assert not Ticket.objects.exists()


@pytest.mark.usefixtures("clamd_socket")
def test_an_attachment_is_downloaded_by_those_who_see_the_ticket_only(city, login):
    c = login(city.a_clerk)
    shot = SimpleUploadedFile("截图.txt", "错误代码 0x80".encode(), content_type="text/plain")
    c.post(
        "/tickets/new/",
        {"category": "function", "urgency": "normal", "summary": "报错", "attachments": shot},
    )
    t = Ticket.objects.get()
    a = t.attachments.get()
    url = f"/tickets/{t.pk}/attachments/{a.pk}/"
    assert c.get(url).content == "错误代码 0x80".encode()
    assert login(city.a_admin).get(url).status_code == 200
    for outsider in (city.b_admin, city.b_staff, city.a_staff):
        assert login(outsider).get(url).status_code == 404


def test_the_ticket_page_is_for_the_reporter_the_unit_admin_and_the_office(city, login, ticket):
    url = f"/tickets/{ticket.pk}/"
    for person in (city.a_clerk, city.a_admin, city.shuziban):
        assert login(person).get(url).status_code == 200
    for person in (city.b_admin, city.b_staff, city.a_staff, city.zhengfuban):
        response = login(person).get(url)
        assert response.status_code == 404 and ticket.summary not in page(response)


def test_lists_show_only_what_the_viewer_may_see(city, login, ticket):
    theirs = report(city.b_staff, summary="教育局的打印机")
    c = login(city.a_admin)
    queue = page(c.get("/tickets/queue/"))
    assert ticket.summary in queue and theirs.summary not in queue
    for scope in ("all", "office", "unit", "mine", "breached"):
        assert theirs.summary not in page(c.get("/tickets/", {"scope": scope}))
    assert ticket.summary not in page(login(city.b_admin).get("/tickets/", {"scope": "all"}))
    assert theirs.summary in page(login(city.shuziban).get("/tickets/", {"scope": "all"}))


def test_the_list_keeps_to_a_fixed_number_of_queries(city, login, django_assert_max_num_queries):
    for i in range(30):
        report(city.a_clerk, summary=f"故障{i}")
    c = login(city.a_admin)
    with django_assert_max_num_queries(12):
        assert c.get("/tickets/", {"scope": "unit"}).status_code == 200


def test_the_unit_admin_takes_and_escalates_by_post(city, login, ticket):
    c = login(city.a_admin)
    assert c.get(f"/tickets/{ticket.pk}/take/").status_code == 405
    assert c.post(f"/tickets/{ticket.pk}/take/", {"note": "看看"}).status_code == 302
    response = c.post(f"/tickets/{ticket.pk}/escalate/", {"note": "换了网线也不行"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.ESCALATED


def test_a_stale_step_shows_the_refusal_and_keeps_the_text(city, login, ticket):
    c = login(city.a_admin)
    c.post(f"/tickets/{ticket.pk}/take/")
    response = c.post(f"/tickets/{ticket.pk}/take/", {"note": "第二次点击"})
    assert response.status_code == 409
    assert "不能受理" in page(response) and "第二次点击" in page(response)


def test_a_wrong_role_is_refused_on_the_page(city, login, ticket):
    response = login(city.a_clerk).post(f"/tickets/{ticket.pk}/take/")
    assert response.status_code == 403 and "只有本单位的系统管理员" in page(response)
    refusal = AuditEvent.objects.get(action="tickets.refused")
    assert refusal.result == "refused" and refusal.actor_id == city.a_clerk.pk


def test_an_empty_resolution_is_a_form_error(city, login, ticket):
    response = login(city.a_admin).post(f"/tickets/{ticket.pk}/resolve/", {"resolution": ""})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == S.REPORTED


def test_outsiders_cannot_change_another_units_ticket(city, login, ticket):
    for action in (
        "take",
        "escalate",
        "withdraw",
        "acknowledge",
        "start",
        "note",
        "resolve",
        "close",
        "reopen",
        "solution",
    ):
        response = login(city.b_admin).post(
            f"/tickets/{ticket.pk}/{action}/",
            {"note": "x", "text": "x", "resolution": "x", "reason": "x", "solution": "x"},
        )
        assert response.status_code == 404, action
    ticket.refresh_from_db()
    assert ticket.status == S.REPORTED and ticket.events.count() == 1


def test_an_unknown_step_is_a_404(city, login, ticket):
    assert login(city.a_admin).post(f"/tickets/{ticket.pk}/explode/").status_code == 404


def test_the_office_works_a_ticket_through_the_pages(city, login, office_ticket):
    c = login(city.shuziban)
    base = f"/tickets/{office_ticket.pk}"
    assert "响应（已收到" in page(c.get(f"{base}/"))
    assert c.post(f"{base}/acknowledge/", {"note": "已收到"}).status_code == 302
    assert c.post(f"{base}/start/").status_code == 302
    assert c.post(f"{base}/note/", {"text": "正在排查"}).status_code == 302
    assert c.post(f"{base}/resolve/", {"resolution": "已恢复"}).status_code == 302
    assert login(city.a_clerk).post(f"{base}/close/").status_code == 302
    office_ticket.refresh_from_db()
    assert office_ticket.status == S.CLOSED
    assert "重新打开" in page(login(city.a_clerk).get(f"{base}/"))


def test_the_breached_ticket_page_the_solution_and_the_notice_pdf(city, login, time_machine):
    t = breached(city, time_machine)
    c = login(city.shuziban)
    body = page(c.get(f"/tickets/{t.pk}/"))
    assert "提出解决办法" in body and "市数字办尚未提出" in body
    response = c.post(
        f"/tickets/{t.pk}/solution/",
        {"solution": "启用备用服务器", "units": [city.a.pk, city.b.pk]},
    )
    assert response.status_code == 302
    notice = TicketNotice.objects.get(ticket=t, version=2)
    url = f"/tickets/{t.pk}/notices/{notice.pk}.pdf"
    pdf = c.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    gov = login(city.zhengfuban)
    assert gov.get(f"/tickets/{t.pk}/").status_code == 200  # the escalation report
    assert t.summary in page(gov.get("/tickets/breached/"))
    assert gov.get(url).status_code == 200
    for outsider in (city.b_admin, city.b_staff):
        assert login(outsider).get(url).status_code == 404


def test_statistics_page_and_export(city, login, ticket):
    c = login(city.shuziban)
    body = page(c.get("/tickets/stats/"))
    assert "按单位和类别" in body and "白银市财政局" in body
    xlsx = c.get("/tickets/stats.xlsx", {"start": "2024-01-01", "end": "2028-12-31"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    bad = c.get("/tickets/stats/", {"start": "2026-05-01", "end": "2026-04-01"})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in page(bad)
    assert c.get("/tickets/stats.xlsx", {"start": "x"}).status_code == 400


@pytest.mark.parametrize("who", ["a_clerk", "b_staff", "zhengfuban"])
def test_statistics_are_refused_to_others(city, login, who):
    c = login(getattr(city, who))
    assert c.get("/tickets/stats/").status_code == 403
    assert c.get("/tickets/stats.xlsx").status_code == 403


def test_the_unit_admins_statistics_leave_out_other_units(city, login, ticket):
    report(city.b_staff, summary="教育局的打印机")
    body = page(login(city.a_admin).get("/tickets/stats/"))
    assert "白银市财政局" in body and "白银市教育局" not in body


def test_the_workbench_counts_open_tickets_for_those_who_handle_them(city, login, ticket):
    at_office(city)
    a_admin = page(login(city.a_admin).get("/workbench/"))
    assert "待处理故障" in a_admin
    assert "待处理故障" not in page(login(city.a_clerk).get("/workbench/"))
    from wenshu.tickets import selectors

    assert selectors.queue_count(viewer=city.a_admin) == 1  # the one still with the unit
    assert selectors.queue_count(viewer=city.shuziban) == 1  # escalated, not acknowledged
    assert selectors.queue_count(viewer=city.b_admin) == 0


def test_the_navigation_shows_the_tickets_entries(city, login):
    body = page(login(city.a_admin).get("/tickets/"))
    assert "故障报修" in body and "故障统计" in body
    assert "故障统计" not in page(login(city.a_staff).get("/tickets/")).split("<main")[0]
