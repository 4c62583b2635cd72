"""Reminders go out once, at the chosen number of minutes before the start."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wenshu.notify.models import Notification
from wenshu.schedules import services

pytestmark = pytest.mark.django_db


def _reminded() -> list[str]:
    return sorted(
        Notification.objects.filter(kind="schedules.reminder").values_list(
            "recipient__username", flat=True
        )
    )


def test_it_reminds_once_at_the_chosen_time(city, event, time_machine):
    done = event(city.a_staff, "处务会", remind_minutes=30)
    event(city.a_staff, "不提醒的事")
    time_machine.move_to(done.start_at - timedelta(minutes=31), tick=False)
    assert services.reminders_send_due() == 0
    time_machine.move_to(done.start_at - timedelta(minutes=29), tick=False)
    assert services.reminders_send_due() == 1
    time_machine.shift(timedelta(minutes=1))
    assert services.reminders_send_due() == 0
    assert _reminded() == ["a_staff"]


def test_moving_the_event_rearms_its_reminder(city, event, time_machine):
    done = event(city.a_staff, "处务会", remind_minutes=10)
    time_machine.move_to(done.start_at - timedelta(minutes=5), tick=False)
    assert services.reminders_send_due() == 1
    later = services.EventInput(
        title="处务会",
        start_at=done.start_at + timedelta(hours=2),
        end_at=done.end_at + timedelta(hours=2),
        remind_minutes=10,
    )
    services.event_update(actor=city.a_staff, event=done, data=later)
    assert services.reminders_send_due() == 0
    time_machine.move_to(later.start_at - timedelta(minutes=5), tick=False)
    assert services.reminders_send_due() == 1
    assert len(_reminded()) == 2


def test_a_leader_event_reminds_the_leader_and_the_keepers(city, event, time_machine):
    services.keeper_add(actor=city.a_leader, person=city.a_clerk)
    done = event(city.a_clerk, "局长调研", leader=city.a_leader, remind_minutes=60)
    time_machine.move_to(done.start_at - timedelta(minutes=30), tick=False)
    assert services.reminders_send_due() == 1
    assert _reminded() == ["a_clerk", "a_leader"]


def test_a_past_event_is_not_reminded(city, event, time_machine):
    done = event(city.a_staff, "处务会", remind_minutes=10)
    time_machine.move_to(done.end_at + timedelta(minutes=1), tick=False)
    assert services.reminders_send_due() == 0
