"""The 24-hour clock of S1 art. 51 with a controlled clock: reminders at 12 h and 21.6 h, the
escalation at exactly 24 hours, the government office told, the paper notice generated."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pdfplumber
import pytest
from django.utils import timezone

from conftest import make_unit
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.notify.models import Notification
from wenshu.tickets import services
from wenshu.tickets.models import Ticket, TicketAlarm, TicketEvent, TicketNotice
from wenshu.tickets.tests.conftest import at_office, report

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(480))
A = TicketAlarm.Kind


@pytest.fixture
def clock(time_machine):
    """The clock stands still at START; move it with clock.to(hours after START)."""
    time_machine.move_to(START, tick=False)

    class Clock:
        @staticmethod
        def to(hours: float = 0, **delta: float) -> None:
            time_machine.move_to(START + timedelta(hours=hours, **delta), tick=False)

    return Clock


def reminders(person, ticket):
    return Notification.objects.filter(recipient=person, title__contains=f"时限提醒 #{ticket.pk}")


def escalation_reports(person, ticket):
    return Notification.objects.filter(
        recipient=person, title__contains=f"故障单 #{ticket.pk}", title__startswith="故障升级报告"
    )


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    return "".join(text.split())


def test_reminders_at_12_and_21_6_hours_exactly_once_each(city, clock):
    t = at_office(city)
    clock.to(12, seconds=-1)
    assert services.tickets_timers_sweep()["remind_50"] == 0
    assert not reminders(city.shuziban, t).exists()
    clock.to(12)
    assert services.tickets_timers_sweep()["remind_50"] == 1
    assert reminders(city.shuziban, t).count() == 1
    assert "已满 12 小时" in reminders(city.shuziban, t).get().title
    clock.to(12, minutes=5)
    services.tickets_timers_sweep()
    clock.to(21.6, seconds=-1)
    services.tickets_timers_sweep()
    assert reminders(city.shuziban, t).count() == 1
    clock.to(21.6)
    assert services.tickets_timers_sweep()["remind_90"] == 1
    clock.to(21.6, minutes=5)
    services.tickets_timers_sweep()
    titles = sorted(reminders(city.shuziban, t).values_list("title", flat=True))
    assert len(titles) == 2 and "已满 21.6 小时" in titles[1]
    assert t.events.filter(kind=TicketEvent.Kind.REMINDER).count() == 2
    assert not Notification.objects.filter(
        recipient=city.a_clerk, title__contains="时限提醒"
    ).exists()


def test_an_acknowledged_ticket_is_still_reminded_until_it_is_resolved(city, clock):
    t = at_office(city)
    clock.to(1)
    services.ticket_acknowledge(actor=city.shuziban, ticket=t)
    clock.to(12)
    services.tickets_timers_sweep()
    assert "已响应，但故障尚未排除" in reminders(city.shuziban, t).get().body


def test_escalation_at_exactly_24_hours_and_not_a_second_before(city, clock):
    t = at_office(city, category="exchange", summary="全市公文交换中断")
    clock.to(24, seconds=-1)
    assert services.tickets_timers_sweep()["breach"] == 0
    t.refresh_from_db()
    assert t.breached_at is None and not t.notices.exists()
    assert not escalation_reports(city.zhengfuban, t).exists()
    clock.to(24)
    assert services.tickets_timers_sweep()["breach"] == 1
    t.refresh_from_db()
    assert t.breached_at == START + timedelta(hours=24)
    assert t.status == Ticket.Status.ESCALATED  # the flag, not a new state
    assert escalation_reports(city.zhengfuban, t).count() == 1
    office = Notification.objects.filter(
        recipient=city.shuziban, title__contains="超过24小时未排除"
    )
    assert office.count() == 1 and "提出解决办法" in office.get().body
    assert AuditEvent.objects.filter(action="tickets.breached", target_id=str(t.pk)).count() == 1


def test_the_escalation_happens_once_however_often_the_sweep_runs(city, clock):
    t = at_office(city)
    clock.to(30)
    fired = [services.tickets_timers_sweep()["breach"] for _ in range(3)]
    assert fired == [1, 0, 0]
    assert TicketAlarm.objects.filter(ticket=t, kind=A.BREACH).count() == 1
    assert escalation_reports(city.zhengfuban, t).count() == 1
    # Escalated late, it does not send the stale reminders first.
    assert not TicketAlarm.objects.filter(ticket=t, kind__in=[A.REMIND_50, A.REMIND_90]).exists()


def test_the_paper_notice_is_generated_with_the_affected_units(city, clock):
    make_unit("白银市公安局", "市公安局", "白公")
    t = at_office(city, category="exchange", summary="全市公文交换中断")
    clock.to(24)
    services.tickets_timers_sweep()
    notice = TicketNotice.objects.get(ticket=t)
    names = {"白银市财政局", "白银市教育局", "白银市公安局", "白银市人民政府办公室"}
    assert set(notice.unit_names) >= names
    assert "白银市数字白银工作办公室" not in notice.unit_names  # the issuer itself
    text = pdf_text(bytes(notice.pdf))
    assert "关于电子公文交换系统故障的紧急通知" in text
    assert "白银市数字白银工作办公室" in text
    for name in names:
        assert name in text
    assert "全市公文交换中断" in text and "纸质文件" in text


def test_the_office_records_its_solution_and_a_new_notice_goes_to_the_chosen_units(city, clock):
    t = at_office(city, category="network", summary="财政局专网中断")
    clock.to(24)
    services.tickets_timers_sweep()
    first = TicketNotice.objects.get(ticket=t)
    assert first.unit_names == ["白银市财政局"]  # not an exchange fault: the reporter's unit
    clock.to(25)
    notice = services.ticket_record_solution(
        actor=city.shuziban,
        ticket=t,
        solution="启用备用线路；期间公文改由机要交通传递。",
        units=[city.a, city.b],
    )
    assert notice.version == 2 and set(notice.unit_names) == {"白银市财政局", "白银市教育局"}
    text = pdf_text(bytes(notice.pdf))
    assert "启用备用线路" in text and "白银市教育局" in text
    assert "关于电子政务网络系统故障的紧急通知" in text
    gov = Notification.objects.filter(recipient=city.zhengfuban, title__contains="解决办法")
    assert gov.count() == 1 and "启用备用线路" in gov.get().body
    t.refresh_from_db()
    assert t.proposed_solution.startswith("启用备用线路") and t.solution_by == city.shuziban


def test_a_breached_ticket_needs_the_solution_before_it_can_be_resolved(city, clock):
    t = at_office(city)
    clock.to(24)
    services.tickets_timers_sweep()
    with pytest.raises(Conflict, match="须先提出解决办法"):
        services.ticket_resolve(actor=city.shuziban, ticket=t, resolution="已恢复")
    services.ticket_record_solution(actor=city.shuziban, ticket=t, solution="更换交换机")
    assert (
        services.ticket_resolve(actor=city.shuziban, ticket=t, resolution="已恢复").status
        == Ticket.Status.RESOLVED
    )


def test_a_ticket_resolved_before_24_hours_does_not_escalate(city, clock):
    t = at_office(city)
    clock.to(23, minutes=59)
    services.ticket_resolve(actor=city.shuziban, ticket=t, resolution="已恢复")
    for hours in (24, 25, 48):
        clock.to(hours)
        assert services.tickets_timers_sweep()["breach"] == 0
    t.refresh_from_db()
    assert t.breached_at is None and not t.notices.exists()
    assert not escalation_reports(city.zhengfuban, t).exists()


def test_the_clock_counts_from_the_escalation_not_from_the_first_report(city, clock):
    t = report(city.a_clerk)
    clock.to(10)
    services.ticket_escalate(actor=city.a_admin, ticket=t)
    clock.to(24)
    assert services.tickets_timers_sweep() == {
        "remind_50": 1,
        "remind_90": 0,
        "breach": 0,
        "closed": 0,
    }
    clock.to(34)
    assert services.tickets_timers_sweep()["breach"] == 1


def test_a_ticket_still_with_the_unit_has_no_clock(city, clock):
    report(city.a_clerk)
    clock.to(100)
    assert services.tickets_timers_sweep() == {
        "remind_50": 0,
        "remind_90": 0,
        "breach": 0,
        "closed": 0,
    }


def test_a_reopened_office_ticket_is_reminded_and_escalated_again(city, clock):
    t = at_office(city)
    clock.to(24)
    services.tickets_timers_sweep()
    services.ticket_record_solution(actor=city.shuziban, ticket=t, solution="临时改用纸质")
    services.ticket_resolve(actor=city.shuziban, ticket=t, resolution="已恢复")
    clock.to(30)
    services.ticket_reopen(actor=city.a_clerk, ticket=t, reason="又中断了")
    clock.to(54)
    assert services.tickets_timers_sweep()["breach"] == 1
    assert TicketAlarm.objects.filter(ticket=t, kind=A.BREACH).count() == 2


def test_only_the_digital_office_records_a_solution_and_only_for_a_breached_ticket(city, clock):
    t = at_office(city)
    with pytest.raises(Conflict, match="只有超过24小时"):
        services.ticket_record_solution(actor=city.shuziban, ticket=t, solution="x")
    clock.to(24)
    services.tickets_timers_sweep()
    for person in (city.a_admin, city.zhengfuban):
        with pytest.raises(Forbidden):
            services.ticket_record_solution(actor=person, ticket=t, solution="x")
    with pytest.raises(DomainError, match="请填写解决办法"):
        services.ticket_record_solution(actor=city.shuziban, ticket=t, solution="  ")
    assert TicketNotice.objects.filter(ticket=t).count() == 1


def test_a_notice_to_an_unregistered_unit_is_refused(city, clock):
    t = at_office(city)
    clock.to(24)
    services.tickets_timers_sweep()
    with pytest.raises(DomainError, match="已注册的使用单位"):
        services.ticket_record_solution(
            actor=city.shuziban, ticket=t, solution="x", units=[city.digital_office]
        )
