"""Two people (or two clicks) acting at once: the row locks decide, nothing doubles."""

import threading

import pytest
from django.db import close_old_connections, connection

from conftest import make_person, make_unit
from wenshu.accounts import services
from wenshu.accounts.models import User
from wenshu.lib.errors import Conflict

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(*calls):
    results: list = []
    barrier = threading.Barrier(len(calls))

    def runner(call):
        try:
            barrier.wait()
            results.append(call())
        except Conflict as exc:
            results.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=runner, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_approvals_of_one_opening_create_one_account():
    office_unit = make_unit(
        "白银市数字白银工作办公室", "市数字办", "白数办", is_digital_office=True
    )
    unit = make_unit("白银市财政局", "市财政局", "白财")
    office = make_person("shuziban", office_unit, "city_admin")
    admin = make_person("a_admin", unit, "unit_admin")
    req = services.account_request_open(
        actor=admin, filing=services.OpeningFiling(username="zhangsan", real_name="张三")
    ).request
    results = run_together(
        lambda: services.account_request_approve(actor=office, request=req),
        lambda: services.account_request_approve(actor=office, request=req),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert User.objects.filter(username="zhangsan").count() == 1
