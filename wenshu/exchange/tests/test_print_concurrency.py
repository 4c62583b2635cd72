"""Two clerks printing the last allowed copy at the same moment get one copy (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from conftest import make_person
from wenshu.exchange import services
from wenshu.exchange.models import Delivery, PrintedCopy
from wenshu.exchange.tests.receiving_helpers import send_to_b, signed_for
from wenshu.lib.errors import Conflict

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_clerks_printing_the_last_copy_at_once_print_one(city, doc):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    delivery = signed_for(city, send_to_b(city, doc, copies=1))
    other = make_person("b_clerk2", city.b, "clerk")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def run(clerk):
        try:
            barrier.wait()
            services.delivery_print(actor=clerk, delivery=Delivery.objects.get(pk=delivery.pk))
            results.append("printed")
        except Conflict as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in (city.b_clerk, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("printed") == 1 and len(results) == 2, results
    refusal = next(r for r in results if r != "printed")
    assert "允许打印的 1 份已全部打印" in refusal
    assert Delivery.objects.get(pk=delivery.pk).printed_count == 1
    assert list(PrintedCopy.objects.values_list("copy_no", flat=True)) == [1]
