"""The to-do flow in a real browser: from the workbench counter to a completed step, a return
with a reason, and the digital office's flow page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from wenshu.web.testing import button, click_and_wait, screenshot
from wenshu.workflow.tests.conftest import open_steps, start_fawen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(b, expect: str) -> str:
    return click_and_wait(b, button(b, "提交"), expect)


def test_a_drafter_and_a_reviewer_work_through_their_todo(city, cast, live_server, browser_login):
    instance = start_fawen(city, cast)
    b = browser_login(cast.drafter)
    b.get(live_server.url + "/workbench/")
    click_and_wait(
        b, b.find_element(By.PARTIAL_LINK_TEXT, "待办"), "关于做好年度预算编制工作的通知"
    )
    screenshot(b, "workflow-todo")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "拟稿"))
    b.find_element(By.NAME, "opinion").send_keys("初稿已完成，请核稿")
    assert "初稿已完成，请核稿" in _submit(b, "已办理")
    assert open_steps(instance) == ["review"]

    b = browser_login(cast.reviewer)
    b.get(live_server.url + "/workflow/todo/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "核稿"))
    b.find_element(By.CSS_SELECTOR, "input[name=decision][value=return]").click()
    _submit(b, "请填写意见")  # refused, the choice kept
    screenshot(b, "workflow-item-refused")
    assert b.find_element(By.CSS_SELECTOR, "input[name=decision][value=return]").is_selected()
    b.find_element(By.NAME, "opinion").send_keys("请补充政策依据")
    assert "请补充政策依据" in _submit(b, "已办理")
    screenshot(b, "workflow-item-returned")
    assert open_steps(instance) == ["draft"]


def test_the_digital_office_sees_the_flows(city, live_server, browser_login):
    b = browser_login(city.shuziban)
    b.get(live_server.url + "/workbench/")
    main = click_and_wait(b, b.find_element(By.LINK_TEXT, "流程定义"))
    assert "上传 BPMN 文件更换流程" in main and "发文办理" in main
    screenshot(b, "workflow-definitions")
