"""Two clerks sending the same document at the same moment send it once (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from conftest import make_person
from wenshu.exchange import services
from wenshu.exchange.models import Delivery, DeliveryEvent, Dispatch
from wenshu.exchange.tests.conftest import key
from wenshu.lib.errors import Conflict
from wenshu.notify.models import Notification

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(calls: list[Callable[[], object]]) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            results.append("sent")
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


def _send(clerk, doc, more, idempotency_key):
    return lambda: services.document_send(
        actor=clerk,
        document=doc,
        main_units=[more.c],
        copy_units=[more.d],
        print_allowed=1,
        idempotency_key=idempotency_key,
    )


def test_two_clerks_sending_at_once_make_one_dispatch(city, doc, more):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    other = make_person("a_clerk2", city.a, "clerk")
    calls = [_send(city.a_clerk, doc, more, key()), _send(other, doc, more, key())]
    assert _race(calls) == ["refused", "sent"]
    assert Dispatch.objects.count() == 1
    assert Delivery.objects.count() == 2 and DeliveryEvent.objects.count() == 2
    assert Notification.objects.filter(kind="exchange").count() == 2


def test_a_double_submit_with_one_key_sends_once_and_both_get_the_result(city, doc, more):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    same = key()
    calls = [_send(city.a_clerk, doc, more, same) for _ in range(2)]
    assert _race(calls) == ["sent", "sent"]
    assert Dispatch.objects.count() == 1 and Delivery.objects.count() == 2
