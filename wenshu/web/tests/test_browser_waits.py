"""The browser-test helpers in headless Chromium: `browser_login` swaps the person, the waits
of wenshu.web.testing read the page a click loads (not the one clicked on, even through a POST
and its redirect), and a wait that times out says where the browser is."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from conftest import PASSWORD
from wenshu.web.testing import button, click_and_wait, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_form(browser, live_server, username: str, password: str) -> None:
    browser.get(live_server.url + "/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)


class _LateClick:
    """A button the page's own script presses a moment after the click returns (as after a
    confirm or a fetch): ChromeDriver does not wait for that navigation, so a wait that
    cannot tell the old page from the new one reads the old page."""

    def __init__(self, driver, element) -> None:
        self.driver, self.element = driver, element

    def click(self) -> None:
        self.driver.execute_script("setTimeout(() => arguments[0].click(), 500);", self.element)


def test_click_and_wait_reads_the_new_page_not_the_old_one(city, live_server, browser):
    _log_in_form(browser, live_server, "a_staff", "not-the-password")
    late = _LateClick(browser, button(browser, "登录"))
    main = click_and_wait(browser, late, "登录")  # on both pages
    assert "用户名或密码不正确" in main


def test_click_and_wait_follows_a_post_and_its_redirect(city, live_server, browser):
    _log_in_form(browser, live_server, "a_staff", PASSWORD)
    click_and_wait(browser, button(browser, "登录"), "艾科员", css="header")
    assert browser.current_url == live_server.url + "/workbench/"


def test_a_wait_that_times_out_names_the_page_it_saw(live_server, browser):
    browser.get(live_server.url + "/accounts/login/")
    with pytest.raises(AssertionError) as failed:
        wait_for_text(browser, "不会出现的文字", timeout=1)
    message = str(failed.value)
    assert "/accounts/login/" in message and "忘记密码请联系本单位系统管理员" in message


def test_browser_login_drops_the_previous_person(city, live_server, browser_login):
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/workbench/")
    assert "艾文书" in wait_for_text(b, css="header")
    b = browser_login(city.b_clerk)
    b.get(live_server.url + "/workbench/")
    header = wait_for_text(b, css="header")
    assert "贝文书" in header and "艾文书" not in header
