"""Errors under /api/ that no API handler produced are JSON too, also with WENSHU_DEBUG on."""

from __future__ import annotations

import pytest


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/"),
        ("get", "/api/v1/"),
        ("get", "/api/v1/no-such-route"),
        ("post", "/api/v1/tickets/"),
        ("get", "/api/v1/%00"),
        ("delete", "/api/v1/openapi.json/"),
    ],
)
@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404(client, debug, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "找不到该页面或记录，或您无权查看。"


@pytest.mark.django_db
def test_an_unknown_page_is_the_chinese_error_page_by_default(client, settings):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到该页面或记录" in response.content.decode()


def test_debug_pages_are_off_unless_asked_for(monkeypatch):
    import importlib

    import config.settings as config_settings

    monkeypatch.delenv("WENSHU_DEBUG", raising=False)
    assert importlib.reload(config_settings).DEBUG is False
    monkeypatch.setenv("WENSHU_DEBUG", "true")
    assert importlib.reload(config_settings).DEBUG is True
    monkeypatch.delenv("WENSHU_DEBUG")
    importlib.reload(config_settings)
