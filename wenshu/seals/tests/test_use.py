"""Using a seal: k of n custodians approve each use, and it signs once within 24 hours."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.seals import services
from wenshu.seals.models import SealCustodian, SealUseRequest

pytestmark = pytest.mark.django_db
DIGEST = "0f" * 32


def _request(city, seal, digest=DIGEST):
    return services.seal_use_request(
        actor=city.a_clerk, seal=seal, digest_hex=digest, purpose="印发通知"
    )


def test_two_of_three_custodians_make_a_use_signable(city, keepers, seal):
    req = _request(city, seal)
    services.seal_use_decide(actor=keepers[0], request=req, approve=True)
    req.refresh_from_db()
    assert req.status == "pending"
    with pytest.raises(Conflict, match="2 名保管人同意"):  # one approval is not enough
        services.seal_sign(actor=city.a_clerk, request=req)
    services.seal_use_decide(actor=keepers[1], request=req, approve=True)
    req.refresh_from_db()
    assert req.status == "approved"
    signed = services.seal_sign(actor=city.a_clerk, request=req)
    assert signed.es_id == seal.es_id and signed.signature_der
    req.refresh_from_db()
    assert req.status == "used" and bytes(req.signature_der) == signed.signature_der


def test_a_non_custodian_cannot_approve(city, keepers, seal):
    req = _request(city, seal)
    for who in (city.a_staff, city.a_leader, city.a_admin):
        with pytest.raises(Forbidden, match="保管人"):
            services.seal_use_decide(actor=who, request=req, approve=True)
    with pytest.raises(NotFound):
        services.seal_use_decide(actor=city.b_staff, request=req, approve=True)
    assert not req.approvals.exists()


def test_the_same_custodian_cannot_approve_twice(city, keepers, seal):
    req = _request(city, seal)
    services.seal_use_decide(actor=keepers[0], request=req, approve=True)
    with pytest.raises(Conflict, match="重复"):
        services.seal_use_decide(actor=keepers[0], request=req, approve=True)
    assert req.approvals.count() == 1
    with pytest.raises(Conflict):
        services.seal_sign(actor=city.a_clerk, request=req)


def test_a_custodian_who_asked_cannot_approve_their_own_use(city, keepers, seal):
    keepers[0].role_grants.create(role="clerk")
    keepers[0].forget_roles()
    req = services.seal_use_request(actor=keepers[0], seal=seal, digest_hex=DIGEST, purpose="x")
    with pytest.raises(Forbidden, match="自己"):
        services.seal_use_decide(actor=keepers[0], request=req, approve=True)


def test_refusals_that_make_k_unreachable_refuse_the_use(city, keepers, seal):
    req = _request(city, seal)
    services.seal_use_decide(actor=keepers[0], request=req, approve=False, opinion="用途不明")
    req.refresh_from_db()
    assert req.status == "pending"  # 2 of the remaining 2 could still approve
    services.seal_use_decide(actor=keepers[1], request=req, approve=False)
    req.refresh_from_db()
    assert req.status == "refused"
    with pytest.raises(Conflict):
        services.seal_use_decide(actor=keepers[2], request=req, approve=True)
    with pytest.raises(Conflict, match="未获"):
        services.seal_sign(actor=city.a_clerk, request=req)


def test_a_request_signs_only_once(city, seal, use):
    req = use()
    services.seal_sign(actor=city.a_clerk, request=req)
    with pytest.raises(Conflict, match="一次"):
        services.seal_sign(actor=city.a_clerk, request=req)
    assert AuditEvent.objects.filter(action="seal.signed").count() == 1


def test_a_request_expires_after_24_hours(city, seal, use):
    req = use()
    later = timezone.now() + timedelta(hours=24, minutes=1)
    with time_machine.travel(later), pytest.raises(Conflict, match="24 小时"):
        services.seal_sign(actor=city.a_clerk, request=req)
    req.refresh_from_db()
    assert req.status == "expired"  # recorded although the refusal rolled back its transaction


def test_a_pending_request_cannot_be_decided_after_24_hours(city, keepers, seal):
    req = _request(city, seal)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        with pytest.raises(Conflict, match="24 小时"):
            services.seal_use_decide(actor=keepers[0], request=req, approve=True)
        assert services.seal_use_expire_stale() == 0  # already marked by the refusal
    req.refresh_from_db()
    assert req.status == "expired"


def test_the_periodic_sweep_expires_old_requests(city, seal):
    req = _request(city, seal)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert services.seal_use_expire_stale() == 1
    req.refresh_from_db()
    assert req.status == "expired"


def test_approvals_of_a_removed_custodian_no_longer_count(city, keepers, seal, use):
    req = use()
    SealCustodian.objects.filter(seal=seal, person=keepers[0]).update(active=False)
    with pytest.raises(Conflict, match="目前只有 1 名"):
        services.seal_sign(actor=city.a_clerk, request=req)


def test_a_suspended_seal_cannot_be_requested_or_signed(city, keepers, seal, use):
    req = use()
    services.seal_report_loss(actor=keepers[2], seal=seal, reason="U 盾遗失")
    with pytest.raises(Conflict, match="挂失"):
        services.seal_sign(actor=city.a_clerk, request=req)
    with pytest.raises(Conflict, match="挂失"):
        _request(city, seal)
    req.refresh_from_db()
    assert req.status == "expired"


def test_only_clerks_and_unit_admins_of_the_unit_request(city, seal):
    with pytest.raises(Forbidden):
        services.seal_use_request(actor=city.a_staff, seal=seal, digest_hex=DIGEST, purpose="x")
    with pytest.raises(NotFound):
        services.seal_use_request(actor=city.b_clerk, seal=seal, digest_hex=DIGEST, purpose="x")
    with pytest.raises(NotFound):  # the digital office sees the seal but cannot use it
        services.seal_use_request(actor=city.shuziban, seal=seal, digest_hex=DIGEST, purpose="x")


@pytest.mark.parametrize("digest", ["", "abc", "g" * 64, "0" * 63, "0" * 65])
def test_a_digest_must_be_64_hex(city, seal, digest):
    with pytest.raises(DomainError, match="64 位"):
        services.seal_use_request(actor=city.a_clerk, seal=seal, digest_hex=digest, purpose="x")


def test_only_the_requester_or_a_clerk_of_the_unit_signs(city, seal, use):
    req = use()
    with pytest.raises(Forbidden):
        services.seal_sign(actor=city.a_staff, request=req)
    with pytest.raises(NotFound):
        services.seal_sign(actor=city.b_clerk, request=req)


def test_the_use_audit_has_digests_not_keys(city, seal, use):
    req = use()
    signed = services.seal_sign(actor=city.a_clerk, request=req)
    event = AuditEvent.objects.get(action="seal.signed")
    assert event.details["digest_sm3"] == req.digest_hex
    assert set(event.details) == {"es_id", "digest_sm3", "signature_sm3"}
    assert signed.signature_der.hex() not in str(event.details)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_signings_use_the_request_once(city, seal, use):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    req = use()
    results: list[str] = []

    def sign() -> None:
        try:
            services.seal_sign(actor=city.a_clerk, request=req)
            results.append("signed")
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["refused"] * 3 + ["signed"]
    assert SealUseRequest.objects.get(pk=req.pk).status == "used"


def test_the_scheduled_task_expires_old_requests(city, seal):
    from wenshu.ops import schedule
    from wenshu.seals.tasks import expire_stale_use_requests

    req = _request(city, seal)
    assert expire_stale_use_requests() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        schedule.seals_expire_use_requests.call_local()
    req.refresh_from_db()
    assert req.status == "expired"
