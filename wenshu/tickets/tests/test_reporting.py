"""Reporting a fault (by a person, by the system) and who hears of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from conftest import make_person
from wenshu.accounts.models import RoleGrant
from wenshu.audit.models import AuditEvent
from wenshu.files.services import file_ingest
from wenshu.lib.errors import DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.tickets import services
from wenshu.tickets.models import Ticket, TicketEvent
from wenshu.tickets.tests.conftest import report

S = Ticket.Status


def test_it_files_a_report_with_the_unit_admin_and_tells_them(city):
    t = report(
        city.a_staff,
        summary="打印机无法打印公文",
        category="terminal",
        urgency="urgent",
        affected="办公室两台电脑",
        related_ref="白财〔2026〕3号",
    )
    assert t.status == S.REPORTED and t.unit == city.a and t.reporter == city.a_staff
    assert t.reached_office_at is None and t.due_at is None
    assert list(t.events.values_list("kind", flat=True)) == [TicketEvent.Kind.REPORTED]
    assert AuditEvent.objects.filter(action="tickets.reported", target_id=str(t.pk)).exists()
    told = Notification.objects.filter(kind="tickets", title__contains=f"#{t.pk}")
    assert set(told.values_list("recipient__username", flat=True)) == {"a_admin"}


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("summary", "  ", "请填写故障简述"),
        ("summary", "字" * 201, "不能超过 200 字"),
        ("category", "printer", "请选择有效的故障类别"),
        ("urgency", "asap", "请选择有效的紧急程度"),
        ("details", "机密★1年 的文件无法发送", "涉密"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(city, field, value, message):
    with pytest.raises(DomainError, match=message):
        report(city.a_staff, **{field: value})
    assert not Ticket.objects.exists()


def test_a_unit_admin_may_send_a_report_straight_to_the_office(city):
    t = report(city.a_admin, to_office=True, urgency="critical")
    assert t.status == S.ESCALATED and t.reached_office_at == t.reported_at
    assert t.due_at == t.reached_office_at + timedelta(hours=24) and t.clock_round == 1
    told = Notification.objects.filter(kind="tickets", recipient=city.shuziban)
    assert told.filter(title__contains="24小时内须响应").count() == 1


def test_ordinary_staff_may_not_send_straight_to_the_office(city):
    with pytest.raises(Forbidden, match="只有单位系统管理员可以直接上报"):
        report(city.a_staff, to_office=True)
    assert not Ticket.objects.exists()


def test_a_unit_without_a_system_administrator_reports_to_the_office_directly(city):
    RoleGrant.objects.filter(user=city.b_admin).delete()
    t = report(city.b_staff)
    assert t.status == S.ESCALATED and t.reached_office_at is not None


def test_a_report_by_the_digital_office_itself_is_at_the_office_at_once(city):
    t = report(city.shuziban, category="network")
    assert t.status == S.ESCALATED and t.unit == city.digital_office


def test_an_inactive_person_may_not_report(city):
    city.a_staff.status = "disabled"
    city.a_staff.save()
    with pytest.raises(Forbidden):
        report(city.a_staff)


@pytest.mark.usefixtures("clamd_socket")
def test_it_keeps_the_attachments_that_passed_the_scan(city):
    shot = file_ingest(
        actor=city.a_staff,
        name="报错截图.txt",
        data_or_fileobj=b"error 0x80",
        purpose="tickets.attachment",
    )
    t = services.ticket_report(
        actor=city.a_staff,
        uploads=[shot],
        data=services.ReportInput(category="function", summary="收文列表打不开"),
    )
    assert [a.upload for a in t.attachments.all()] == [shot]


@pytest.mark.usefixtures("clamd_socket")
def test_someone_elses_upload_cannot_be_attached(city):
    theirs = file_ingest(actor=city.b_staff, name="x.txt", data_or_fileobj=b"x")
    with pytest.raises(NotFound):
        services.ticket_report(
            actor=city.a_staff,
            uploads=[theirs],
            data=services.ReportInput(category="function", summary="收文列表打不开"),
        )
    assert not Ticket.objects.exists()


def raise_it(city, key="exchange:delivery:17", **kw):
    return services.ticket_raise_system(
        source="exchange.delivery_failed",
        category="exchange",
        summary="公文投递失败",
        details="向市财政局投递《关于…的通知》失败：连接超时",
        unit=kw.pop("unit", city.a),
        dedupe_key=key,
        **kw,
    )


def test_a_system_fault_goes_straight_to_the_office_with_no_reporter(city):
    t = raise_it(city)
    assert t.source == Ticket.Source.SYSTEM and t.reporter is None
    assert t.status == S.ESCALATED and t.due_at == t.reported_at + timedelta(hours=24)
    kinds = list(t.events.values_list("kind", flat=True))
    assert kinds == [TicketEvent.Kind.RAISED, TicketEvent.Kind.ESCALATED]
    people = set(
        Notification.objects.filter(kind="tickets").values_list("recipient__username", flat=True)
    )
    assert people == {"shuziban", "a_admin"}


def test_raising_the_same_fault_twice_gives_the_same_ticket(city):
    first = raise_it(city)
    again = services.ticket_raise_system(
        source="exchange.delivery_failed",
        category="network",
        summary="另一种说法",
        dedupe_key="exchange:delivery:17",
    )
    assert again.pk == first.pk and again.summary == "公文投递失败"
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.RAISED).count() == 1
    assert raise_it(city, key="exchange:delivery:18").pk != first.pk


def test_raising_inside_the_callers_transaction_rolls_back_with_it(city):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_it(city)
        raise RuntimeError("the caller failed")
    assert not Ticket.objects.exists()


def test_a_system_wide_fault_may_have_no_unit(city):
    t = raise_it(city, unit=None)
    assert t.unit is None and t.status == S.ESCALATED


@pytest.mark.parametrize(
    "kw", [{"category": "printer"}, {"dedupe_key": ""}, {"source": " "}, {"urgency": "x"}]
)
def test_a_calling_app_gets_a_loud_error_for_bad_arguments(city, kw):
    args = {
        "source": "verify",
        "category": "exchange",
        "summary": "验证失败",
        "dedupe_key": "k",
        **kw,
    }
    with pytest.raises(ValueError):
        services.ticket_raise_system(**args)


def test_a_person_of_another_unit_reports_into_their_own_unit(city):
    extra = make_person("b_staff2", city.b, "staff")
    assert report(extra).unit == city.b
