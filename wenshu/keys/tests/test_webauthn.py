"""WebAuthn registration and login with the software authenticator: success and every refusal."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from wenshu.accounts.login_steps import PENDING_SESSION_KEY
from wenshu.accounts.models import LoginAttempt, UserSession
from wenshu.audit.models import AuditEvent
from wenshu.keys import ceremony, production, services
from wenshu.keys.models import KeyApplication, LoginKey
from wenshu.keys.tests.conftest import (
    Session,
    active_webauthn,
    approved,
    password_step,
    produced_webauthn,
    webauthn_login,
)
from wenshu.keys.tests.soft_authenticator import SoftAuthenticator
from wenshu.lib.errors import Conflict, Forbidden


def _refusals(user, reason):
    attempts = LoginAttempt.objects.filter(
        user=user, result=LoginAttempt.Result.SECOND_FACTOR_FAILED, detail__startswith=reason
    )
    events = AuditEvent.objects.filter(
        action="key.login_refused", result="refused", details__reason=reason
    )
    return attempts.count(), events.count()


# ---------------------------------------------------------------- registration


def test_registration_records_the_credential_for_the_intended_holder(city, authenticator):
    app, key = produced_webauthn(city, authenticator, holder=city.a_admin)
    assert app.status == KeyApplication.Status.PRODUCED
    assert key.holder == city.a_admin and key.status == LoginKey.Status.PRODUCED
    assert key.credential_id and bytes(key.public_key) and key.transports == ["usb"]
    assert key.aaguid == "00000000-0000-0000-0000-000000000000"
    cred = next(iter(authenticator.credentials.values()))
    assert cred.user_handle and len(cred.user_handle) == 64  # random handle, no personal data


def test_registration_from_another_origin_is_refused_and_audited(city, authenticator):
    app = approved(city, kind="webauthn")
    session = Session()
    options = production.register_begin(actor=city.shuziban, application=app, session=session)
    with pytest.raises(ceremony.CeremonyRefused, match="不是本系统的正式地址"):
        production.register_finish(
            actor=city.shuziban,
            application=app,
            session=session,
            credential=authenticator.create(options, origin="https://evil.example"),
        )
    assert AuditEvent.objects.filter(action="key.registration_refused", result="refused").exists()
    assert not LoginKey.objects.exists()


def test_a_replayed_registration_response_is_refused(city, authenticator):
    app = approved(city, kind="webauthn")
    session = Session()
    options = production.register_begin(actor=city.shuziban, application=app, session=session)
    response = authenticator.create(options)
    production.register_begin(
        actor=city.shuziban, application=app, session=session
    )  # a new challenge
    with pytest.raises(ceremony.CeremonyRefused, match="重放"):
        production.register_finish(
            actor=city.shuziban, application=app, session=session, credential=response
        )


def test_an_expired_registration_challenge_is_refused(city, authenticator):
    app = approved(city, kind="webauthn")
    session = Session()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        options = production.register_begin(actor=city.shuziban, application=app, session=session)
        traveller.shift(ceremony.CHALLENGE_MAX_SECONDS + 1)
        with pytest.raises(ceremony.CeremonyRefused, match="超时"):
            production.register_finish(
                actor=city.shuziban,
                application=app,
                session=session,
                credential=authenticator.create(options),
            )


def test_registration_is_for_the_digital_office_and_not_for_oneself(city, authenticator):
    app = approved(city, kind="webauthn", holder=city.a_admin)
    with pytest.raises(Forbidden):
        production.register_begin(actor=city.a_admin, application=app, session=Session())
    own = approved(city, kind="webauthn", holder=city.shuziban)
    with pytest.raises(Forbidden, match="本人"):
        production.register_begin(actor=city.shuziban, application=own, session=Session())


def test_the_same_authenticator_cannot_be_registered_twice(city, authenticator):
    produced_webauthn(city, authenticator, holder=city.a_admin)
    app = approved(city, kind="webauthn", holder=city.a_staff)
    session = Session()
    options = production.register_begin(actor=city.shuziban, application=app, session=session)
    response = authenticator.create(options)
    # The browser would refuse (excludeCredentials is per holder); a crafted post of a known
    # id is refused too.
    known = LoginKey.objects.get().credential_id
    response["id"] = response["rawId"] = known
    with pytest.raises((Conflict, ceremony.CeremonyRefused)):
        production.register_finish(
            actor=city.shuziban, application=app, session=session, credential=response
        )


def test_the_registration_endpoints_answer_json(city, authenticator, login):
    app = approved(city, kind="webauthn")
    c = login(city.shuziban)
    options = c.post(f"/keys/applications/{app.pk}/webauthn/options/").json()
    assert options["rp"]["id"] == "localhost" and options["user"]["name"] == "a_staff"
    body = {"credential": authenticator.create(options), "serial": "FIDO-0001"}
    answer = c.post(
        f"/keys/applications/{app.pk}/webauthn/verify/",
        json.dumps(body),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert LoginKey.objects.get().serial == "FIDO-0001"
    again = c.post(
        f"/keys/applications/{app.pk}/webauthn/verify/",
        json.dumps(body),
        content_type="application/json",
    )
    assert again.status_code == 409 and "message" in again.json()


def test_an_outsider_cannot_reach_the_registration_endpoints(city, login):
    app = approved(city, kind="webauthn")
    c = login(city.b_admin)
    assert c.post(f"/keys/applications/{app.pk}/webauthn/options/").status_code == 404
    assert (
        c.post(
            f"/keys/applications/{app.pk}/webauthn/verify/", "{}", content_type="application/json"
        ).status_code
        == 404
    )


# ---------------------------------------------------------------- login


@pytest.fixture
def holder_key(city, authenticator):
    return active_webauthn(city, authenticator, holder=city.a_admin)


def test_password_then_key_logs_in(city, authenticator, holder_key, client):
    first = password_step(client, city.a_admin)
    assert first.status_code == 302 and first.url == "/keys/login/"
    assert client.get("/workbench/").status_code == 302  # not logged in yet
    answer = webauthn_login(client, authenticator)
    assert answer.status_code == 200 and answer.json()["redirect"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    holder_key.refresh_from_db()
    assert holder_key.sign_count == 1 and holder_key.last_used_at
    assert (
        UserSession.objects.get(user=city.a_admin, ended_at__isnull=True).login_key_id
        == holder_key.pk
    )
    assert PENDING_SESSION_KEY not in client.session


def test_a_login_from_another_origin_is_refused(city, authenticator, holder_key, client):
    password_step(client, city.a_admin)
    answer = webauthn_login(client, authenticator, origin="https://phish.example")
    assert answer.status_code == 400 and "正式地址" in answer.json()["message"]
    assert _refusals(city.a_admin, "wrong_origin") == (1, 1)
    assert client.get("/workbench/").status_code == 302


def test_a_replayed_assertion_is_refused(city, authenticator, holder_key, client):
    password_step(client, city.a_admin)
    options = client.post("/keys/login/webauthn/options/").json()
    credential = authenticator.get(options)
    first = client.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": credential}),
        content_type="application/json",
    )
    assert first.status_code == 200
    other = Client()
    password_step(other, city.a_admin)
    other.post("/keys/login/webauthn/options/")
    replay = other.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": credential}),
        content_type="application/json",
    )
    assert replay.status_code == 400 and "重放" in replay.json()["message"]
    again = other.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": credential}),
        content_type="application/json",
    )
    assert "已使用过" in again.json()["message"]  # the challenge was single use
    assert _refusals(city.a_admin, "challenge_mismatch") == (1, 1)
    assert _refusals(city.a_admin, "no_challenge") == (1, 1)


def test_an_expired_login_challenge_is_refused(city, authenticator, holder_key, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        password_step(client, city.a_admin)
        options = client.post("/keys/login/webauthn/options/").json()
        traveller.shift(ceremony.CHALLENGE_MAX_SECONDS + 1)
        # The pending login itself lasts 5 minutes; the challenge only 3.
        answer = client.post(
            "/keys/login/webauthn/verify/",
            json.dumps({"credential": authenticator.get(options)}),
            content_type="application/json",
        )
    assert answer.status_code == 400 and "超时" in answer.json()["message"]
    assert _refusals(city.a_admin, "challenge_expired") == (1, 1)


def test_an_unknown_credential_is_refused(city, authenticator, holder_key, client):
    stranger = SoftAuthenticator(origin=authenticator.origin)
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    password_step(client, city.a_admin)
    options = client.post("/keys/login/webauthn/options/").json()
    cred_id = next(iter(stranger.credentials))
    answer = client.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": stranger.get(options, credential_id=cred_id)}),
        content_type="application/json",
    )
    assert answer.status_code == 400 and "未在本系统登记" in answer.json()["message"]
    assert _refusals(city.a_admin, "unknown_credential") == (1, 1)


def test_a_key_of_another_person_is_refused(city, authenticator, holder_key, client):
    """Art. 30: a key is never lent. a_clerk signs with a_admin's key over his own login."""
    services.key_policy_set(actor=city.secadmin, mode="all")
    own = SoftAuthenticator(origin=authenticator.origin)
    active_webauthn(city, own, holder=city.a_clerk)
    password_step(client, city.a_clerk)
    options = client.post("/keys/login/webauthn/options/").json()
    borrowed_id = next(iter(authenticator.credentials))
    credential = authenticator.get(options, credential_id=borrowed_id)
    answer = client.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": credential}),
        content_type="application/json",
    )
    assert answer.status_code == 400 and "其他人员名下" in answer.json()["message"]
    assert _refusals(city.a_clerk, "other_holder") == (1, 1)
    assert client.get("/workbench/").status_code == 302


