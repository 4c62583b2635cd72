"""The search page in a real browser: type a word, filter by kind, see highlighted results;
the outsider sees nothing of another unit."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from wenshu.search.tests.conftest import MAIL_A, NOTICE_A
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_searches_and_filters_and_an_outsider_finds_nothing(
    corpus, live_server, browser_login
):
    b = browser_login(corpus.city.a_staff)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "全文检索"))
    b.find_element(By.NAME, "q").send_keys("会议")
    search = b.find_element(By.XPATH, "//button[normalize-space()='搜索']")
    click_and_wait(b, search, css=".search-results")
    marks = b.find_elements(By.CSS_SELECTOR, ".search-results mark")
    assert marks and all(m.text == "会议" for m in marks)
    assert NOTICE_A[0] in b.find_element(By.TAG_NAME, "main").text
    screenshot(b, "search-results")

    Select(b.find_element(By.NAME, "kind")).select_by_visible_text("邮件")
    main = click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='搜索']"))
    assert "kind=mail" in b.current_url
    assert NOTICE_A[0] not in main

    b = browser_login(corpus.city.b_staff)
    b.get(live_server.url + "/search/?q=印章")
    main = b.find_element(By.TAG_NAME, "main").text
    assert MAIL_A[0] not in main and "没有找到" in main
