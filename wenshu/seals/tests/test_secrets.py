"""The private keys never leave the database wrapped: no page, API answer, download, audit row,
notification or log line of the whole flow contains them in any usual encoding."""

from __future__ import annotations

import base64
import json
import logging
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.audit.models import AuditEvent
from wenshu.lib import gm
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.seals.models import Seal, SealApplication, SealMaker, SealUseRequest
from wenshu.seals.services._common import kek, unwrap_private_key

pytestmark = pytest.mark.django_db


class Recorder(Client):
    """A test client that keeps every response body it receives."""

    bodies: list[bytes]

    def request(self, **request):
        response = super().request(**request)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        self.bodies.append(content)
        return response


def _client(user, bodies):
    c = Recorder()
    c.bodies = bodies
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c


def _bearer(user):
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=user, name="t", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _needles(key: gm.PrivateKey, wrapped: bytes) -> list[bytes]:
    der, pem = gm.private_key_to_der(key), gm.private_key_to_pem(key)
    scalar = format(key.private_numbers().private_value, "064x")
    forms = [der, pem, wrapped]
    for raw in (der, wrapped):
        forms += [
            raw.hex().encode(),
            raw.hex().upper().encode(),
            base64.b64encode(raw),
            base64.urlsafe_b64encode(raw),
        ]
    forms += [scalar.encode(), scalar.upper().encode(), pem.split(b"\n")[1]]
    forms += [kek().hex().encode(), kek()]
    return forms


def _flow(city, keepers, bodies):
    pages = {
        name: _client(getattr(city, name), bodies)
        for name in ("a_clerk", "a_leader", "zhengfuban", "shuziban", "baomiju", "a_staff")
    }
    pages["a_clerk"].post(
        reverse("seals:application_new"),
        {
            "kind": "new",
            "seal_type": "official",
            "reason": "申请公章",
            "custodians": [k.pk for k in keepers],
            "threshold_k": 2,
        },
    )
    app = SealApplication.objects.get()
    for who in ("a_clerk", "a_leader", "zhengfuban", "shuziban"):
        pages[who].get(reverse("seals:application", args=[app.pk]))
    pages["a_leader"].post(
        reverse("seals:application_sign_off", args=[app.pk]), {"decision": "approve"}
    )
    pages["zhengfuban"].post(
        reverse("seals:application_decide", args=[app.pk]), {"decision": "approve"}
    )
    pages["shuziban"].post(
        reverse("seals:application_produce", args=[app.pk]), {"diameter_mm": 42, "valid_years": 5}
    )
    seal = Seal.objects.get()
    for c in pages.values():
        for name in ("seal", "picture", "seal_der"):
            c.get(reverse(f"seals:{name}", args=[seal.pk]))
        c.get(reverse("seals:unit_seals"))
        c.get(reverse("seals:applications"))
        c.get(reverse("web:workbench"))
    pages["shuziban"].get(reverse("seals:registry"))
    data = b"official document"
    pages["a_clerk"].post(
        reverse("seals:use_request_new", args=[seal.pk]),
        {"purpose": "印发", "data_file": SimpleUploadedFile("d.txt", data)},
    )
    req = SealUseRequest.objects.get()
    for keeper in keepers[:2]:
        k = _client(keeper, bodies)
        k.get(reverse("seals:use_queue"))
        k.post(reverse("seals:use_decide", args=[req.pk]), {"decision": "approve"})
    pages["a_clerk"].post(reverse("seals:use_sign", args=[req.pk]))
    sig = pages["a_clerk"].get(reverse("seals:use_signature", args=[req.pk])).content
    pages["a_staff"].post(
        reverse("seals:verify"),
        {"signature": SimpleUploadedFile("s.ses", sig), "data_file": SimpleUploadedFile("d", data)},
    )
    return seal, req


def _api_flow(city, keepers, seal, bodies):
    api = Recorder()
    api.bodies = bodies
    for user in (city.a_clerk, city.shuziban, keepers[0]):
        auth = _bearer(user)
        for path in (
            "/seals",
            f"/seals/{seal.pk}",
            f"/seals/{seal.pk}/files",
            "/applications",
            "/use-requests",
            "/rules",
            "/queues/production",
        ):
            api.get(f"/api/v1/seals{path}", **auth)
    auth = _bearer(city.a_clerk)
    made = api.post(
        "/api/v1/seals/use-requests",
        json.dumps({"seal_id": seal.pk, "digest_hex": "c" * 64, "purpose": "x"}),
        content_type="application/json",
        **auth,
    )
    req_id = made.json()["id"]
    for keeper in keepers[:2]:
        api.post(
            f"/api/v1/seals/use-requests/{req_id}/decide",
            json.dumps({"approve": True}),
            content_type="application/json",
            **_bearer(keeper),
        )
    api.post(f"/api/v1/seals/use-requests/{req_id}/sign", **auth)


def _destroy(city, seal, bodies):
    c = _client(city.a_clerk, bodies)
    c.post(
        reverse("seals:application_new"), {"kind": "destroy", "old_seal": seal.pk, "reason": "撤销"}
    )
    app = SealApplication.objects.get(kind="destroy")
    _client(city.a_leader, bodies).post(
        reverse("seals:application_sign_off", args=[app.pk]), {"decision": "approve"}
    )
    _client(city.zhengfuban, bodies).post(
        reverse("seals:application_decide", args=[app.pk]), {"decision": "approve"}
    )
    for who, party in (
        ("zhengfuban", "gov_office"),
        ("baomiju", "secrecy_bureau"),
        ("shuziban", "digital_office"),
        ("a_leader", "owner_unit"),
    ):
        _client(getattr(city, who), bodies).post(
            reverse("seals:destruction_confirm", args=[app.pk]), {"party": party}
        )
    _client(city.shuziban, bodies).post(reverse("seals:destroy", args=[app.pk]))
    _client(city.shuziban, bodies).get(reverse("seals:application", args=[app.pk]))


def test_no_private_key_in_any_page_api_answer_audit_row_notice_or_log(city, keepers, caplog):
    caplog.set_level(logging.DEBUG)
    bodies: list[bytes] = []
    seal, _ = _flow(city, keepers, bodies)
    _api_flow(city, keepers, seal, bodies)
    seal.refresh_from_db()
    maker = SealMaker.objects.get()
    needles = _needles(unwrap_private_key(seal.wrapped_key, seal.wrap_aad), bytes(seal.wrapped_key))
    needles += _needles(
        unwrap_private_key(maker.wrapped_key, maker.wrap_aad), bytes(maker.wrapped_key)
    )
    _destroy(city, seal, bodies)  # the destruction pages too, with the key known beforehand
    assert len(bodies) > 80 and Seal.objects.get().status == "destroyed"
    stored = [
        json.dumps([e.details, e.target_repr, e.action], ensure_ascii=False).encode()
        for e in AuditEvent.objects.all()
    ]
    stored += [f"{n.title}{n.body}{n.link}".encode() for n in Notification.objects.all()]
    stored += [m.body.encode() for m in OutboxMessage.objects.all()]
    stored += [caplog.text.encode()]
    assert AuditEvent.objects.filter(action__startswith="seal.").count() > 10
    for haystack in bodies + stored:
        for needle in needles:
            assert needle not in haystack
