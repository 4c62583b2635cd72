"""The search page in a real browser: type a word, filter by kind, see highlighted results;
the outsider sees nothing of another unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from wenshu.search.tests.conftest import MAIL_A, NOTICE_A
from wenshu.web.testing import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_as(browser: Any, live_server: Any, settings: Any) -> Any:
    def _login(user: Any) -> Any:
        c = Client()
        c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
        browser.get(live_server.url + "/healthz")
        cookie = c.cookies[settings.SESSION_COOKIE_NAME]
        browser.delete_all_cookies()
        browser.add_cookie({"name": cookie.key, "value": cookie.value, "path": "/"})
        return browser

    return _login


def test_a_person_searches_and_filters_and_an_outsider_finds_nothing(
    corpus, live_server, browser_as
):
    b = browser_as(corpus.city.a_staff)
    b.get(live_server.url + "/workbench/")
    b.find_element(By.LINK_TEXT, "全文检索").click()
    box = b.find_element(By.NAME, "q")
    box.send_keys("会议")
    box.submit()
    WebDriverWait(b, 5).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".search-results")))
    marks = b.find_elements(By.CSS_SELECTOR, ".search-results mark")
    assert marks and all(m.text == "会议" for m in marks)
    assert NOTICE_A[0] in b.find_element(By.TAG_NAME, "main").text
    screenshot(b, "search-results")

    Select(b.find_element(By.NAME, "kind")).select_by_visible_text("邮件")
    b.find_element(By.XPATH, "//button[normalize-space()='搜索']").click()
    WebDriverWait(b, 5).until(EC.url_contains("kind=mail"))
    assert NOTICE_A[0] not in b.find_element(By.TAG_NAME, "main").text

    b = browser_as(corpus.city.b_staff)
    b.get(live_server.url + "/search/?q=印章")
    main = b.find_element(By.TAG_NAME, "main").text
    assert MAIL_A[0] not in main and "没有找到" in main
