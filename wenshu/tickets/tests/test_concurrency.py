"""Parallel workers and double clicks never apply a ticket step twice (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from wenshu.lib.errors import Conflict
from wenshu.notify.models import Notification
from wenshu.tickets import services
from wenshu.tickets.models import Ticket, TicketAlarm, TicketNotice
from wenshu.tickets.tests.conftest import at_office

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(calls: list[Callable[[], object]]) -> list[object]:
    results: list[object] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(call())
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def test_three_sweeps_at_24_hours_escalate_once(city, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    t = at_office(city)
    time_machine.shift(timedelta(hours=24))
    results = _race([services.tickets_timers_sweep] * 3)
    assert sorted(r["breach"] for r in results) == [0, 0, 1]
    assert TicketAlarm.objects.filter(ticket=t).count() == 1
    assert TicketNotice.objects.filter(ticket=t).count() == 1
    assert Notification.objects.filter(recipient=city.zhengfuban).count() == 1


def test_two_acknowledgements_at_once_apply_once(city):
    t = at_office(city)
    results = _race([lambda: services.ticket_acknowledge(actor=city.shuziban, ticket=t)] * 2)
    assert sum(r == "refused" for r in results) == 1
    assert Ticket.objects.get().events.filter(kind="acknowledged").count() == 1


def test_the_same_system_fault_raised_twice_at_once_is_one_ticket(city):
    def raise_it() -> object:
        return services.ticket_raise_system(
            source="exchange", category="exchange", summary="投递失败", dedupe_key="race:1"
        )

    results = _race([raise_it] * 2)
    assert len({r.pk for r in results}) == 1
    assert Ticket.objects.count() == 1
