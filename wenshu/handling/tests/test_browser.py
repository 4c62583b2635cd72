"""收文办理 in a real browser: the workbench counter 待办收文 leads the clerk to the 收文处理笺,
the clerk's 拟办 sends it to the leader, the leader's 批示 is recorded, and each counter drops
when that person's step is done."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from wenshu.handling import services
from wenshu.web.testing import button, click_and_wait, screenshot, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTER = ".counters a[href='/handling/']"


def _counter(b: WebDriver, live_server: Any) -> str:
    b.get(live_server.url + "/workbench/")
    return wait_for_text(b, css=COUNTER + " .n").strip()


def _open_from_workbench(b: WebDriver, live_server: Any, title: str) -> None:
    """Workbench counter → 待办收文 list → the 收文处理笺 of `title`."""
    assert _counter(b, live_server) == "1"
    click_and_wait(b, b.find_element(By.CSS_SELECTOR, COUNTER), "待办收文")
    link = b.find_element(By.CSS_SELECTOR, "#awaiting").find_element(By.LINK_TEXT, title)
    click_and_wait(b, link, "收文处理笺")


def test_a_clerk_and_a_leader_do_their_steps_from_the_workbench_counter(
    city: Any, b: Any, signed: Any, live_server: Any, browser_login: Any
) -> None:
    title = "关于做好秋季学期教育经费保障工作的通知"
    handling = services.delivery_import(actor=city.b_clerk, delivery=signed(title=title))

    # GIVEN the clerk who imported it, WHEN they open it from the counter and write 拟办
    br = browser_login(city.b_clerk)
    _open_from_workbench(br, live_server, title)
    form = br.find_element(By.CSS_SELECTOR, "form[action$='/propose/']")
    form.find_element(By.NAME, "opinion").send_keys("拟请贝局长阅示，办公室办理。")
    form.find_element(By.XPATH, ".//label[contains(., '贝局长')]/input").click()
    form.find_element(By.XPATH, ".//label[contains(., '办公室')]/input").click()
    click_and_wait(br, button(form, "提交拟办意见"), "拟办意见已提交")
    # THEN the step is theirs no more
    assert _counter(br, live_server) == "0"

    # GIVEN the leader now has the 批示 step, WHEN they record their instruction
    br = browser_login(city.b_leader)
    _open_from_workbench(br, live_server, title)
    section = br.find_element(By.XPATH, "//section[h2[normalize-space()='批示']]")
    section.find_element(By.TAG_NAME, "textarea").send_keys("同意，请办公室抓紧落实。")
    screenshot(br, "handling-instruct")
    click_and_wait(br, button(section, "提交"), "已提交")
    # THEN the 收文处理笺 records it under the leader's name and the counter drops
    record = br.find_element(By.XPATH, "//h2[normalize-space()='办理记录']/..").text
    assert "同意，请办公室抓紧落实。" in record and "贝局长" in record
    assert _counter(br, live_server) == "0"

    # AND the office's staff member now sees it; the sending unit's clerk never does
    assert _counter(browser_login(b.office_staff), live_server) == "1"
    br = browser_login(city.a_clerk)
    assert _counter(br, live_server) == "0"
    br.get(f"{live_server.url}/handling/{handling.pk}/")
    wait_for_text(br, "找不到")
