"""The equipment pages in a real browser: a department person reports a fault, the office
approves it from the workbench counter, and a stock-take records a scanned code."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from wenshu.assets import services
from wenshu.assets.models import RepairRequest
from wenshu.web.testing import click_and_wait, screenshot, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fault_is_reported_and_the_office_approves_it(
    city, depts, computer, live_server, browser_login
):
    b = browser_login(city.a_staff)
    b.get(live_server.url + "/assets/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "ZC-2024-001"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, "报修"))
    b.find_element(By.NAME, "fault").send_keys("无法开机")
    b.find_element(By.NAME, "cause").send_keys("电源指示灯不亮")
    click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='提交']"), "报修已提交")
    screenshot(b, "assets-repair-requested")

    b = browser_login(city.a_admin)
    b.get(live_server.url + "/")
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "待审批设备申请"))
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "报修 "))
    approve = b.find_element(By.XPATH, "//button[normalize-space()='同意，安排维修']")
    click_and_wait(b, approve, "登记维修结果")
    screenshot(b, "assets-repair-approved")
    assert RepairRequest.objects.get().status == "approved"


def test_a_scanned_code_is_recorded_in_a_stocktake(
    city, depts, computer, live_server, browser_login
):
    take = services.stocktake_open(actor=city.a_admin, title="年终盘点")
    b = browser_login(city.a_staff)
    b.get(live_server.url + f"/assets/stocktakes/{take.pk}/")
    field = b.find_element(By.NAME, "code")
    assert b.switch_to.active_element == field  # the scan field has focus for the scanner
    field.send_keys("ZC-2024-001", Keys.ENTER)  # a scanner types the code and Enter
    wait_for_text(b, "ZC-2024-001 已登记")
    screenshot(b, "assets-stocktake")
    assert take.entries.get().asset == computer

    b = browser_login(city.a_admin)
    b.get(live_server.url + "/assets/")
    screenshot(b, "assets-register")
    b.get(live_server.url + f"/assets/{computer.pk}/")
    screenshot(b, "assets-detail")
