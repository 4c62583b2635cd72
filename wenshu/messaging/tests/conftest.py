from __future__ import annotations

import pytest


@pytest.fixture
def browser_login(browser, live_server, client, settings):
    """browser_login(user): the shared headless Chromium carries a session for that user."""

    def _login(user):
        browser.delete_all_cookies()
        client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
        browser.get(live_server.url + "/healthz")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser.add_cookie({"name": cookie.key, "value": cookie.value, "path": "/"})
        return browser

    return _login
