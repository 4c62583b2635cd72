"""The notice flow in a real browser: the leader approves from the workbench, a person of
another unit finds it under 未读通知公告 and the counter drops once it is read."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from wenshu.bulletins import services
from wenshu.bulletins.models import Notice
from wenshu.bulletins.tests.conftest import draft
from wenshu.web.testing import button, click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _counter(b, label: str) -> str:
    link = b.find_element(By.XPATH, f"//ul[@class='counters']//a[contains(., '{label}')]")
    return link.find_element(By.CSS_SELECTOR, ".n").text


def test_a_leader_publishes_and_another_unit_reads_it(city, live_server, browser_login):
    notice = draft(city, title="关于开展安全生产大检查的通知", audience="city")
    services.notice_submit(actor=city.a_clerk, notice=notice)

    b = browser_login(city.a_leader)
    b.get(live_server.url + "/workbench/")
    assert _counter(b, "待审核通知") == "1"
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "待审核通知"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, "关于开展安全生产大检查的通知"))
    b.find_element(By.NAME, "opinion").send_keys("同意发布")
    click_and_wait(b, button(b, "同意发布"), "已发布")
    screenshot(b, "bulletins-notice-published")
    assert Notice.objects.get().status == Notice.Status.PUBLISHED

    b = browser_login(city.b_staff)
    b.get(live_server.url + "/workbench/")
    assert _counter(b, "未读通知公告") == "1"
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "未读通知公告"))
    screenshot(b, "bulletins-unread-list")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "关于开展安全生产大检查的通知"), "白银市财政局")
    b.get(live_server.url + "/workbench/")
    assert _counter(b, "未读通知公告") == "0"
