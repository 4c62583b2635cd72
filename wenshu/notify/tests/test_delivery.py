"""The outbox worker: exclusive claims, retries with backoff, giving up, reclaiming."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.notify import delivery
from wenshu.notify.gateways import LogGateway, get_gateway
from wenshu.notify.models import TRANSITIONS, OutboxMessage, can_transition, sources_for
from wenshu.notify.tasks import deliver_outbox
from wenshu.notify.tests import gateways
from wenshu.ops import schedule

S = OutboxMessage.Status


def queue(n: int = 1, **fields) -> list[OutboxMessage]:
    return [
        OutboxMessage.objects.create(to_address=f"1390000{i:04d}", body=f"短信{i}", **fields)
        for i in range(n)
    ]


def test_the_transitions_table_drives_the_conditional_updates():
    assert sources_for(S.SENDING) == [S.FAILED, S.PENDING]
    assert sources_for(S.PENDING) == [S.DEAD]
    assert not can_transition(S.SENT, S.PENDING)
    assert not can_transition(S.PENDING, S.SENT)  # a row is always claimed before it is sent
    assert set(TRANSITIONS) == set(S.values)


def test_a_claim_changes_exactly_one_row_and_a_second_claim_changes_none(db):
    message, other = queue(2)
    assert delivery.outbox_claim(message_id=message.pk, worker="w1") is True
    assert delivery.outbox_claim(message_id=message.pk, worker="w2") is False
    message.refresh_from_db()
    assert (message.status, message.claimed_by, message.attempts) == (S.SENDING, "w1", 1)
    other.refresh_from_db()
    assert other.status == S.PENDING  # the WHERE names one id


def test_a_message_not_yet_due_or_already_sent_is_not_claimed(db):
    (later,) = queue(1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    (sent,) = queue(1, status=S.SENT)
    (dead,) = queue(1, status=S.DEAD)
    for m in (later, sent, dead):
        assert delivery.outbox_claim(message_id=m.pk, worker="w") is False
    assert delivery.outbox_due_ids() == []


def test_a_worker_that_lost_its_claim_cannot_record_a_result(db):
    (message,) = queue(1)
    delivery.outbox_claim(message_id=message.pk, worker="slow")
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_by="other")
    assert delivery._finish(message.pk, "slow", S.SENT) is False
    message.refresh_from_db()
    assert message.status == S.SENDING


def test_it_sends_through_the_configured_gateway_and_records_the_carrier_id(db, use_gateway):
    (message,) = queue(1)
    assert deliver_outbox([message.pk]) is not None
    message.refresh_from_db()
    assert message.status == S.SENT and message.sent_at is not None
    assert message.carrier_id == "recording-1"
    assert gateways.sent == [("13900000000", "短信0")]


def test_a_failed_attempt_is_retried_after_1_2_4_8_16_minutes_then_given_up(
    db, use_gateway, time_machine
):
    use_gateway("FailingGateway")
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    (message,) = queue(1)
    waits = []
    for attempt in range(1, 7):
        result = delivery.outbox_deliver()
        message.refresh_from_db()
        assert message.attempts == attempt
        if attempt < 6:
            assert result == {S.FAILED: 1} and message.status == S.FAILED
            waits.append(message.next_attempt_at - timezone.now())
            assert delivery.outbox_deliver() == {}  # not due yet: nothing happens
            time_machine.move_to(message.next_attempt_at, tick=False)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert message.status == S.DEAD and gateways.calls["failing"] == 6
    event = AuditEvent.objects.get(action="notify.sms_dead")
    assert event.target_id == str(message.pk) and event.details["attempts"] == 6


def test_a_flaky_carrier_gets_the_message_through_on_a_later_attempt(db, use_gateway, time_machine):
    use_gateway("FlakyGateway")
    time_machine.move_to(timezone.now(), tick=False)
    (message,) = queue(1)
    for _ in range(3):
        delivery.outbox_deliver()
        time_machine.shift(timedelta(minutes=5))
    message.refresh_from_db()
    assert message.status == S.SENT and message.attempts == 3 and message.last_error == ""
    assert gateways.sent == [("13900000000", "短信0")]


def test_a_bug_in_the_gateway_counts_as_a_failed_attempt_not_a_crash(db, use_gateway):
    use_gateway("BuggyGateway")
    (message,) = queue(1)
    assert delivery.outbox_deliver(ids=[message.pk]) == {S.FAILED: 1}
    message.refresh_from_db()
    assert message.status == S.FAILED and "oops" in message.last_error


def test_a_stuck_sending_row_is_reclaimed_after_ten_minutes(db, use_gateway, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    stuck, fresh = queue(2)
    delivery.outbox_claim(message_id=stuck.pk, worker="died")
    time_machine.shift(timedelta(minutes=9))
    delivery.outbox_claim(message_id=fresh.pk, worker="busy")
    assert delivery.outbox_reclaim_stuck() == 0
    time_machine.shift(timedelta(minutes=2))
    assert delivery.outbox_deliver() == {S.SENT: 1}  # the sweep reclaims, then sends
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == S.SENT and stuck.attempts == 2
    assert fresh.status == S.SENDING and fresh.claimed_by == "busy"


def test_a_stuck_row_on_its_last_attempt_is_given_up(db, use_gateway, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    (message,) = queue(1, attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.outbox_claim(message_id=message.pk, worker="died")
    time_machine.shift(timedelta(minutes=11))
    assert delivery.outbox_reclaim_stuck() == 1
    message.refresh_from_db()
    assert message.status == S.DEAD and message.last_error == delivery.STUCK_REASON


def test_the_periodic_sweep_sends_what_is_due(db, use_gateway):
    queue(3)
    schedule.notify_outbox_sweep.call_local()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}
    assert len(gateways.sent) == 3


def test_the_default_log_gateway_logs_a_masked_number_and_reports_sent(db, settings, caplog):
    settings.SMS_GATEWAY = "log"
    assert isinstance(get_gateway(), LogGateway)
    (message,) = queue(1)
    with caplog.at_level("INFO", logger="wenshu.notify.sms"):
        assert delivery.outbox_deliver(ids=[message.pk]) == {S.SENT: 1}
    assert "139****0000" in caplog.text and "13900000000" not in caplog.text
    message.refresh_from_db()
    assert message.carrier_id.startswith("log-")


@pytest.mark.parametrize("name", ["no.such.Gateway", "wenshu.notify.tests.gateways.NotAGateway"])
def test_a_wrong_gateway_setting_is_a_clear_configuration_error(settings, name):
    settings.SMS_GATEWAY = name
    with pytest.raises(ImproperlyConfigured, match="WENSHU_SMS_GATEWAY"):
        get_gateway()


def test_two_workers_given_the_same_ids_send_each_message_once(db, use_gateway):
    ids = [m.pk for m in queue(5)]
    first = delivery.outbox_deliver(ids=ids)
    second = delivery.outbox_deliver(ids=ids)  # e.g. the task and the sweep both fired
    assert first == {S.SENT: 5} and second == {"skipped": 5}
    assert len(gateways.sent) == 5


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_on_postgresql_never_send_the_same_sms_twice(use_gateway):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent claims")
    ids = [m.pk for m in queue(60)]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            delivery.outbox_deliver(ids=ids)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(gateways.sent) == 60
    assert len({to for to, _ in gateways.sent}) == 60
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}
