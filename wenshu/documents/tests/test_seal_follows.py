"""The seal use request follows its document: a sign-off withdrawn or a document cancelled
cancels it at once (not after 24 hours), and the custodians are told once per request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenshu.audit.models import AuditEvent
from wenshu.documents import services
from wenshu.documents.models import Document, SealAttempt
from wenshu.documents.tests.conftest import to_signed
from wenshu.lib.errors import Conflict
from wenshu.notify.models import Notification
from wenshu.seals import selectors as seal_selectors
from wenshu.seals.models import SealUseRequest
from wenshu.workflow.models import WorkItem
from wenshu.workflow.selectors import todo_for

pytestmark = pytest.mark.django_db


def _request(doc: Document) -> SealUseRequest:
    return SealAttempt.objects.filter(document=doc).latest("id").use_request


def _withdraw_sign_off(cast, doc: Document) -> None:
    sign = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="sign", status="done")
    services.document_withdraw(actor=cast.signer, document=doc, item_id=sign.pk)


def _notices(person) -> int:
    return Notification.objects.filter(recipient=person).count()


def test_withdrawing_the_sign_off_cancels_the_seal_request_at_once(city, cast):
    """GIVEN a signed-off document waiting for its custodians WHEN the signer withdraws the
    sign-off THEN its seal use request is cancelled with the reason, and neither the seals
    queue nor the workflow 待办 offers it to a custodian any more."""
    doc = to_signed(cast, departments=False)
    req = _request(doc)
    assert seal_selectors.custodian_queue(viewer=cast.custodian1).count() == 1
    _withdraw_sign_off(cast, doc)
    req.refresh_from_db()
    assert req.status == SealUseRequest.Status.CANCELLED
    assert req.cancelled_by == cast.signer and "签发已撤回" in req.cancel_reason
    for person in (cast.custodian1, cast.custodian2):
        assert not seal_selectors.custodian_queue(viewer=person).exists()
        assert not todo_for(viewer=person, key="fawen").filter(task_spec_id="seal").exists()
    event = AuditEvent.objects.get(action="seal.use_cancelled")
    assert event.actor_id == cast.signer.pk and event.target_id == str(req.pk)


def test_a_custodians_stale_seal_page_says_the_request_was_cancelled(city, cast):
    doc = to_signed(cast, departments=False)
    page = Client()
    page.force_login(cast.custodian1, backend="wenshu.accounts.backends.WenshuBackend")
    _withdraw_sign_off(cast, doc)
    with pytest.raises(Conflict, match="该用印申请已撤销（签发已撤回"):
        services.document_seal_decide(actor=cast.custodian1, document=doc, approve=True)
    posted = page.post(reverse("documents:seal_decide", args=[doc.pk]), {"decision": "approve"})
    assert posted.status_code == 409
    assert "该用印申请已撤销（签发已撤回" in posted.content.decode()
    shown = page.get(reverse("documents:seal", args=[doc.pk])).content.decode()
    assert "已撤销：签发已撤回" in shown


def test_cancelling_the_document_cancels_its_seal_request(city, cast):
    doc = to_signed(cast, departments=False)
    services.document_cancel(actor=cast.signer, document=doc, reason="政策调整，不再发文")
    req = _request(doc)
    assert req.status == SealUseRequest.Status.CANCELLED
    assert req.cancel_reason == "公文已作废：政策调整，不再发文"
    assert not seal_selectors.custodian_queue(viewer=cast.custodian2).exists()


def test_signing_off_again_makes_a_new_request_and_the_old_stays_cancelled(city, cast):
    doc = to_signed(cast, departments=False)
    first = _request(doc)
    _withdraw_sign_off(cast, doc)
    sign = WorkItem.objects.get(instance_id=doc.process_id, task_spec_id="sign", status="open")
    services.document_act(actor=cast.signer, document=doc, item_id=sign.pk, opinion="同意")
    second = _request(doc)
    assert second.pk != first.pk and second.status == "pending"
    first.refresh_from_db()
    assert first.status == "cancelled"
    for person in (cast.custodian1, cast.custodian2):
        services.document_seal_decide(actor=person, document=doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED


def test_each_custodian_is_notified_once_per_request(city, cast):
    """GIVEN the 用印 step WHEN it opens, and when a clerk asks again after a refusal THEN
    each custodian gets exactly one notification for each request (from the step)."""
    custodians = (cast.custodian1, cast.custodian2)
    before = {p.pk: _notices(p) for p in custodians}
    doc = to_signed(cast, departments=False)
    first = _request(doc)
    for person in custodians:
        assert _notices(person) == before[person.pk] + 1
        notice = Notification.objects.filter(recipient=person).latest("id")
        assert notice.link == reverse("documents:seal", args=[doc.pk])
    assert not Notification.objects.filter(
        link=reverse("seals:use_request", args=[first.pk])
    ).exists()
    services.document_seal_decide(
        actor=cast.custodian1, document=doc, approve=False, opinion="附件不全"
    )
    before = {p.pk: _notices(p) for p in custodians}
    services.document_seal_rerequest(actor=city.a_clerk, document=doc)
    for person in custodians:
        assert _notices(person) == before[person.pk] + 1