def test_a_counter_regression_suspends_the_key_and_alerts_security(city, authenticator, holder_key):
    first = Client()
    password_step(first, city.a_admin)
    assert webauthn_login(first, authenticator, sign_count=10).status_code == 200
    clone = Client()
    password_step(clone, city.a_admin)
    answer = webauthn_login(clone, authenticator, sign_count=5)
    assert answer.status_code == 400 and "疑似被复制" in answer.json()["message"]
    holder_key.refresh_from_db()
    assert holder_key.status == LoginKey.Status.SUSPENDED
    assert _refusals(city.a_admin, "counter_regressed") == (1, 1)
    assert AuditEvent.objects.filter(action="key.suspended").exists()
    from wenshu.audit.models import SecurityAlert

    assert SecurityAlert.objects.filter(kind="login_key_clone").exists()
    # the session opened with the key ended too, and the key no longer opens a login
    assert first.get("/workbench/").status_code == 302
    again = Client()
    password_step(again, city.a_admin)
    assert again.get("/keys/login/").status_code == 403


def test_a_forged_signature_does_not_suspend_the_key(city, authenticator, holder_key, client):
    password_step(client, city.a_admin)
    options = client.post("/keys/login/webauthn/options/").json()
    credential = authenticator.get(options, sign_count=0)
    credential["response"]["signature"] = credential["response"]["signature"][:-4] + "AAAA"
    answer = client.post(
        "/keys/login/webauthn/verify/",
        json.dumps({"credential": credential}),
        content_type="application/json",
    )
    assert answer.status_code == 400 and "签名验证未通过" in answer.json()["message"]
    holder_key.refresh_from_db()
    assert holder_key.status == LoginKey.Status.ACTIVE


def test_a_key_not_yet_collected_does_not_open_a_login(city, authenticator, client):
    produced_webauthn(city, authenticator, holder=city.a_admin)
    password_step(client, city.a_admin)
    page = client.get("/keys/login/")
    assert page.status_code == 403 and "申领密钥" in page.content.decode()
    assert _refusals(city.a_admin, "no_usable_key") == (1, 1)


def test_five_failures_send_the_person_back_to_the_password(
    city, authenticator, holder_key, client
):
    password_step(client, city.a_admin)
    for _ in range(5):
        answer = webauthn_login(client, authenticator, origin="https://phish.example")
    assert answer.json()["restart"] is True and answer.json()["redirect"] == "/accounts/login/"
    assert PENDING_SESSION_KEY not in client.session


def test_the_key_step_without_a_password_step_goes_back_to_login(client, db):
    assert client.get("/keys/login/").url == "/accounts/login/"
    answer = client.post("/keys/login/webauthn/options/")
    assert answer.status_code == 400 and answer.json()["restart"] is True
