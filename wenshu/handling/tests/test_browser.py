"""收文办理 in a real browser: the workbench counter 待办收文 leads the clerk to the 收文处理笺,
the clerk's 拟办 sends it to the leader, the leader's 批示 is recorded, and each counter drops
when that person's step is done."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from wenshu.handling import services
from wenshu.web.testing import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNTER = ".counters a[href='/handling/']"


def _page_has(b: WebDriver, text: str) -> None:
    """Wait until a fully loaded page shows `text` in its main part."""

    def shown(driver: WebDriver) -> bool:
        return bool(
            driver.execute_script(
                "return document.readyState === 'complete' && !!document.querySelector('main')"
                " && document.querySelector('main').innerText.includes(arguments[0]);",
                text,
            )
        )

    try:
        WebDriverWait(b, 20, poll_frequency=0.1).until(shown)
    except TimeoutException:
        main = b.execute_script("return document.body ? document.body.innerText : ''")
        raise AssertionError(f"页面上没有出现“{text}”：{b.current_url} {main[:600]!r}") from None


def _counter(b: WebDriver, live_server: Any) -> str:
    b.get(live_server.url + "/workbench/")
    _page_has(b, "待办收文")
    return str(b.find_element(By.CSS_SELECTOR, COUNTER).find_element(By.CLASS_NAME, "n").text)


def _open_from_workbench(b: WebDriver, live_server: Any, title: str) -> None:
    """Workbench counter → 待办收文 list → the 收文处理笺 of `title`."""
    assert _counter(b, live_server) == "1"
    b.find_element(By.CSS_SELECTOR, COUNTER).click()
    _page_has(b, "待办收文")
    b.find_element(By.CSS_SELECTOR, "#awaiting").find_element(By.LINK_TEXT, title).click()
    _page_has(b, "收文处理笺")


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
    form.find_element(By.XPATH, ".//button[normalize-space()='提交拟办意见']").click()
    _page_has(br, "拟办意见已提交")
    # THEN the step is theirs no more
    assert _counter(br, live_server) == "0"

    # GIVEN the leader now has the 批示 step, WHEN they record their instruction
    br = browser_login(city.b_leader)
    _open_from_workbench(br, live_server, title)
    section = br.find_element(By.XPATH, "//section[h2[normalize-space()='批示']]")
    section.find_element(By.TAG_NAME, "textarea").send_keys("同意，请办公室抓紧落实。")
    screenshot(br, "handling-instruct")
    section.find_element(By.XPATH, ".//button[normalize-space()='提交']").click()
    _page_has(br, "已提交")
    # THEN the 收文处理笺 records it under the leader's name and the counter drops
    record = br.find_element(By.XPATH, "//h2[normalize-space()='办理记录']/..").text
    assert "同意，请办公室抓紧落实。" in record and "贝局长" in record
    assert _counter(br, live_server) == "0"

    # AND the office's staff member now sees it; the sending unit's clerk never does
    assert _counter(browser_login(b.office_staff), live_server) == "1"
    br = browser_login(city.a_clerk)
    assert _counter(br, live_server) == "0"
    br.get(f"{live_server.url}/handling/{handling.pk}/")
    _page_has(br, "找不到")
