"""Internal mail in a real browser: write to a person and a unit, the clerk reads it from the
workbench counter, the sender sees the read receipt."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from wenshu.messaging.models import MailRecipient
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mail_to_a_unit_is_read_by_its_clerk_and_the_sender_sees_the_receipt(
    city, live_server, browser_login
):
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "站内邮件"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, "写邮件"))
    people = b.find_element(By.ID, "id_to-people")
    unit_filter = b.find_element(By.CSS_SELECTOR, "#id_to-people").find_element(
        By.XPATH, "preceding-sibling::select[@class='unit-filter']"
    )
    Select(unit_filter).select_by_visible_text("市教育局")
    own = people.find_element(By.CSS_SELECTOR, 'optgroup[label="市财政局"]')
    assert own.get_property("hidden") is True
    Select(people).select_by_visible_text("贝科员")
    Select(b.find_element(By.ID, "id_to-units")).select_by_visible_text("市教育局")
    b.find_element(By.ID, "id_subject").send_keys("关于报送年度统计报表的通知")
    b.find_element(By.ID, "id_body").send_keys("请于本周五前通过站内邮件报送。")
    b.execute_script("window.scrollTo(0, 0)")
    screenshot(b, "mail-compose")
    main = click_and_wait(
        b, b.find_element(By.XPATH, "//button[normalize-space()='发送']"), "阅读回执"
    )
    assert "邮件已发送，送达 2 人" in main and "已读 0 / 共 2 人" in main
    assert set(MailRecipient.objects.values_list("person__username", flat=True)) == {
        "b_staff",
        "b_clerk",
    }

    b = browser_login(city.b_clerk)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "未读邮件"))
    main = click_and_wait(b, b.find_element(By.LINK_TEXT, "关于报送年度统计报表的通知"))
    assert "请于本周五前通过站内邮件报送。" in main and "发给单位（文书）：市教育局" in main
    screenshot(b, "mail-read")

    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/mail/folder/sent/")
    main = click_and_wait(b, b.find_element(By.LINK_TEXT, "关于报送年度统计报表的通知"))
    assert "已读 1 / 共 2 人" in main
    screenshot(b, "mail-receipts")
