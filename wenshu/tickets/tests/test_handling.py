"""Every step of a ticket and every refusal: wrong role, wrong state, another unit (404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.tickets import services
from wenshu.tickets.models import TICKET_TRANSITIONS, Ticket, TicketEvent

S = Ticket.Status
E = TicketEvent.Kind


def audited(ticket, action):
    return AuditEvent.objects.filter(action=f"tickets.{action}", target_id=str(ticket.pk)).count()


def test_the_local_path_reported_taken_resolved_closed(city, ticket):
    t = services.ticket_take(actor=city.a_admin, ticket=ticket, note="正在检查网线")
    assert t.status == S.UNIT_HANDLING and t.handled_by == city.a_admin
    t = services.ticket_resolve(actor=city.a_admin, ticket=t, resolution="更换网线后恢复")
    assert t.status == S.RESOLVED and t.resolved_by == city.a_admin and t.acknowledged_at is None
    t = services.ticket_close(actor=city.a_clerk, ticket=t, note="确认已恢复")
    assert t.status == S.CLOSED and t.closed_at is not None
    kinds = list(t.events.values_list("kind", flat=True))
    assert kinds == [E.REPORTED, E.TAKEN, E.RESOLVED, E.CLOSED]
    for action in ("reported", "taken", "resolved", "closed"):
        assert audited(t, action) == 1


def test_the_office_path_escalated_acknowledged_in_progress_resolved_closed(city, ticket):
    t = services.ticket_escalate(actor=city.a_admin, ticket=ticket, note="重启无效")
    assert t.status == S.ESCALATED and t.due_at == t.reached_office_at + timedelta(hours=24)
    t = services.ticket_acknowledge(actor=city.shuziban, ticket=t, note="已安排工程师")
    assert t.status == S.ACKNOWLEDGED and t.acknowledged_by == city.shuziban
    t = services.ticket_start(actor=city.shuziban, ticket=t)
    assert t.status == S.IN_PROGRESS
    services.ticket_note(actor=city.shuziban, ticket=t, text="交换服务器磁盘已满，正在清理")
    t = services.ticket_resolve(actor=city.shuziban, ticket=t, resolution="清理磁盘后恢复")
    assert t.status == S.RESOLVED
    t = services.ticket_close(actor=city.shuziban, ticket=t)
    assert t.status == S.CLOSED
    kinds = list(t.events.values_list("kind", flat=True))
    assert kinds == [
        E.REPORTED,
        E.ESCALATED,
        E.ACKNOWLEDGED,
        E.STARTED,
        E.NOTE,
        E.RESOLVED,
        E.CLOSED,
    ]
    to_reporter = Notification.objects.filter(recipient=city.a_clerk, kind="tickets")
    assert to_reporter.filter(title__contains="已上报市数字办").exists()
    assert to_reporter.filter(title__contains="已响应").exists()
    assert to_reporter.filter(title__contains="已排除").exists()


def test_resolving_an_unanswered_office_ticket_counts_as_the_response(city, office_ticket):
    t = services.ticket_resolve(actor=city.shuziban, ticket=office_ticket, resolution="已恢复")
    assert t.acknowledged_at == t.resolved_at and t.acknowledged_by == city.shuziban


@pytest.mark.parametrize("who", ["a_clerk", "a_staff", "a_leader", "b_admin", "shuziban"])
def test_only_the_units_system_administrator_takes_or_escalates(city, ticket, who):
    person = getattr(city, who)
    # The reporter and the digital office see the ticket; other colleagues and outsiders don't.
    expected = Forbidden if who in ("a_clerk", "shuziban") else NotFound
    with pytest.raises(expected):
        services.ticket_take(actor=person, ticket=ticket)
    with pytest.raises(expected):
        services.ticket_escalate(actor=person, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == S.REPORTED


@pytest.mark.parametrize("who", ["a_admin", "a_clerk", "zhengfuban", "sysadmin"])
def test_only_the_digital_office_acknowledges_starts_and_resolves(city, office_ticket, who):
    person = getattr(city, who)
    for step in (services.ticket_acknowledge, services.ticket_start):
        with pytest.raises((Forbidden, NotFound)):
            step(actor=person, ticket=office_ticket)
    with pytest.raises((Forbidden, NotFound)):
        services.ticket_resolve(actor=person, ticket=office_ticket, resolution="好了")
    office_ticket.refresh_from_db()
    assert office_ticket.status == S.ESCALATED


def test_the_digital_office_does_not_resolve_a_ticket_still_with_the_unit(city, ticket):
    with pytest.raises(Forbidden, match="只有本单位的系统管理员"):
        services.ticket_resolve(actor=city.shuziban, ticket=ticket, resolution="好了")


def test_an_outsider_gets_a_404_for_every_step(city, ticket):
    for step, kw in (
        (services.ticket_take, {}),
        (services.ticket_escalate, {}),
        (services.ticket_withdraw, {}),
        (services.ticket_close, {}),
        (services.ticket_note, {"text": "看看"}),
        (services.ticket_resolve, {"resolution": "好了"}),
        (services.ticket_reopen, {"reason": "又坏了"}),
    ):
        with pytest.raises(NotFound):
            step(actor=city.b_staff, ticket=ticket, **kw)


def test_steps_in_the_wrong_state_are_conflicts(city, office_ticket):
    for step, actor, kw, message in (
        (services.ticket_start, city.shuziban, {}, "不能开始处理"),
        (services.ticket_close, city.shuziban, {}, "故障排除后才能关闭"),
        (services.ticket_close, city.a_clerk, {}, "故障排除后才能关闭"),
        (services.ticket_reopen, city.a_clerk, {"reason": "又坏了"}, "尚未办结"),
    ):
        with pytest.raises(Conflict, match=message) as refused:
            step(actor=actor, ticket=office_ticket, **kw)
        assert refused.value.status == 409
    office_ticket.refresh_from_db()
    assert office_ticket.status == S.ESCALATED


def test_the_unit_cannot_take_or_escalate_once_it_is_at_the_office(city, office_ticket):
    with pytest.raises(Conflict, match="不能受理"):
        services.ticket_take(actor=city.a_admin, ticket=office_ticket)
    with pytest.raises(Conflict, match="不能上报市数字办"):
        services.ticket_escalate(actor=city.a_admin, ticket=office_ticket)
    with pytest.raises(Forbidden, match="只有市数字办管理员"):
        services.ticket_resolve(actor=city.a_admin, ticket=office_ticket, resolution="好了")


def test_a_double_click_on_acknowledge_is_refused_the_second_time(city, office_ticket):
    services.ticket_acknowledge(actor=city.shuziban, ticket=office_ticket)
    with pytest.raises(Conflict, match="市数字办已响应"):
        services.ticket_acknowledge(actor=city.shuziban, ticket=office_ticket)
    assert TicketEvent.objects.filter(kind=E.ACKNOWLEDGED).count() == 1


def test_taking_twice_is_refused(city, ticket):
    services.ticket_take(actor=city.a_admin, ticket=ticket)
    with pytest.raises(Conflict, match="单位处理中"):
        services.ticket_take(actor=city.a_admin, ticket=ticket)


def test_the_reporter_withdraws_while_it_is_with_the_unit(city, ticket):
    with pytest.raises(Forbidden, match="只有报修人本人"):
        services.ticket_withdraw(actor=city.a_admin, ticket=ticket)
    t = services.ticket_withdraw(actor=city.a_clerk, ticket=ticket, reason="自己重启后好了")
    assert t.status == S.CLOSED


def test_a_report_at_the_office_cannot_be_withdrawn(city, office_ticket):
    with pytest.raises(Conflict, match="不能撤回"):
        services.ticket_withdraw(actor=city.a_clerk, ticket=office_ticket)


def test_notes_by_the_reporter_and_handlers_but_not_by_others_of_the_unit(city, ticket):
    services.ticket_note(actor=city.a_clerk, ticket=ticket, text="补充：上午九点开始")
    services.ticket_note(actor=city.a_admin, ticket=ticket, text="已看过")
    with pytest.raises(NotFound):  # a colleague who is not the reporter does not see it
        services.ticket_note(actor=city.a_staff, ticket=ticket, text="我也是")
    with pytest.raises(NotFound):  # the government office sees escalated tickets only
        services.ticket_note(actor=city.zhengfuban, ticket=ticket, text="收到")
    assert ticket.events.filter(kind=E.NOTE).count() == 2


def test_a_closed_ticket_takes_no_more_notes(city, ticket):
    services.ticket_withdraw(actor=city.a_clerk, ticket=ticket)
    with pytest.raises(Conflict, match="已关闭"):
        services.ticket_note(actor=city.a_clerk, ticket=ticket, text="再说一句")


def test_an_empty_resolution_or_reopen_reason_is_refused(city, ticket):
    with pytest.raises(Exception, match="请填写处理结果"):
        services.ticket_resolve(actor=city.a_admin, ticket=ticket, resolution=" ")
    with pytest.raises(Exception, match="请填写重新打开的原因"):
        services.ticket_reopen(actor=city.a_clerk, ticket=ticket, reason="")


def test_the_reporter_reopens_a_local_ticket_back_to_the_unit(city, ticket):
    services.ticket_resolve(actor=city.a_admin, ticket=ticket, resolution="重启")
    with pytest.raises(Forbidden, match="只有报修人本人"):
        services.ticket_reopen(actor=city.a_admin, ticket=ticket, reason="又坏了")
    t = services.ticket_reopen(actor=city.a_clerk, ticket=ticket, reason="又坏了")
    assert t.status == S.REPORTED and t.resolved_at is None and t.resolution == ""
    assert t.reached_office_at is None


def test_reopening_an_office_ticket_starts_a_new_24_hour_clock(city, office_ticket, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    services.ticket_resolve(actor=city.shuziban, ticket=office_ticket, resolution="已恢复")
    time_machine.shift(timedelta(days=2))
    t = services.ticket_reopen(actor=city.a_clerk, ticket=office_ticket, reason="又不能收文了")
    assert t.status == S.ESCALATED and t.clock_round == 2
    assert t.reached_office_at == timezone.now() and t.acknowledged_at is None
    assert t.due_at == timezone.now() + timedelta(hours=24)


def test_reopening_after_the_window_is_refused(city, ticket, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    services.ticket_resolve(actor=city.a_admin, ticket=ticket, resolution="重启")
    services.ticket_close(actor=city.a_clerk, ticket=ticket)
    time_machine.shift(timedelta(days=7, seconds=1))
    with pytest.raises(Conflict, match="已超过 7 天"):
        services.ticket_reopen(actor=city.a_clerk, ticket=ticket, reason="又坏了")


def test_a_system_ticket_is_reopened_by_the_digital_office(city):
    t = services.ticket_raise_system(
        source="verify", category="exchange", summary="验签失败", dedupe_key="verify:1", unit=city.a
    )
    services.ticket_resolve(actor=city.shuziban, ticket=t, resolution="证书已更新")
    with pytest.raises(Forbidden):
        services.ticket_reopen(actor=city.a_admin, ticket=t, reason="又失败")
    assert (
        services.ticket_reopen(actor=city.shuziban, ticket=t, reason="又失败").status == S.ESCALATED
    )


def test_resolved_tickets_close_themselves_after_the_reopen_window(city, ticket, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    services.ticket_resolve(actor=city.a_admin, ticket=ticket, resolution="重启")
    time_machine.shift(timedelta(days=7))
    assert services.tickets_auto_close() == 0
    time_machine.shift(timedelta(seconds=1))
    assert services.tickets_auto_close() == 1
    assert services.tickets_auto_close() == 0
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED


def test_the_transitions_table_names_only_known_states():
    states = set(S.values)
    assert set(TICKET_TRANSITIONS) == states
    assert all(targets <= states for targets in TICKET_TRANSITIONS.values())
    assert TICKET_TRANSITIONS[S.IN_PROGRESS] == {S.RESOLVED}
