import json

import pytest
from huey import RedisHuey

from wenshu.web import health


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    page = client.get(response.url)
    assert "登录" in page.content.decode()


def test_healthz_answers_ok_with_database_and_queue(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["task_queue"]["status"] == "ok"


def test_a_failing_check_gives_unavailable_and_503(client, db, monkeypatch):
    # A real Redis client pointed at a port nothing listens on: the queue check must fail.
    dead = RedisHuey("wenshu-dead", url="redis://127.0.0.1:1/0")
    monkeypatch.setitem(health.DEFAULT_CHECKS, "task_queue", lambda: health.check_task_queue(dead))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["task_queue"]["status"] == "error"


def test_the_workbench_shows_navigation_of_existing_modules_only(city, login):
    c = login(city.a_clerk)
    page = c.get("/workbench/").content.decode()
    assert "工作台" in page and "修改密码" in page


def test_every_page_carries_a_csp_without_inline_script(client, db):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_api_publishes_its_description(client, db, path):
    assert client.get(path).status_code == 200


def test_an_unknown_api_route_or_anonymous_call_is_a_json_4xx(client, db):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
