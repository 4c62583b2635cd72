"""/api/v1/keys/: the same lifecycle through JSON, the ceremonies, and outsiders refused."""

from __future__ import annotations

import json

import pytest

from wenshu.keys.models import KeyApplication, LoginKey
from wenshu.keys.tests.conftest import active_totp, applied, approved, password_step

API = "/api/v1/keys"


def _post(c, path, body=None):
    return c.post(API + path, json.dumps(body or {}), content_type="application/json")


def test_the_whole_totp_lifecycle_through_the_api(city, login, client):
    c = login(city.a_admin)
    created = _post(
        c,
        "/applications",
        {"intended_holder_id": city.a_staff.pk, "kind": "totp", "reason": "新岗位需要登录"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    login(city.zhengfuban)
    assert (
        _post(c, f"/applications/{pk}/approve", {"comment": "同意"}).json()["status"] == "approved"
    )
    login(city.shuziban)
    made = _post(c, f"/applications/{pk}/produce-totp", {"serial": ""})
    assert made.status_code == 200 and len(made.json()["secret"]) == 32
    assert made.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert _post(c, f"/applications/{pk}/notify").json()["status"] == "notified"
    done = _post(
        c, f"/applications/{pk}/collect", {"collected_by_name": "王五", "method": "by_hand"}
    )
    assert done.json()["status"] == "collected"
    key_id = done.json()["key_id"]
    assert c.get(f"{API}/keys/{key_id}").json()["status"] == "active"
    login(city.a_staff)
    assert [k["id"] for k in c.get(f"{API}/mine").json()] == [key_id]
    lost = _post(c, f"/keys/{key_id}/report-loss", {"text": "遗失"})
    assert lost.status_code == 201
    login(city.a_admin)
    loss_id = lost.json()["id"]
    assert (
        _post(c, f"/losses/{loss_id}/findings", {"findings": "不慎遗失"}).json()["status"]
        == "findings"
    )
    again = _post(c, f"/losses/{loss_id}/reapply", {"reason": "重新申领"})
    assert again.status_code == 201 and again.json()["loss_report_id"] == loss_id


def test_refusals_are_json_4xx(city, login):
    app = applied(city)
    c = login(city.a_clerk)
    answer = _post(c, f"/applications/{app.pk}/approve")
    assert answer.status_code == 404  # a_clerk cannot even see the unit's application
    c = login(city.shuziban)
    answer = _post(c, f"/applications/{app.pk}/approve")
    assert answer.status_code == 403 and "市政府办公室审批人" in answer.json()["message"]
    bad = _post(c, "/applications", {"intended_holder_id": city.a_staff.pk, "kind": "usb"})
    assert bad.status_code == 422


def test_an_outsider_gets_404_on_every_object_route(city, login):
    key, _ = active_totp(city)
    app = key.application
    c = login(city.b_admin)
    for path in [f"/applications/{app.pk}", f"/keys/{key.pk}"]:
        assert c.get(API + path).status_code == 404, path
    for path in [
        f"/applications/{app.pk}/withdraw",
        f"/applications/{app.pk}/notify",
        f"/applications/{app.pk}/webauthn/options",
        f"/keys/{key.pk}/revoke",
    ]:
        assert _post(c, path, {"text": "x"}).status_code == 404, path
    answer = _post(
        c,
        "/applications",
        {"intended_holder_id": city.a_staff.pk, "kind": "totp", "reason": "外单位代申请"},
    )
    assert answer.status_code == 404
    assert c.get(f"{API}/applications").json() == []
    assert c.get(f"{API}/policy").status_code == 404


def test_anonymous_calls_are_refused(client, db):
    assert client.get(f"{API}/mine").status_code == 401


def test_the_webauthn_ceremonies_through_the_api(city, login, client, authenticator):
    app = approved(city, kind="webauthn", holder=city.a_admin)
    c = login(city.shuziban)
    options = _post(c, f"/applications/{app.pk}/webauthn/options").json()
    made = _post(
        c, f"/applications/{app.pk}/webauthn/verify", {"credential": authenticator.create(options)}
    )
    assert made.status_code == 200 and made.json()["status"] == "produced"
    _post(c, f"/applications/{app.pk}/notify")
    _post(
        c, f"/applications/{app.pk}/collect", {"collected_by_name": "艾管理", "method": "by_hand"}
    )
    c.logout()
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    token = browser.cookies["wenshu_csrftoken"].value
    assert (
        browser.post(
            "/accounts/login/",
            {"username": "a_admin", "password": "Wenshu@2026", "csrfmiddlewaretoken": token},
        ).url
        == "/keys/login/"
    )
    assert _post(browser, "/login/webauthn/options").status_code == 403  # no CSRF header
    headers = {"HTTP_X_CSRFTOKEN": browser.cookies["wenshu_csrftoken"].value}
    options = browser.post(
        f"{API}/login/webauthn/options", "{}", content_type="application/json", **headers
    ).json()
    answer = browser.post(
        f"{API}/login/webauthn/verify",
        json.dumps({"credential": authenticator.get(options)}),
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 200 and answer.json()["redirect"] == "/workbench/"
    assert browser.get("/workbench/").status_code == 200
    assert LoginKey.objects.get().sign_count == 1


def test_the_policy_through_the_api(city, login):
    c = login(city.secadmin)
    answer = c.put(f"{API}/policy", json.dumps({"mode": "all"}), content_type="application/json")
    assert answer.json()["effective"] == "all"
    rule = _post(c, "/policy/rules", {"unit_id": city.b.pk, "required": False})
    assert rule.status_code == 201
    assert c.delete(f"{API}/policy/rules/{rule.json()['id']}").status_code == 204
    login(city.sysadmin)
    assert (
        c.put(
            f"{API}/policy", json.dumps({"mode": "none"}), content_type="application/json"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("status", ["applied"])
def test_lists_filter_by_status(city, login, status):
    applied(city)
    c = login(city.zhengfuban)
    assert len(c.get(f"{API}/applications?status={status}").json()) == 1
    assert c.get(f"{API}/applications?status=collected").json() == []
    assert KeyApplication.objects.count() == 1


def test_password_step_helper_is_the_real_form(city, client):
    assert password_step(client, city.a_clerk).status_code == 302
