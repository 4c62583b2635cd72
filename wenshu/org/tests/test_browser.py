"""In headless Chromium: the digital office files a paper application, a second administrator
reviews it (four-eyes), and the unit page shows the registered unit."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from wenshu.org.models import Unit
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main form button[type=submit]"


def _fill(browser: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = browser.find_element(By.NAME, name)
        if field.get_attribute("type") == "date":
            browser.execute_script("arguments[0].value = arguments[1]", field, value)
        else:
            field.send_keys(value)


def test_an_application_is_filed_and_reviewed_by_two_people(
    city, shuziban2, live_server, browser_login
):
    base = live_server.url
    browser = browser_login(city.shuziban)
    browser.get(base + "/org/units/apply/")
    _fill(
        browser,
        {
            "full_name": "白银市审计局",
            "short_name": "市审计局",
            "agency_code": "白审",
            "superior_opinion": "同意使用 OA 系统。",
            "superior_signer": "王主任",
            "superior_signed_on": "2026-01-05",
            "planned_admin_name": "李管理",
        },
    )
    screenshot(browser, "org_1_application_form")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, SUBMIT), "四眼原则")
    screenshot(browser, "org_2_application_filed")

    browser = browser_login(shuziban2)
    browser.get(base + "/org/pending/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "白银市审计局"))
    browser.find_element(By.CSS_SELECTOR, "input[name=decision][value=approve]").click()
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, SUBMIT), "已注册该单位")
    unit = Unit.objects.get(full_name="白银市审计局")
    assert unit.status == Unit.Status.REGISTERED and unit.names.count() == 1
    browser.get(f"{base}/org/units/{unit.pk}/")
    assert "名称沿革" in browser.page_source
    screenshot(browser, "org_3_unit_page")
    browser.set_window_size(390, 844)  # a phone
    browser.get(base + "/org/units/")
    assert "白银市审计局" in browser.page_source
    screenshot(browser, "org_4_registry_phone")
