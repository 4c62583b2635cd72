import json

import pytest
from django.test import Client

from conftest import PASSWORD, make_person
from wenshu.accounts import login_steps, services
from wenshu.accounts.models import AccountRequest, RoleGrant, User, UserSession

from .helpers import fresh


def post(c, path, body=None, **extra):
    return c.post(path, json.dumps(body or {}), content_type="application/json", **extra)


def test_a_script_logs_in_gets_a_csrf_token_and_logs_out(city):
    c = Client(enforce_csrf_checks=True)
    response = post(c, "/api/v1/accounts/login", {"username": "a_clerk", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["me"]["username"] == "a_clerk" and body["me"]["roles"] == ["clerk"]
    assert c.get("/api/v1/accounts/me").json()["unit_name"] == "白银市财政局"
    refused = post(c, "/api/v1/accounts/logout")
    assert refused.status_code == 403  # a session write needs the CSRF token
    response = post(c, "/api/v1/accounts/logout", HTTP_X_CSRFTOKEN=body["csrf_token"])
    assert response.status_code == 200
    assert c.get("/api/v1/accounts/me").status_code == 401
    assert UserSession.objects.get(user=city.a_clerk).end_reason == "logout"


def test_a_wrong_password_is_a_401_with_the_chinese_message(city, client):
    response = post(client, "/api/v1/accounts/login", {"username": "a_clerk", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == {
        "error": "bad_credentials",
        "message": "用户名或密码不正确（再错 4 次将锁定账号）",
        "detail": "用户名或密码不正确（再错 4 次将锁定账号）",
    }


def test_a_locked_account_is_a_423(city, client):
    for _ in range(5):
        post(client, "/api/v1/accounts/login", {"username": "a_clerk", "password": "nope"})
    response = post(client, "/api/v1/accounts/login", {"username": "a_clerk", "password": PASSWORD})
    assert response.status_code == 423 and response.json()["error"] == "locked"
    assert "锁定" in response.json()["message"]


def test_a_throttled_address_is_a_429(city, client, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 1
    post(client, "/api/v1/accounts/login", {"username": "x", "password": "nope"})
    response = post(client, "/api/v1/accounts/login", {"username": "a_clerk", "password": PASSWORD})
    assert response.status_code == 429 and response.json()["error"] == "throttled"


def test_a_person_who_needs_a_second_factor_gets_second_factor_required(city, client, monkeypatch):
    monkeypatch.setattr(
        login_steps,
        "_hooks",
        [lambda user: "/keys/verify/" if user.username == "a_admin" else None],
    )
    response = post(client, "/api/v1/accounts/login", {"username": "a_admin", "password": PASSWORD})
    assert response.status_code == 403 and response.json()["error"] == "second_factor_required"
    assert client.get("/api/v1/accounts/me").status_code == 401
    assert (
        post(
            client, "/api/v1/accounts/login", {"username": "a_clerk", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_the_login_page_sends_a_second_factor_person_to_the_key_step(city, client, monkeypatch):
    monkeypatch.setattr(login_steps, "_hooks", [lambda user: "/keys/verify/"])
    response = client.post("/accounts/login/", {"username": "a_admin", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/keys/verify/"
    assert client.session[login_steps.PENDING_SESSION_KEY]["user_id"] == city.a_admin.pk
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("body", ["{not json", json.dumps({"username": "a"}), json.dumps([1, 2])])
def test_a_malformed_login_body_is_a_4xx_json(city, client, body):
    response = client.post("/api/v1/accounts/login", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "message" in response.json()


def test_the_forced_change_works_through_the_api(city, client):
    make_person("newbie", city.a, "staff", must_change_password=True)
    post(client, "/api/v1/accounts/login", {"username": "newbie", "password": PASSWORD})
    assert client.get("/api/v1/accounts/tokens").json()["error"] == "password_change_required"
    bad = post(
        client, "/api/v1/accounts/password", {"old_password": PASSWORD, "new_password": "abc"}
    )
    assert bad.status_code == 400 and "密码至少 6 位" in bad.json()["message"]
    ok = post(
        client,
        "/api/v1/accounts/password",
        {"old_password": PASSWORD, "new_password": "Newbie#2026"},
    )
    assert ok.status_code == 200
    assert client.get("/api/v1/accounts/tokens").status_code == 200


def test_me_and_profile_update(city, login):
    c = login(city.a_clerk)
    response = c.patch(
        "/api/v1/accounts/me",
        json.dumps({"mobile": "13900000000", "share_mobile": True}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["mobile"] == "13900000000"
    assert fresh(city.a_clerk).share_mobile
    bad = c.patch(
        "/api/v1/accounts/me", json.dumps({"mobile": "123"}), content_type="application/json"
    )
    assert bad.status_code == 400 and "手机号码" in bad.json()["message"]


def test_account_requests_through_the_api(city, login):
    admin = login(city.a_admin)
    created = post(
        admin,
        "/api/v1/accounts/requests",
        {"username": "wangwu", "real_name": "王五", "roles": ["clerk"]},
    )
    assert created.status_code == 201 and created.json()["initial_password"] is None
    req_id = created.json()["request"]["id"]
    assert [r["id"] for r in admin.get("/api/v1/accounts/requests").json()] == [req_id]
    office = login(city.shuziban, c=Client())
    approved = post(office, f"/api/v1/accounts/requests/{req_id}/approve", {"note": "同意"})
    assert approved.status_code == 200
    raw = approved.json()["initial_password"]
    assert User.objects.get(username="wangwu").check_password(raw)
    assert post(office, f"/api/v1/accounts/requests/{req_id}/approve").status_code == 409
    closing = post(
        admin,
        "/api/v1/accounts/requests/close",
        {"person_id": approved.json()["request"]["person_id"]},
    )
    assert closing.status_code == 201
    rejected = post(
        office,
        f"/api/v1/accounts/requests/{closing.json()['request']['id']}/reject",
        {"reason": "暂缓"},
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_account_request_api_refusals(city, login):
    req = services.account_request_open(
        actor=city.a_admin, filing=services.OpeningFiling(username="zhaoliu", real_name="赵六")
    ).request
    outsider = login(city.b_admin)
    assert outsider.get(f"/api/v1/accounts/requests/{req.pk}").status_code == 404
    assert post(outsider, f"/api/v1/accounts/requests/{req.pk}/withdraw").status_code == 404
    secadmin = login(city.secadmin, c=Client())
    assert post(secadmin, f"/api/v1/accounts/requests/{req.pk}/approve").status_code == 404
    assert secadmin.get("/api/v1/accounts/requests").status_code == 403
    office = login(city.shuziban, c=Client())
    assert post(office, "/api/v1/accounts/requests/999999/approve").status_code == 404
    bad = post(office, f"/api/v1/accounts/requests/{req.pk}/reject", {})
    assert bad.status_code == 422 and bad.json()["error"] == "validation"
    assert AccountRequest.objects.get().status == "pending"


def test_roles_reset_and_unlock_through_the_api(city, login):
    admin = login(city.a_admin)
    granted = post(admin, f"/api/v1/accounts/people/{city.a_staff.pk}/roles", {"role": "clerk"})
    assert granted.status_code == 201 and "clerk" in granted.json()["roles"]
    revoked = admin.delete(f"/api/v1/accounts/people/{city.a_staff.pk}/roles/clerk")
    assert revoked.status_code == 200 and "clerk" not in revoked.json()["roles"]
    refused = post(
        admin, f"/api/v1/accounts/people/{city.a_leader.pk}/roles", {"role": "seal_custodian"}
    )
    assert refused.status_code == 400 and "签发与用印须分离" in refused.json()["message"]
    assert (
        post(
            admin, f"/api/v1/accounts/people/{city.a_admin.pk}/roles", {"role": "clerk"}
        ).status_code
        == 403
    )
    reset = post(admin, f"/api/v1/accounts/people/{city.a_staff.pk}/password-reset")
    assert reset.status_code == 200 and fresh(city.a_staff).check_password(
        reset.json()["initial_password"]
    )
    assert post(admin, f"/api/v1/accounts/people/{city.a_staff.pk}/unlock").status_code == 403
    assert (
        post(admin, f"/api/v1/accounts/people/{city.b_staff.pk}/password-reset").status_code == 404
    )
    assert post(admin, "/api/v1/accounts/people/999999/roles", {"role": "clerk"}).status_code == 404
    outsider = login(city.b_admin, c=Client())
    assert (
        post(
            outsider, f"/api/v1/accounts/people/{city.a_staff.pk}/roles", {"role": "clerk"}
        ).status_code
        == 404
    )
    assert (
        outsider.delete(f"/api/v1/accounts/people/{city.a_staff.pk}/roles/staff").status_code == 404
    )


def test_people_listing_is_scoped(city, login):
    names = {p["username"] for p in login(city.a_admin).get("/api/v1/accounts/people").json()}
    assert "a_staff" in names and "b_staff" not in names
    assert login(city.a_staff, c=Client()).get("/api/v1/accounts/people").status_code == 403
    assert (
        login(city.a_admin, c=Client())
        .get(f"/api/v1/accounts/people/{city.b_staff.pk}")
        .status_code
        == 404
    )


def test_login_history_through_the_api(city, client, login):
    post(
        client,
        "/api/v1/accounts/login",
        {"username": "a_clerk", "password": "nope"},
        REMOTE_ADDR="10.4.4.4",
    )
    mine = login(city.a_clerk, c=Client()).get("/api/v1/accounts/login-history").json()
    assert mine[0]["ip"] == "10.4.4.4" and mine[0]["result"] == "bad_password"
    auditor = login(city.auditor, c=Client())
    assert (
        auditor.get("/api/v1/accounts/login-history?username=a_clerk").json()[0]["ip"] == "10.4.4.4"
    )
    snoop = login(city.a_admin, c=Client()).get("/api/v1/accounts/login-history?username=a_clerk")
    assert snoop.status_code == 403


def test_the_password_policy_through_the_api(city, login):
    sec = login(city.secadmin)
    current = sec.get("/api/v1/accounts/password-policy").json()
    response = sec.put(
        "/api/v1/accounts/password-policy",
        json.dumps({**current, "min_length": 8}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["min_length"] == 8
    other = login(city.sysadmin, c=Client()).put(
        "/api/v1/accounts/password-policy", json.dumps(current), content_type="application/json"
    )
    assert other.status_code == 403


def test_every_accounts_route_is_in_the_openapi_description(city, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "login",
        "logout",
        "me",
        "password",
        "tokens",
        "tokens/{token_id}/revoke",
        "requests",
        "requests/close",
        "requests/{request_id}",
        "requests/{request_id}/approve",
        "requests/{request_id}/reject",
        "requests/{request_id}/withdraw",
        "people",
        "people/{person_id}",
        "people/{person_id}/roles",
        "people/{person_id}/roles/{role}",
        "people/{person_id}/password-reset",
        "people/{person_id}/unlock",
        "login-history",
        "password-policy",
    ):
        assert f"/api/v1/accounts/{path}" in paths, path


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/accounts/me"),
        ("get", "/api/v1/accounts/tokens"),
        ("post", "/api/v1/accounts/tokens"),
        ("get", "/api/v1/accounts/requests"),
        ("get", "/api/v1/accounts/people"),
        ("post", "/api/v1/accounts/password"),
        ("get", "/api/v1/accounts/password-policy"),
    ],
)
def test_anonymous_calls_are_a_401_json(db, client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401 and response.json()["error"] == "unauthenticated"


def test_a_role_grant_grants_nothing_for_an_unknown_role(city, login):
    response = post(
        login(city.a_admin), f"/api/v1/accounts/people/{city.a_staff.pk}/roles", {"role": "king"}
    )
    assert response.status_code == 400
    assert set(RoleGrant.objects.filter(user=city.a_staff).values_list("role", flat=True)) == {
        "staff"
    }
