"""Loans to another unit only with the office's consent (S3 第五条), and overdue reminders on
a controlled clock: exactly one per loan per day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import make_person, make_unit
from wenshu.assets import services, tasks
from wenshu.assets.models import Asset, LoanReminder
from wenshu.assets.services._common import RULE_LOAN
from wenshu.assets.tests.conftest import reload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification

pytestmark = pytest.mark.django_db
S = Asset.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ask(city, asset, due=None, actor=None):
    return services.loan_request(
        actor=actor or city.a_staff,
        asset=asset,
        borrower_unit=city.b,
        borrower_contact="贝科员 13900000000",
        purpose="全市教育工作会议",
        due_date=due or date.today() + timedelta(days=7),
    )


def test_a_loan_goes_out_with_consent_and_comes_back(city, depts, computer):
    loan = _ask(city, computer)
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True, note="会后即还")
    services.loan_start(actor=city.a_admin, loan=loan)
    assert reload(computer).status == S.ON_LOAN and reload(loan).status == "lent"
    assert Notification.objects.filter(recipient=city.b_admin, title="借用设备已交付").exists()
    services.loan_return(actor=city.a_admin, loan=loan, note="完好")
    assert reload(computer).status == S.IN_USE and reload(loan).status == "returned"


def test_a_loan_cannot_start_without_the_offices_approval(city, depts, computer):
    loan = _ask(city, computer)
    with pytest.raises(Conflict) as refused:
        services.loan_start(actor=city.a_admin, loan=loan)
    assert RULE_LOAN in refused.value.message and "尚未经办公室同意" in refused.value.message
    assert reload(computer).status == S.IN_USE and reload(loan).status == "pending"


def test_a_refused_loan_can_never_start(city, depts, computer):
    loan = _ask(city, computer)
    with pytest.raises(DomainError, match="请填写办公室意见"):
        services.loan_decide(actor=city.a_admin, loan=loan, approve=False)
    services.loan_decide(actor=city.a_admin, loan=loan, approve=False, note="设备紧缺")
    with pytest.raises(Conflict, match="未同意"):
        services.loan_start(actor=city.a_admin, loan=loan)
    assert reload(computer).status == S.IN_USE


def test_department_staff_can_neither_approve_nor_hand_over(city, depts, computer):
    loan = _ask(city, computer)
    with pytest.raises(Forbidden, match="不经办公室同意，设备不准外借"):
        services.loan_decide(actor=city.a_staff, loan=loan, approve=True)
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    with pytest.raises(Forbidden, match="设备管理办法第五条"):
        services.loan_start(actor=city.a_staff, loan=loan)
    assert reload(computer).status == S.IN_USE


def test_loan_requests_are_checked(city, depts, computer):
    with pytest.raises(DomainError, match="其他单位"):
        services.loan_request(
            actor=city.a_staff,
            asset=computer,
            borrower_unit=city.a,
            borrower_contact="x",
            purpose="x",
            due_date=date.today(),
        )
    with pytest.raises(DomainError, match="不能早于今天"):
        _ask(city, computer, due=date.today() - timedelta(days=1))
    _ask(city, computer)
    with pytest.raises(Conflict, match="未结束的外借申请"):
        _ask(city, computer, actor=city.a_clerk)


def test_the_borrower_sees_the_loan_but_cannot_act_on_it(city, depts, computer):
    from wenshu.assets import selectors

    loan = _ask(city, computer)
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    assert selectors.loan_get(viewer=city.b_staff, pk=loan.pk) == loan
    assert list(selectors.loans_borrowed(viewer=city.b_staff)) == [loan]
    for act in (
        lambda: services.loan_start(actor=city.b_admin, loan=loan),
        lambda: services.loan_decide(actor=city.b_admin, loan=loan, approve=True),
        lambda: services.loan_return(actor=city.b_admin, loan=loan),
    ):
        with pytest.raises(NotFound):
            act()
    third = make_unit("白银市卫生健康委员会", "市卫健委", "白卫")
    stranger = make_person("c_staff", third, "staff")
    with pytest.raises(NotFound):
        selectors.loan_get(viewer=stranger, pk=loan.pk)


def test_illegal_loan_steps_are_conflicts(city, depts, computer):
    loan = _ask(city, computer)
    with pytest.raises(Conflict):
        services.loan_return(actor=city.a_admin, loan=loan)
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    services.loan_start(actor=city.a_admin, loan=loan)
    with pytest.raises(Conflict):
        services.loan_start(actor=city.a_admin, loan=loan)  # a second click
    with pytest.raises(Conflict):
        services.loan_withdraw(actor=city.a_staff, loan=loan)
    services.loan_return(actor=city.a_admin, loan=loan)
    with pytest.raises(Conflict):
        services.loan_return(actor=city.a_admin, loan=loan)


def test_the_requester_withdraws_before_hand_over(city, depts, computer):
    loan = _ask(city, computer)
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    with pytest.raises(Forbidden):
        services.loan_withdraw(actor=city.a_admin, loan=loan)
    services.loan_withdraw(actor=city.a_staff, loan=loan)
    assert reload(loan).status == "withdrawn"


def _reminders(person):
    return Notification.objects.filter(recipient=person, title__contains="逾期未还").count()


def test_overdue_loans_get_exactly_one_reminder_a_day(city, depts, computer, time_machine):
    """GIVEN a loan due on 1 March WHEN the task runs many times on 2 and 3 March THEN the
    office and the borrower's administrator get exactly one reminder on each day."""
    time_machine.move_to(datetime(2026, 2, 25, 10, 0, tzinfo=SHANGHAI), tick=False)
    loan = _ask(city, computer, due=date(2026, 3, 1))
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    services.loan_start(actor=city.a_admin, loan=loan)

    time_machine.move_to(datetime(2026, 3, 1, 18, 0, tzinfo=SHANGHAI), tick=False)
    assert tasks.remind_overdue_loans() == 0  # due today: not overdue yet
    for hour in (0, 9, 17):
        time_machine.move_to(datetime(2026, 3, 2, hour, 5, tzinfo=SHANGHAI), tick=False)
        tasks.remind_overdue_loans()
    assert (_reminders(city.a_admin), _reminders(city.b_admin)) == (1, 1)
    assert _reminders(city.a_staff) == 0 and _reminders(city.b_staff) == 0
    body = Notification.objects.filter(recipient=city.b_admin).latest("id").body
    assert "已逾期 1 天" in body and "ZC-2024-001" in body

    time_machine.move_to(datetime(2026, 3, 3, 9, 5, tzinfo=SHANGHAI), tick=False)
    assert tasks.remind_overdue_loans() == 1
    assert tasks.remind_overdue_loans() == 0
    assert (_reminders(city.a_admin), _reminders(city.b_admin)) == (2, 2)
    assert list(LoanReminder.objects.values_list("day", flat=True).order_by("day")) == [
        date(2026, 3, 2),
        date(2026, 3, 3),
    ]

    services.loan_return(actor=city.a_admin, loan=loan)
    time_machine.move_to(datetime(2026, 3, 4, 9, 5, tzinfo=SHANGHAI), tick=False)
    assert tasks.remind_overdue_loans() == 0
    assert _reminders(city.a_admin) == 2


