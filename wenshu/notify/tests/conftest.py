from __future__ import annotations

import pytest

from wenshu.notify.tests import gateways

PATH = "wenshu.notify.tests.gateways."


@pytest.fixture
def use_gateway(settings):
    """use_gateway("FailingGateway") routes SMS through that test gateway."""
    gateways.reset()
    gateways.FlakyGateway.failures_left = 2

    def _use(name: str) -> None:
        settings.SMS_GATEWAY = PATH + name

    _use("RecordingGateway")
    yield _use
    gateways.reset()


@pytest.fixture
def with_mobiles(city):
    """Unit A's clerk and leader registered mobiles (S1 第十六条); the staff member did not."""
    city.a_clerk.mobile = "13800000001"
    city.a_leader.mobile = "13800000002"
    city.a_clerk.save(update_fields=["mobile"])
    city.a_leader.save(update_fields=["mobile"])
    return city


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
    driver.implicitly_wait(0)
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
