"""Cancelling a use that has not signed: it leaves the custodians' queue, keeps its reason in
its history, and a stale page or a second click gets a clear Chinese refusal (HTTP 409)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.seals import selectors, services
from wenshu.seals.models import SealUseRequest
from wenshu.seals.tests.test_api import API, bearer, post

pytestmark = pytest.mark.django_db
DIGEST = "3c" * 32


def _request(city, seal, **kwargs):
    return services.seal_use_request(
        actor=city.a_clerk, seal=seal, digest_hex=DIGEST, purpose="印发通知", **kwargs
    )


def _as(user):
    c = Client()
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c


def test_it_cancels_a_pending_use_and_takes_it_off_the_queue(city, keepers, seal):
    req = _request(city, seal)
    assert list(selectors.custodian_queue(viewer=keepers[0])) == [req]
    services.seal_use_cancel(actor=city.a_clerk, request=req, reason="公文签发已撤回")
    req.refresh_from_db()
    assert req.status == SealUseRequest.Status.CANCELLED
    assert req.cancel_reason == "公文签发已撤回" and req.cancelled_by == city.a_clerk
    assert req.cancelled_at is not None
    assert not selectors.custodian_queue(viewer=keepers[0]).exists()
    assert selectors.count_queue(viewer=keepers[0], which="use") == 0
    event = AuditEvent.objects.get(action="seal.use_cancelled")
    assert event.target_id == str(req.pk)
    assert event.details["reason"] == "公文签发已撤回"
    assert event.details["status_before"] == "pending"


def test_an_approved_use_can_be_cancelled_and_then_signs_nothing(city, keepers, seal):
    req = _request(city, seal)
    for person in keepers[:2]:
        services.seal_use_decide(actor=person, request=req, approve=True)
    services.seal_use_cancel(actor=city.a_clerk, request=req, reason="不再发文")
    with pytest.raises(Conflict, match="已撤销（不再发文），不能用印"):
        services.seal_sign(actor=city.a_clerk, request=req)
    req.refresh_from_db()
    assert req.status == "cancelled" and req.signature_der is None


def test_a_custodian_deciding_on_a_cancelled_use_is_told_why(city, keepers, seal):
    req = _request(city, seal)
    services.seal_use_cancel(actor=city.a_clerk, request=req, reason="签发已撤回")
    with pytest.raises(Conflict, match="已撤销（签发已撤回），无需再审批"):
        services.seal_use_decide(actor=keepers[0], request=req, approve=True)
    assert not req.approvals.exists()


def test_only_the_requester_or_a_clerk_cancels(city, keepers, seal):
    req = _request(city, seal)
    for who in (keepers[0], city.a_staff, city.a_leader):
        with pytest.raises(Forbidden, match="申请人或本单位文书"):
            services.seal_use_cancel(actor=who, request=req, reason="x")
    with pytest.raises(NotFound):
        services.seal_use_cancel(actor=city.b_clerk, request=req, reason="x")
    with pytest.raises(DomainError, match="原因"):
        services.seal_use_cancel(actor=city.a_clerk, request=req, reason="  ")
    req.refresh_from_db()
    assert req.status == "pending"


def test_a_used_or_cancelled_use_cannot_be_cancelled(city, keepers, seal, use):
    used = use()
    services.seal_sign(actor=city.a_clerk, request=used)
    with pytest.raises(Conflict, match="已用印，不能撤销"):
        services.seal_use_cancel(actor=city.a_clerk, request=used, reason="x")
    req = _request(city, seal)
    services.seal_use_cancel(actor=city.a_clerk, request=req, reason="第一次")
    with pytest.raises(Conflict, match="请勿重复撤销"):
        services.seal_use_cancel(actor=city.a_clerk, request=req, reason="第二次")
    assert AuditEvent.objects.filter(action="seal.use_cancelled").count() == 1


def test_each_custodian_is_notified_once_and_can_be_left_to_the_caller(city, keepers, seal):
    req = _request(city, seal)
    link = reverse("seals:use_request", args=[req.pk])
    for person in keepers:
        assert Notification.objects.filter(recipient=person, link=link).count() == 1
    quiet = _request(city, seal, notify_custodians=False)
    link = reverse("seals:use_request", args=[quiet.pk])
    assert not Notification.objects.filter(link=link).exists()


def test_a_stale_custodian_page_shows_the_reason(city, keepers, seal):
    req = _request(city, seal)
    c = _as(keepers[0])
    assert "同意用印" in c.get(reverse("seals:use_request", args=[req.pk])).content.decode()
    services.seal_use_cancel(actor=city.a_clerk, request=req, reason="签发已撤回")
    page = c.get(reverse("seals:use_request", args=[req.pk])).content.decode()
    assert "已撤销" in page and "签发已撤回" in page and "无需再审批或用印" in page
    assert "同意用印</button>" not in page
    posted = c.post(reverse("seals:use_decide", args=[req.pk]), {"decision": "approve"})
    assert posted.status_code == 409
    assert "该用印申请已撤销（签发已撤回），无需再审批。" in posted.content.decode()


def test_the_requester_cancels_on_the_page_and_outsiders_get_404(city, keepers, seal):
    req = _request(city, seal)
    assert (
        _as(city.b_clerk)
        .post(reverse("seals:use_cancel", args=[req.pk]), {"reason": "x"})
        .status_code
        == 404
    )
    c = _as(city.a_clerk)
    empty = c.post(reverse("seals:use_cancel", args=[req.pk]), {"reason": ""})
    assert empty.status_code == 400 and "请填写撤销用印申请的原因" in empty.content.decode()
    done = c.post(reverse("seals:use_cancel", args=[req.pk]), {"reason": "用错了文件"}, follow=True)
    assert "用印申请已撤销" in done.content.decode()
    req.refresh_from_db()
    assert req.status == "cancelled" and req.cancel_reason == "用错了文件"
    seal_page = _as(city.a_clerk).get(reverse("seals:seal", args=[seal.pk])).content.decode()
    assert "已撤销：用错了文件" in seal_page


def test_cancel_and_a_stale_decision_through_the_api(city, keepers, seal, client):
    req = _request(city, seal)
    outsider = post(client, city.b_clerk, f"/use-requests/{req.pk}/cancel", {"reason": "x"})
    assert outsider.status_code == 404
    blank = post(client, city.a_clerk, f"/use-requests/{req.pk}/cancel", {"reason": ""})
    assert blank.status_code in (400, 422)
    ok = post(client, city.a_clerk, f"/use-requests/{req.pk}/cancel", {"reason": "签发已撤回"})
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "cancelled" and ok.json()["cancel_reason"] == "签发已撤回"
    stale = post(client, keepers[0], f"/use-requests/{req.pk}/decide", {"approve": True})
    assert stale.status_code == 409
    assert "已撤销（签发已撤回）" in stale.json()["detail"]
    again = post(client, city.a_clerk, f"/use-requests/{req.pk}/cancel", {"reason": "再撤"})
    assert again.status_code == 409
    queue = client.get(f"{API}/use-requests", **bearer(keepers[0])).json()
    assert queue == []
