"""Double clicks and two workers at once (PostgreSQL row locks and constraints)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection

from wenshu.audit.models import AuditEvent
from wenshu.meetings import services
from wenshu.meetings.models import Attendee
from wenshu.meetings.tests.conftest import invitation_of, reply
from wenshu.notify.models import Notification

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def _together(action: Callable[[], object], n: int = 4) -> list[str]:
    results: list[str] = []

    def run() -> None:
        try:
            action()
            results.append("ok")
        except Exception as exc:  # recorded for the assertion below
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_double_clicked_reply_leaves_one_set_of_attendees(cast, meeting):
    city = cast.city
    inv = invitation_of(meeting, city.b)
    results = _together(
        lambda: reply(city.b_clerk, inv, "attend", attendee_ids=[city.b_staff.pk, city.b_leader.pk])
    )
    assert results == ["ok"] * 4
    assert Attendee.objects.filter(invitation=inv).count() == 2
    assert Notification.objects.filter(kind="meetings.named").count() == 2


def test_simultaneous_sign_ins_record_one_attendance(cast, meeting, time_machine):
    time_machine.move_to(meeting.start_at - timedelta(minutes=10), tick=False)
    code = services.signin_screen(actor=cast.gov_clerk, meeting=meeting).code
    leader = cast.city.a_leader  # invited by name, not replied: the sign-in creates the row
    results = _together(lambda: services.attendee_sign_in_by_code(actor=leader, code=code))
    assert results == ["ok"] * 4
    assert Attendee.objects.filter(person=leader).count() == 1
    assert AuditEvent.objects.filter(action="meetings.signed_in").count() == 1


def test_two_reminder_workers_send_each_reminder_once(cast, meeting, time_machine):
    time_machine.move_to(meeting.reply_deadline - timedelta(hours=1), tick=False)
    results = _together(services.reminders_send_due)
    assert results == ["ok"] * 4
    assert Notification.objects.filter(kind="meetings.reply_reminder").count() == 4
