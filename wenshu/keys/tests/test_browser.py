"""End to end in headless Chromium with its virtual authenticator: the digital office produces
a WebAuthn key with the holder at the terminal, then the holder logs in with password + key."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from conftest import PASSWORD
from wenshu.accounts.models import UserSession
from wenshu.keys import services, totp
from wenshu.keys.models import KeyApplication, LoginKey
from wenshu.keys.tests.conftest import approved
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _submit(browser, selector, expect=""):
    """Click the button and wait for the page it loads (showing `expect` in <main>)."""
    return click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, selector), expect)


def _password(browser, base, username):
    browser.get(base + "/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    _submit(browser, "form button[type=submit]")


@pytest.fixture
def base(live_server, settings):
    """The live server as http://localhost:PORT: the RP id must match the host, and localhost
    is a secure context for WebAuthn."""
    port = urlsplit(live_server.url).port
    url = f"http://localhost:{port}"
    settings.WEBAUTHN_RP_ID = "localhost"
    settings.WEBAUTHN_ORIGIN = url
    return url


def test_the_digital_office_registers_a_security_key_and_the_holder_logs_in_with_it(
    city, base, browser
):
    services.key_issue_demo_totp(holder=city.shuziban, secret=DEMO_SECRET)
    app = approved(city, kind="webauthn", holder=city.a_admin)

    # The city administrator logs in with password + TOTP.
    _password(browser, base, "shuziban")
    assert browser.current_url.endswith("/keys/login/")
    screenshot(browser, "keys_1_second_step_totp")
    browser.find_element(By.NAME, "code").send_keys(
        totp.code_at_step(DEMO_SECRET, totp.current_step())
    )
    _submit(browser, "main form.stacked button[type=submit]", "待制作密钥")
    assert browser.current_url.endswith("/workbench/")

    # Production: the holder is present and touches the (virtual) key.
    browser.get(f"{base}/keys/applications/{app.pk}/produce/")
    browser.find_element(By.NAME, "serial").send_keys("FIDO-2026-0001")
    screenshot(browser, "keys_2_production_page")
    # The page's script registers the key, then loads the next page.
    click_and_wait(
        browser, browser.find_element(By.ID, "webauthn-register-start"), "安全密钥已登记"
    )
    screenshot(browser, "keys_3_registered")
    key = LoginKey.objects.get(serial="FIDO-2026-0001")
    assert key.holder == city.a_admin and key.credential_id

    # Pick-up notice and pick-up record.
    _submit(browser, "form[action$='/notify/'] button")
    browser.get(f"{base}/keys/applications/{app.pk}/collect/")
    browser.find_element(By.NAME, "collected_by_name").send_keys("艾管理")
    browser.find_element(By.CSS_SELECTOR, "input[name=collection_method][value=by_hand]").click()
    _submit(browser, "main form.stacked button[type=submit]", "领取已登记")
    screenshot(browser, "keys_4_collected")
    assert KeyApplication.objects.get(pk=app.pk).status == KeyApplication.Status.COLLECTED
    _submit(browser, "form[action$='/logout/'] button")

    # The holder logs in: password, then the security key.
    _password(browser, base, "a_admin")
    assert browser.current_url.endswith("/keys/login/")
    screenshot(browser, "keys_5_second_step_webauthn")
    login = browser.find_element(By.ID, "webauthn-login-start")
    click_and_wait(browser, login, "艾管理", css="header")  # the name in the top bar
    assert browser.current_url.endswith("/workbench/")
    screenshot(browser, "keys_6_holder_logged_in")
    assert UserSession.objects.get(user=city.a_admin, ended_at__isnull=True).login_key_id == key.pk
    key.refresh_from_db()
    assert key.last_used_at is not None
