"""故障报修 in a real browser: a clerk reports, the unit's administrator escalates from the
workbench, the digital office responds."""

from __future__ import annotations

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from wenshu.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(b, name: str) -> None:
    settings.TEST_ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    b.save_screenshot(str(settings.TEST_ARTIFACTS_DIR / name))


def test_a_fault_goes_from_the_clerk_to_the_digital_office(city, live_server, browser_login):
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/tickets/")
    b.find_element(By.LINK_TEXT, "我要报修").click()
    Select(b.find_element(By.NAME, "category")).select_by_visible_text("公文交换")
    b.find_element(By.CSS_SELECTOR, "input[name=urgency][value=urgent]").click()
    b.find_element(By.NAME, "summary").send_keys("无法接收市政府办公室来文")
    b.find_element(By.NAME, "details").send_keys("签收时提示“验证失败”")
    shot(b, "tickets-new.png")
    b.find_element(By.XPATH, "//button[normalize-space()='提交报修']").click()
    wait = WebDriverWait(b, 5)
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "报修已提交"))
    ticket = Ticket.objects.get()

    b = browser_login(city.a_admin)
    b.get(live_server.url + "/workbench/")
    counter = b.find_element(By.PARTIAL_LINK_TEXT, "待处理故障")
    assert counter.find_element(By.CLASS_NAME, "n").text == "1"
    counter.click()
    b.find_element(By.LINK_TEXT, "无法接收市政府办公室来文").click()
    b.find_element(By.NAME, "note").send_keys("重装证书无效")
    b.find_element(By.XPATH, "//button[normalize-space()='上报市数字办']").click()
    wait.until(EC.alert_is_present()).accept()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "24小时响应时限开始计算"))

    b = browser_login(city.shuziban)
    b.get(live_server.url + f"/tickets/{ticket.pk}/")
    assert "重装证书无效" in b.page_source
    b.find_element(By.XPATH, "//button[starts-with(normalize-space(), '响应')]").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "已响应"))
    shot(b, "tickets-detail.png")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ACKNOWLEDGED
