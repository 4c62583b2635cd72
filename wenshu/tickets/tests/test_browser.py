"""故障报修 in a real browser: a clerk reports, the unit's administrator escalates from the
workbench, the digital office responds."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from wenshu.tickets.models import Ticket
from wenshu.web.testing import button, click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fault_goes_from_the_clerk_to_the_digital_office(city, live_server, browser_login):
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/tickets/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "我要报修"))
    Select(b.find_element(By.NAME, "category")).select_by_visible_text("公文交换")
    b.find_element(By.CSS_SELECTOR, "input[name=urgency][value=urgent]").click()
    b.find_element(By.NAME, "summary").send_keys("无法接收市政府办公室来文")
    b.find_element(By.NAME, "details").send_keys("签收时提示“验证失败”")
    screenshot(b, "tickets-new")
    click_and_wait(b, button(b, "提交报修"), "报修已提交")
    ticket = Ticket.objects.get()

    b = browser_login(city.a_admin)
    b.get(live_server.url + "/workbench/")
    counter = b.find_element(By.PARTIAL_LINK_TEXT, "待处理故障")
    assert counter.find_element(By.CLASS_NAME, "n").text == "1"
    click_and_wait(b, counter)
    click_and_wait(b, b.find_element(By.LINK_TEXT, "无法接收市政府办公室来文"))
    b.find_element(By.NAME, "note").send_keys("重装证书无效")
    click_and_wait(b, button(b, "上报市数字办"), "24小时响应时限开始计算", confirm=True)

    b = browser_login(city.shuziban)
    b.get(live_server.url + f"/tickets/{ticket.pk}/")
    assert "重装证书无效" in b.page_source
    respond = b.find_element(By.XPATH, "//button[starts-with(normalize-space(), '响应')]")
    click_and_wait(b, respond, "已响应")
    screenshot(b, "tickets-detail")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ACKNOWLEDGED
