"""The exchange pages in headless Chromium: the clerk previews, sends and reminds."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from wenshu.exchange.models import Delivery
from wenshu.web.testing import button, click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_sends_from_the_workbench_and_reminds_a_laggard(
    city, doc, more, live_server, browser_login
):
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "待分发"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, "分发"))
    Select(b.find_element(By.NAME, "main_units")).select_by_visible_text("白银市教育局")
    Select(b.find_element(By.NAME, "copy_units")).select_by_visible_text("白银市公安局")
    b.find_element(By.CSS_SELECTOR, f"input[name='main_groups'][value='{more.group.pk}']").click()
    click_and_wait(b, button(b, "预览收文单位"), "共 3 个单位")
    copies = b.find_element(By.NAME, f"print_{more.c.pk}")
    copies.clear()
    copies.send_keys("0")
    screenshot(b, "exchange-send-preview")
    click_and_wait(b, button(b, "发送"), "公文已发出：共 3 个单位（主送 2，抄送 1）")
    assert Delivery.objects.get(recipient_unit=more.c).print_allowed == 0
    row = b.find_element(By.XPATH, "//tr[td[normalize-space()='白银市公安局']]")
    click_and_wait(b, button(row, "催办"), "已催办白银市公安局")
    screenshot(b, "exchange-tracking")
    assert Delivery.objects.get(recipient_unit=more.c).remind_count == 1
