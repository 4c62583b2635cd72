"""The reminder task with a controlled clock: who is reminded, when, and only once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wenshu.meetings import services, tasks
from wenshu.meetings.models import Invitation
from wenshu.meetings.tests.conftest import invitation_of, reply
from wenshu.notify.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def _reminded(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def _sms(kind: str) -> list[str]:
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("to_address", flat=True))


def test_those_who_have_not_replied_are_reminded_once_near_the_deadline(
    cast, meeting, time_machine
):
    city = cast.city
    reply(city.a_clerk, invitation_of(meeting, city.a), "attend", attendee_ids=[city.a_staff.pk])
    reply(city.b_clerk, invitation_of(meeting, city.b), "absent", reason="出差")
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=25), tick=False)
    assert services.reminders_send_due().reply == 0  # not yet within 24 h
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=23), tick=False)
    assert services.reminders_send_due().reply == 2  # unit C and a_leader
    assert _reminded("meetings.reply_reminder") == {"c_clerk", "a_leader"}
    assert _sms("meetings.reply_reminder") == ["13900000003"]  # a_leader has no mobile
    time_machine.shift(timedelta(minutes=5))
    assert services.reminders_send_due().reply == 0  # the second run sends nothing new
    assert Notification.objects.filter(kind="meetings.reply_reminder").count() == 2
    assert OutboxMessage.objects.filter(kind="meetings.reply_reminder").count() == 1


def test_no_reminder_after_the_deadline_or_for_a_cancelled_meeting(
    cast, meeting, send, time_machine
):
    other = send(units=[cast.c])
    services.meeting_cancel(actor=cast.gov_clerk, meeting=other, reason="改期")
    time_machine.move_to(meeting.reply_deadline + timedelta(minutes=1), tick=False)
    assert services.reminders_send_due().reply == 0
    assert not Notification.objects.filter(kind="meetings.reply_reminder").exists()


def test_the_reminder_window_is_a_setting(cast, meeting, settings, time_machine):
    settings.MEETINGS_REPLY_REMINDER_HOURS = 6
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=7), tick=False)
    assert services.reminders_send_due().reply == 0
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=5), tick=False)
    assert services.reminders_send_due().reply == 4


def test_a_short_deadline_is_not_followed_by_an_immediate_reminder(cast, send, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    send(
        units=[cast.c],
        start_at=now + timedelta(hours=6),
        end_at=now + timedelta(hours=7),
        reply_deadline=now + timedelta(hours=4),
    )
    time_machine.move_to(now + timedelta(minutes=5), tick=False)
    assert services.reminders_send_due().reply == 0  # 4 h to the deadline: wait until halfway
    time_machine.move_to(now + timedelta(hours=2, minutes=1), tick=False)
    assert services.reminders_send_due().reply == 1


def test_attendees_are_reminded_once_before_the_meeting(cast, meeting, time_machine):
    city = cast.city
    reply(
        city.a_clerk,
        invitation_of(meeting, city.a),
        "attend",
        attendee_ids=[city.a_staff.pk],
        extra_attendees=[("司机小王", "驾驶员")],
    )
    reply(
        city.a_leader,
        invitation_of(meeting, city.a_leader),
        "substitute",
        substitute_id=city.a_clerk.pk,
    )
    reply(city.b_clerk, invitation_of(meeting, city.b), "absent", reason="出差")
    time_machine.move_to(meeting.start_at - timedelta(hours=2, minutes=5), tick=False)
    assert services.reminders_send_due().start == 0
    time_machine.move_to(meeting.start_at - timedelta(hours=1, minutes=55), tick=False)
    counts = services.reminders_send_due()
    assert counts.start == 2  # a_staff, a_clerk (the substitute); 司机小王 has no account
    assert _reminded("meetings.start_reminder") == {"a_staff", "a_clerk"}
    assert services.reminders_send_due().start == 0
    assert Notification.objects.filter(kind="meetings.start_reminder").count() == 2


def test_the_periodic_task_runs_the_same_service(cast, meeting, time_machine):
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=1), tick=False)
    assert tasks.send_due_reminders() == {"reply": 4, "start": 0}
    assert tasks.send_due_reminders() == {"reply": 0, "start": 0}
    pending = Invitation.objects.filter(reply_reminded_at__isnull=False).count()
    assert pending == 4


def test_the_schedule_has_a_five_minute_entry():
    from wenshu.ops import schedule

    task = schedule.meetings_send_reminders
    assert task.task_class().validate_datetime(datetime(2030, 1, 1, 9, 5))
    assert not task.task_class().validate_datetime(datetime(2030, 1, 1, 9, 6))
