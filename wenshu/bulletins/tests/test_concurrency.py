"""Two people deciding the same thing at the same moment: one wins, the other is refused
with a Conflict, and nothing is applied twice (row locks; PostgreSQL only)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.bulletins import services
from wenshu.bulletins.models import InfoReport, Notice
from wenshu.bulletins.tests.conftest import adopt, draft, report
from wenshu.lib.errors import Conflict

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def race(*actions: Callable[[], Any]) -> list[BaseException]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions")
    start = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            start.wait()
            action()
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_leaders_approving_at_once_publish_once(city, a_leader2):
    notice = draft(city)
    services.notice_submit(actor=city.a_clerk, notice=notice)
    errors = race(
        lambda: services.notice_approve(actor=city.a_leader, notice=notice),
        lambda: services.notice_approve(actor=a_leader2, notice=notice),
    )
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Notice.objects.get().status == Notice.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="bulletins.notice_published").count() == 1


def test_two_handlers_deciding_at_once_decide_once(city, receivers):
    item = report(city)
    clerk2 = make_person("gov_clerk2", city.gov_office, "clerk")
    errors = race(
        lambda: adopt(city, item),
        lambda: services.report_decline(actor=clerk2, report=item, opinion="重复"),
    )
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert InfoReport.objects.get().status in (
        InfoReport.Status.ADOPTED,
        InfoReport.Status.DECLINED,
    )
    decided = AuditEvent.objects.filter(
        action__in=["bulletins.report_adopted", "bulletins.report_declined"]
    )
    assert decided.count() == 1
