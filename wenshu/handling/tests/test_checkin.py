"""签收时段 (S1 art. 17): at each window's start, exactly one reminder per lagging unit — none
at another minute, none twice — through the SMS outbox to the unit's clerks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from conftest import make_person, make_unit
from wenshu.handling.models import CheckinReminder
from wenshu.handling.services import checkin_remind
from wenshu.handling.tests.conftest import deliver
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.ops import schedule

SH = ZoneInfo("Asia/Shanghai")
WINDOW_START = datetime(2026, 6, 1, 8, 30, 5, tzinfo=SH)


def _lagging_city(city: Any) -> Any:
    c = make_unit("白银市公安局", "市公安局", "白公")
    c_clerk = make_person("c_clerk", c, "clerk", real_name="程文书", mobile="13900001111")
    b_clerk2 = make_person("b_clerk2", city.b, "clerk", real_name="贝二", mobile="13900002222")
    early = WINDOW_START - timedelta(days=1)
    deliver(city, city.b, at=early)
    deliver(city, c, at=early)
    deliver(city, c, at=early)
    deliver(city, city.gov_office, at=early, signed_at=early + timedelta(hours=1))
    return c, c_clerk, b_clerk2


def test_it_writes_exactly_one_reminder_per_lagging_unit_at_a_window_start(city: Any) -> None:
    c, c_clerk, b_clerk2 = _lagging_city(city)
    with time_machine.travel(WINDOW_START, tick=False):
        assert checkin_remind() == 2
        assert checkin_remind() == 0  # the same window again: nothing more
        schedule.handling_checkin_reminders.call_local()
    rows = {r.unit_id: r.pending for r in CheckinReminder.objects.all()}
    assert rows == {city.b.pk: 1, c.pk: 2}
    sms = OutboxMessage.objects.filter(kind="checkin")
    assert sorted(m.recipient_id or 0 for m in sms) == sorted([c_clerk.pk, b_clerk2.pk])
    assert Notification.objects.filter(kind="checkin", recipient=city.b_clerk).count() == 1


def test_it_sends_nothing_at_a_minute_that_is_not_a_window_start(city: Any) -> None:
    _lagging_city(city)
    for moment in (
        WINDOW_START + timedelta(minutes=1),
        WINDOW_START.replace(hour=9, minute=30),
        WINDOW_START.replace(hour=12, minute=0),
    ):
        with time_machine.travel(moment, tick=False):
            assert checkin_remind() == 0
    assert not CheckinReminder.objects.exists()


def test_each_window_of_the_day_reminds_again(city: Any, settings: Any) -> None:
    settings.CHECKIN_WINDOWS = "08:30-09:30,15:00-16:00"
    _lagging_city(city)
    with time_machine.travel(WINDOW_START, tick=False):
        assert checkin_remind() == 2
    with time_machine.travel(WINDOW_START.replace(hour=15, minute=0), tick=False):
        assert checkin_remind() == 2
    with time_machine.travel(WINDOW_START.replace(hour=10, minute=30), tick=False):
        assert checkin_remind() == 0
    assert CheckinReminder.objects.count() == 4
