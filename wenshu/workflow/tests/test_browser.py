"""The to-do flow in a real browser: from the workbench counter to a completed step, a return
with a reason, and the digital office's flow page."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from wenshu.web.testing import screenshot
from wenshu.workflow.tests.conftest import open_steps, start_fawen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(b, expect: str) -> None:
    old_main = b.find_element(By.TAG_NAME, "main")
    b.find_element(By.XPATH, "//button[normalize-space()='提交']").click()
    # Wait for the new page first: reading the old one while it unloads is a race.
    # A POST that redirects unloads two documents in turn; ignore reads that hit one mid-unload.
    wait = WebDriverWait(b, 30, ignored_exceptions=(WebDriverException,))
    wait.until(EC.staleness_of(old_main))
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), expect))


def test_a_drafter_and_a_reviewer_work_through_their_todo(city, cast, live_server, browser_login):
    instance = start_fawen(city, cast)
    b = browser_login(cast.drafter)
    b.get(live_server.url + "/workbench/")
    b.find_element(By.PARTIAL_LINK_TEXT, "待办").click()
    assert "关于做好年度预算编制工作的通知" in b.page_source
    screenshot(b, "workflow-todo")
    b.find_element(By.LINK_TEXT, "拟稿").click()
    b.find_element(By.NAME, "opinion").send_keys("初稿已完成，请核稿")
    _submit(b, "已办理")
    assert "初稿已完成，请核稿" in b.page_source
    assert open_steps(instance) == ["review"]

    b = browser_login(cast.reviewer)
    b.get(live_server.url + "/workflow/todo/")
    b.find_element(By.LINK_TEXT, "核稿").click()
    b.find_element(By.CSS_SELECTOR, "input[name=decision][value=return]").click()
    _submit(b, "请填写意见")  # refused, the choice kept
    screenshot(b, "workflow-item-refused")
    assert b.find_element(By.CSS_SELECTOR, "input[name=decision][value=return]").is_selected()
    b.find_element(By.NAME, "opinion").send_keys("请补充政策依据")
    _submit(b, "已办理")
    assert "请补充政策依据" in b.page_source
    screenshot(b, "workflow-item-returned")
    assert open_steps(instance) == ["draft"]


def test_the_digital_office_sees_the_flows(city, live_server, browser_login):
    b = browser_login(city.shuziban)
    b.get(live_server.url + "/workbench/")
    b.find_element(By.LINK_TEXT, "流程定义").click()
    assert "上传 BPMN 文件更换流程" in b.page_source and "发文办理" in b.page_source
    screenshot(b, "workflow-definitions")
