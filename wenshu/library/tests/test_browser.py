"""In headless Chromium: a clerk uploads a document into the unit library, checks it out,
checks in an edited version, and shares it — keyboard-usable plain forms, no inline script."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from wenshu.library.models import Item, Share
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clamd_socket"),
]


def test_upload_check_out_check_in_and_share(lib, live_server, browser_login, tmp_path):
    base = live_server.url
    first, second = tmp_path / "工作方案.txt", tmp_path / "工作方案v2.txt"
    first.write_text("工作方案第一稿", encoding="utf-8")
    second.write_text("工作方案第二稿", encoding="utf-8")
    browser = browser_login(lib.a_clerk)
    browser.get(base + "/library/")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "上传文档"))
    browser.find_element(By.NAME, "file").send_keys(str(first))
    browser.find_element(By.NAME, "title").send_keys("工作方案")
    upload = browser.find_element(By.XPATH, "//main//button[.='上传']")
    click_and_wait(browser, upload, "已上传《工作方案》")
    check_out = browser.find_element(By.XPATH, "//main//button[contains(., '签出')]")
    click_and_wait(browser, check_out, "已签出")
    screenshot(browser, "library-item-checked-out")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "签入"))
    browser.find_element(By.NAME, "file").send_keys(str(second))
    browser.find_element(By.NAME, "note").send_keys("第二稿")
    check_in = browser.find_element(By.XPATH, "//main//button[contains(., '签入')]")
    main = click_and_wait(browser, check_in, "已签入，并上传了新版本")
    assert "第 2 版" in main
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "共享"))
    browser.find_element(By.NAME, "username").send_keys("a_staff")
    browser.find_element(By.CSS_SELECTOR, "input[name=access][value=write]").click()
    click_and_wait(browser, browser.find_element(By.XPATH, "//main//form//button[.='共享']"))
    screenshot(browser, "library-share-dialog")
    item = Item.objects.get(title="工作方案")
    assert item.current_version.number == 2 and item.checked_out_by is None
    assert Share.objects.get(item=item).person == lib.a_staff
    browser.set_window_size(390, 844)  # a phone
    browser.get(f"{base}/library/folders/{item.folder_id}/")
    screenshot(browser, "library-folder-phone")
    assert "工作方案" in browser.page_source