def test_the_day_boundary_is_shanghai_midnight(city, depts, computer, time_machine):
    time_machine.move_to(datetime(2026, 2, 25, 10, 0, tzinfo=SHANGHAI), tick=False)
    loan = _ask(city, computer, due=date(2026, 3, 1))
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    services.loan_start(actor=city.a_admin, loan=loan)
    time_machine.move_to(datetime(2026, 3, 1, 23, 59, tzinfo=SHANGHAI), tick=False)
    assert services.loans_remind_overdue() == 0
    time_machine.move_to(datetime(2026, 3, 2, 0, 1, tzinfo=SHANGHAI), tick=False)
    assert services.loans_remind_overdue() == 1


def test_an_approved_loan_past_its_date_must_be_asked_again(city, depts, computer, time_machine):
    time_machine.move_to(datetime(2026, 2, 25, 10, 0, tzinfo=SHANGHAI), tick=False)
    loan = _ask(city, computer, due=date(2026, 2, 26))
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    time_machine.move_to(datetime(2026, 2, 27, 10, 0, tzinfo=SHANGHAI), tick=False)
    with pytest.raises(Conflict, match="约定归还日期已过"):
        services.loan_start(actor=city.a_admin, loan=loan)
    assert reload(computer).status == S.IN_USE


def test_the_schedule_runs_the_reminder_in_office_hours(city, depts, computer, time_machine):
    from wenshu.ops import schedule

    time_machine.move_to(datetime(2026, 2, 25, 10, 0, tzinfo=SHANGHAI), tick=False)
    loan = _ask(city, computer, due=date(2026, 2, 26))
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    services.loan_start(actor=city.a_admin, loan=loan)
    time_machine.move_to(datetime(2026, 2, 28, 9, 5, tzinfo=SHANGHAI), tick=False)
    schedule.assets_remind_overdue_loans.call_local()
    schedule.assets_remind_overdue_loans.call_local()
    assert LoanReminder.objects.filter(loan=loan).count() == 1
    assert _reminders(city.b_admin) == 1
