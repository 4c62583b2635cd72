from __future__ import annotations

import pytest


@pytest.fixture
def browser(settings):
    """Headless Debian Chromium through Selenium (no shared fixture exists yet)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1366,768",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    settings.TEST_ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture
def browser_login(browser, live_server, client, settings):
    """browser_login(user): the browser carries a session for that user."""

    def _login(user):
        client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
        browser.get(live_server.url + "/healthz")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser.add_cookie({"name": cookie.key, "value": cookie.value, "path": "/"})
        return browser

    return _login
