"""Two administrators clicking at the same moment never apply a change twice (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from conftest import make_person
from wenshu.lib.errors import Conflict
from wenshu.org import services
from wenshu.org.models import UnitMerge
from wenshu.org.tests.conftest import application_args

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(calls: list[Callable[[], object]]) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            results.append("done")
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


def test_two_reviewers_register_a_unit_once(city):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    reviewers = [make_person(f"reviewer{i}", city.digital_office, "city_admin") for i in range(3)]
    unit = services.unit_apply(actor=city.shuziban, **application_args()).unit
    calls = [lambda r=r: services.unit_review(actor=r, unit=unit, approve=True) for r in reviewers]
    assert _race(calls) == ["done", "refused", "refused"]
    assert unit.names.count() == 1


def test_two_merges_of_the_same_unit_run_once(city):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    calls = [
        lambda: services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a),
        lambda: services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.gov_office),
    ]
    assert _race(calls) == ["done", "refused"]
    assert UnitMerge.objects.count() == 1
