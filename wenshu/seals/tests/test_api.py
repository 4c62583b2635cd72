"""/api/v1/seals/: the lifecycle and the use of a seal through the API, and refusals."""

from __future__ import annotations

import base64
import secrets

import pytest

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.lib import gm
from wenshu.seals.models import Seal

pytestmark = pytest.mark.django_db
API = "/api/v1/seals"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, person, path, body=None):
    return client.post(
        f"{API}{path}", body or {}, content_type="application/json", **bearer(person)
    )


def _produce(client, city, keepers, k=2) -> dict:
    app = post(
        client,
        city.a_clerk,
        "/applications",
        {
            "kind": "new",
            "reason": "电子公文用章",
            "seal_type": "document",
            "custodian_ids": [p.pk for p in keepers],
            "threshold_k": k,
        },
    )
    assert app.status_code == 201, app.json()
    app_id = app.json()["id"]
    assert (
        post(
            client, city.a_leader, f"/applications/{app_id}/sign-off", {"approve": True}
        ).status_code
        == 200
    )
    assert (
        post(
            client, city.zhengfuban, f"/applications/{app_id}/decide", {"approve": True}
        ).status_code
        == 200
    )
    made = post(client, city.shuziban, f"/applications/{app_id}/produce", {"valid_years": 2})
    assert made.status_code == 201, made.json()
    return made.json()


def test_the_whole_life_of_a_seal_through_the_api(city, keepers, client):
    seal = _produce(client, city, keepers)
    assert seal["status"] == "in_use" and seal["threshold_k"] == 2
    digest = gm.sm3_hex(b"document body")
    req = post(
        client,
        city.a_clerk,
        "/use-requests",
        {"seal_id": seal["id"], "digest_hex": digest, "purpose": "印发"},
    )
    assert req.status_code == 201
    req_id = req.json()["id"]
    queue = client.get(f"{API}/use-requests", **bearer(keepers[0])).json()
    assert [r["id"] for r in queue] == [req_id]
    early = post(client, city.a_clerk, f"/use-requests/{req_id}/sign")
    assert early.status_code == 409 and early.json()["error"] == "conflict"
    for keeper in keepers[:2]:
        assert (
            post(client, keeper, f"/use-requests/{req_id}/decide", {"approve": True}).status_code
            == 200
        )
    signed = post(client, city.a_clerk, f"/use-requests/{req_id}/sign").json()
    verdict = post(
        client,
        city.b_clerk,
        "/verify",
        {"signature_der_b64": signed["signature_der_b64"], "digest_hex": digest},
    ).json()
    assert verdict["ok"] is True and verdict["reasons"] == ["有效"]
    bad = post(
        client,
        city.b_clerk,
        "/verify",
        {"signature_der_b64": signed["signature_der_b64"], "digest_hex": gm.sm3_hex(b"other")},
    ).json()
    assert bad["ok"] is False and bad["reasons"] == ["数据已被改动"]


def test_destruction_through_the_api(city, keepers, client):
    seal = _produce(client, city, keepers)
    app = post(
        client,
        city.a_admin,
        "/applications",
        {"kind": "destroy", "reason": "撤销", "old_seal_id": seal["id"]},
    ).json()
    post(client, city.a_leader, f"/applications/{app['id']}/sign-off", {"approve": True})
    post(client, city.zhengfuban, f"/applications/{app['id']}/decide", {"approve": True})
    early = post(client, city.shuziban, f"/applications/{app['id']}/destroy")
    assert early.status_code == 409 and "尚未确认到场" in early.json()["message"]
    for who, party in (
        ("zhengfuban", "gov_office"),
        ("baomiju", "secrecy_bureau"),
        ("shuziban", "digital_office"),
        ("a_leader", "owner_unit"),
    ):
        r = post(client, getattr(city, who), f"/applications/{app['id']}/confirm", {"party": party})
        assert r.status_code == 200, r.json()
    assert r.json()["confirmed_parties"] == sorted(
        ["gov_office", "secrecy_bureau", "digital_office", "owner_unit"]
    )
    done = post(client, city.shuziban, f"/applications/{app['id']}/destroy")
    assert done.status_code == 200 and done.json()["status"] == "destroyed"
    assert Seal.objects.get(pk=seal["id"]).wrapped_key is None


def test_lists_are_scoped_and_outsiders_get_404(city, keepers, client):
    seal = _produce(client, city, keepers)
    assert [
        s["id"] for s in client.get(f"{API}/seals", **bearer(city.a_staff)).json()["items"]
    ] == [seal["id"]]
    assert client.get(f"{API}/seals", **bearer(city.b_staff)).json()["items"] == []
    assert client.get(f"{API}/seals", **bearer(city.shuziban)).json()["count"] == 1
    for path in (
        f"/seals/{seal['id']}",
        f"/seals/{seal['id']}/picture",
        f"/seals/{seal['id']}/files",
    ):
        assert client.get(f"{API}{path}", **bearer(city.b_admin)).status_code == 404
    assert (
        post(client, city.b_admin, f"/seals/{seal['id']}/report-loss", {"reason": "x"}).status_code
        == 404
    )
    assert (
        post(
            client,
            city.b_clerk,
            "/use-requests",
            {"seal_id": seal["id"], "digest_hex": "a" * 64, "purpose": "x"},
        ).status_code
        == 404
    )
    app_id = Seal.objects.get(pk=seal["id"]).made_by_application.pk
    assert client.get(f"{API}/applications/{app_id}", **bearer(city.b_leader)).status_code == 404


def test_the_picture_and_public_files_for_the_unit(city, keepers, client):
    seal = _produce(client, city, keepers)
    pic = client.get(f"{API}/seals/{seal['id']}/picture", **bearer(city.a_staff))
    assert pic.status_code == 200 and pic.content.startswith(b"\x89PNG")
    files = client.get(f"{API}/seals/{seal['id']}/files", **bearer(city.a_staff)).json()
    stored = Seal.objects.get(pk=seal["id"])
    assert base64.b64decode(files["seal_der_b64"]) == bytes(stored.seal_der)


def test_refusals_are_json_4xx(city, keepers, client):
    bad = post(
        client,
        city.a_clerk,
        "/applications",
        {
            "kind": "new",
            "reason": "r",
            "seal_type": "official",
            "custodian_ids": [city.b_staff.pk],
            "threshold_k": 1,
        },
    )
    assert bad.status_code == 400 and "保管人" in bad.json()["message"]
    wrong = post(
        client,
        city.a_staff,
        "/applications",
        {
            "kind": "new",
            "reason": "r",
            "seal_type": "official",
            "custodian_ids": [keepers[0].pk],
            "threshold_k": 1,
        },
    )
    assert wrong.status_code == 403
    junk = post(
        client, city.a_clerk, "/verify", {"signature_der_b64": "***", "digest_hex": "a" * 64}
    )
    assert junk.status_code == 400
    assert client.get(f"{API}/queues/nope", **bearer(city.a_clerk)).status_code == 404
    assert client.get(f"{API}/seals").status_code == 401


def test_rules_through_the_api(city, client):
    put = client.put(
        f"{API}/rules",
        {"text": "印章两人保管"},
        content_type="application/json",
        **bearer(city.a_leader),
    )
    assert put.status_code == 200
    assert client.get(f"{API}/rules", **bearer(city.a_custodian)).json()["text"] == "印章两人保管"
    assert client.get(f"{API}/rules", **bearer(city.b_staff)).json()["text"] == ""
    refused = client.put(
        f"{API}/rules", {"text": "x"}, content_type="application/json", **bearer(city.a_clerk)
    )
    assert refused.status_code == 403
