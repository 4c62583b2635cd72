"""Drafting and 用印 in a real browser: the draft form with its preview, the document page
with its 发文稿纸, and both custodians approving on the 用印 page (screenshots saved)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from wenshu.documents.models import Document
from wenshu.documents.tests.conftest import BODY, TITLE, to_signed
from wenshu.web.testing import button, click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_drafter_writes_previews_and_saves_a_draft(city, cast, live_server, browser_login):
    b = browser_login(cast.drafter)
    b.get(live_server.url + "/documents/new/")
    b.find_element(By.NAME, "title").send_keys(TITLE)
    Select(b.find_element(By.NAME, "urgency")).select_by_value("加急")
    b.find_element(By.NAME, "main_recipients").send_keys("市直各部门、各单位")
    b.find_element(By.NAME, "body_text").send_keys(BODY)
    click_and_wait(b, b.find_element(By.NAME, "preview"), "正文预览")
    assert b.find_element(By.CSS_SELECTOR, ".gw-heading1 .head").text == "一、总体要求"
    screenshot(b, "documents-draft-preview")
    b.find_element(By.NAME, "title").clear()
    b.find_element(By.NAME, "title").send_keys("秘密★ " + TITLE)
    click_and_wait(b, b.find_element(By.NAME, "save"), "第四十五条")
    assert "一、总体要求" in b.find_element(By.NAME, "body_text").get_attribute("value")
    screenshot(b, "documents-draft-refused")
    b.find_element(By.NAME, "title").clear()
    b.find_element(By.NAME, "title").send_keys(TITLE)
    click_and_wait(b, b.find_element(By.NAME, "save"), "发文稿纸")
    assert Document.objects.get().title == TITLE
    screenshot(b, "documents-draft-saved")


def test_both_custodians_approve_on_the_seal_page(city, cast, live_server, browser_login):
    doc = to_signed(cast)
    for person in (cast.custodian1, cast.custodian2):
        b = browser_login(person)
        b.get(f"{live_server.url}/documents/{doc.pk}/seal/")
        b.find_element(By.NAME, "opinion").send_keys("核对无误，同意用印")
        done = "已记录" if person == cast.custodian1 else "已完成电子签章"
        click_and_wait(b, button(b, "同意用印"), done)
    screenshot(b, "documents-sealed")
    doc.refresh_from_db()
    assert doc.status == Document.Status.SEALED
    b.get(f"{live_server.url}/documents/{doc.pk}/")
    sheet = b.find_element(By.CSS_SELECTOR, "table.gw-sheet").text
    assert "同意印发" in sheet and "办公室无意见" in sheet and doc.doc_number in sheet
    screenshot(b, "documents-approval-sheet")
