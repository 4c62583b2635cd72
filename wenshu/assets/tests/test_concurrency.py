"""Two clicks or two workers at once never double-apply (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from wenshu.assets import services
from wenshu.assets.models import LoanReminder, RepairRequest
from wenshu.lib.errors import Conflict

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(action: Callable[[], object], n: int = 4) -> list[str]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    results: list[str] = []

    def run() -> None:
        try:
            action()
            results.append("ok")
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def test_simultaneous_repair_requests_open_one(city, depts, computer):
    results = _race(
        lambda: services.repair_request(actor=city.a_staff, asset=computer, fault="无法开机")
    )
    assert results == ["ok", "refused", "refused", "refused"]
    assert RepairRequest.objects.filter(asset=computer).count() == 1


def test_simultaneous_hand_overs_lend_once_and_reminders_stay_one_a_day(city, depts, printer):
    loan = services.loan_request(
        actor=city.a_staff,
        asset=printer,
        borrower_unit=city.b,
        borrower_contact="贝科员",
        purpose="会议",
        due_date=date.today() + timedelta(days=1),
    )
    services.loan_decide(actor=city.a_admin, loan=loan, approve=True)
    assert _race(lambda: services.loan_start(actor=city.a_admin, loan=loan)) == [
        "ok",
        "refused",
        "refused",
        "refused",
    ]
    later = date.today() + timedelta(days=3)
    when = datetime.combine(later, time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    _race(lambda: services.loans_remind_overdue(now=when))
    assert LoanReminder.objects.filter(loan=loan).count() == 1
