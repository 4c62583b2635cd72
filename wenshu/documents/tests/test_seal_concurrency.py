"""Lock order under load (PostgreSQL): the k-th custodian sealing and the signer withdrawing
the sign-off at the same moment queue on the document and never deadlock.

Sealing writes the seal services' audit events (the audit chain's head is locked until
commit) and then completes the 用印 step (the process row); withdrawing locks the process row
and then its handler the document, and audits last. Before the document and its process were
locked first by both, each held what the other waited for: PostgreSQL aborted one of them
with "deadlock detected", a 500 for the user.
"""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection

from wenshu.documents import services
from wenshu.documents.models import Document
from wenshu.documents.tests.conftest import to_signed
from wenshu.lib.errors import Conflict
from wenshu.workflow.models import WorkItem
from wenshu.workflow.services import work_item_complete

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(*calls):
    results: list = []
    barrier = threading.Barrier(len(calls))

    def runner(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except (Conflict, DatabaseError) as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_sealing_and_withdrawing_the_sign_off_at_once_do_not_deadlock(city, cast):
    doc = to_signed(cast, departments=False)
    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    sign = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="sign", status="done")
    results = run_together(
        lambda: services.document_seal_decide(
            actor=cast.custodian2, document=Document.objects.get(pk=doc.pk), approve=True
        ),
        lambda: services.document_withdraw(
            actor=cast.signer, document=Document.objects.get(pk=doc.pk), item_id=sign.pk
        ),
    )
    assert not [r for r in results if isinstance(r, DatabaseError)], results
    refusals = [r for r in results if isinstance(r, Conflict)]
    assert len(refusals) == 1 and results.count("ok") == 1, results
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED


def test_the_generic_step_page_and_sealing_at_once_do_not_deadlock(city, cast):
    """The workflow's own services lock the document (registered subject lock) before the
    process, the order the document services use."""
    doc = to_signed(cast, departments=False)
    services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    item = WorkItem.objects.get(
        instance_id=doc.process_id, task_spec_id="seal", status="open", assignee=cast.custodian1
    )
    results = run_together(
        lambda: services.document_seal_decide(
            actor=cast.custodian2, document=Document.objects.get(pk=doc.pk), approve=True
        ),
        lambda: work_item_complete(actor=cast.custodian1, item=item, opinion="同意"),
    )
    assert not [r for r in results if isinstance(r, DatabaseError)], results
    assert results.count("ok") == 1, results
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED
