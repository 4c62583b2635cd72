"""A new person's first login in a real browser: forced to change the initial password,
then reaches the workbench. Screenshots of each step go to TEST_ARTIFACTS_DIR."""

import pytest
from selenium.webdriver.common.by import By

from conftest import PASSWORD, make_person
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill(browser, values):
    for name, value in values.items():
        field = browser.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def submit(browser, selector, expect=""):
    """Click a submit button and wait for the next page, showing `expect` in <main>."""
    return click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, selector), expect)


def test_a_new_person_changes_the_initial_password_at_first_login(live_server, browser):
    from conftest import make_unit

    unit = make_unit("白银市财政局", "市财政局", "白财")
    make_person("xinren", unit, "staff", real_name="辛仁", must_change_password=True)

    browser.get(live_server.url + "/accounts/login/")
    fill(browser, {"username": "xinren", "password": PASSWORD})
    screenshot(browser, "accounts_first_login_1_login")
    submit(browser, "form button[type=submit]", "必须先修改密码")
    assert browser.current_url.endswith("/accounts/password/change/")
    screenshot(browser, "accounts_first_login_2_forced_change")

    fill(browser, {"old_password": PASSWORD, "new_password": "abc", "new_password2": "abc"})
    submit(browser, "main form.stacked button[type=submit]", "密码至少 6 位")
    screenshot(browser, "accounts_first_login_3_refused")

    browser.get(live_server.url + "/workbench/")  # still held at the change form
    assert browser.current_url.endswith("/accounts/password/change/")

    fill(
        browser,
        {"old_password": PASSWORD, "new_password": "Xinren#2026", "new_password2": "Xinren#2026"},
    )
    submit(browser, "main form.stacked button[type=submit]", "密码已修改")
    assert browser.current_url.endswith("/workbench/")
    assert "辛仁" in browser.page_source
    screenshot(browser, "accounts_first_login_4_workbench")
