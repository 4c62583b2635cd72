"""Issue 5's acceptance, once in headless Chromium: draft → 核稿 → 会签 by two departments →
签发 → 2-of-2 custodian 用印 → 分发 to 3 units, every step on the real pages (screenshots
saved as issue5-flow-NN-*.png). Only the setup (departments, the seal, the units) uses services."""

from __future__ import annotations

import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import make_person, make_unit
from wenshu.documents.models import Document, SealedPackage
from wenshu.documents.tests.conftest import BODY, TITLE
from wenshu.exchange.models import Delivery
from wenshu.lib.package import verify_package
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(b: Any, xpath: str, expect: str = "") -> str:
    """Click what the XPath finds and wait for the page it loads, showing `expect`."""
    return click_and_wait(b, b.find_element(By.XPATH, xpath), expect)


def _act_on_step(b: Any, url: str, opinion: str) -> str:
    """On the document page: 同意 with an opinion in the one open step form, then 提交."""
    b.get(url)
    form = b.find_element(By.CSS_SELECTOR, "form.steps-form")
    form.find_element(By.CSS_SELECTOR, "input[name='decision'][value='approve']").click()
    form.find_element(By.NAME, "opinion").send_keys(opinion)
    submit = form.find_element(By.XPATH, ".//button[normalize-space()='提交']")
    return click_and_wait(b, submit, "已办理")


def _draft_and_submit(b: Any, live_server: Any, cast: Any) -> Document:
    b.get(live_server.url + "/documents/new/")
    b.find_element(By.NAME, "title").send_keys(TITLE)
    Select(b.find_element(By.NAME, "urgency")).select_by_value("加急")
    b.find_element(By.NAME, "main_recipients").send_keys("市直各部门、各单位")
    b.find_element(By.NAME, "body_text").send_keys(BODY)
    Select(b.find_element(By.NAME, "seal")).select_by_value(str(cast.seal.pk))
    click_and_wait(b, b.find_element(By.NAME, "save"), "发文稿纸")
    screenshot(b, "issue5-flow-01-draft")
    doc = Document.objects.get(title=TITLE)
    _click(b, "//a[normalize-space()='送审']", "核稿人")
    Select(b.find_element(By.NAME, "reviewer")).select_by_value(str(cast.reviewer.pk))
    for dept in (cast.dept1, cast.dept2):
        b.find_element(
            By.CSS_SELECTOR, f"input[name='countersign_departments'][value='{dept.pk}']"
        ).click()
    Select(b.find_element(By.NAME, "signer")).select_by_value(str(cast.signer.pk))
    Select(b.find_element(By.NAME, "dispatcher")).select_by_value(str(cast.dispatcher.pk))
    b.find_element(By.NAME, "opinion").send_keys("请审核")
    screenshot(b, "issue5-flow-02-submit-form")
    _click(b, "//form//button[normalize-space()='送审']", "公文已送审")
    assert "审批中" in b.find_element(By.TAG_NAME, "h1").text
    screenshot(b, "issue5-flow-03-submitted")
    return doc


def test_the_whole_flow_from_draft_to_three_units(city, cast, live_server, browser_login):
    units = [
        city.b,
        make_unit("白银市公安局", "市公安局", "白公"),
        make_unit("白银市民政局", "市民政局", "白民"),
    ]
    make_person("c_clerk", units[1], "clerk", real_name="程文书")
    make_person("d_clerk", units[2], "clerk", real_name="丁文书")

    doc = _draft_and_submit(browser_login(cast.drafter), live_server, cast)
    url = f"{live_server.url}/documents/{doc.pk}/"

    b = browser_login(cast.reviewer)
    _act_on_step(b, url, "文字已核")
    screenshot(b, "issue5-flow-04-reviewed")

    b = browser_login(cast.dept1_member)
    _act_on_step(b, url, "办公室无意见")
    screenshot(b, "issue5-flow-05-countersigned-1")
    b = browser_login(cast.dept2_member)
    _act_on_step(b, url, "预算科同意")
    screenshot(b, "issue5-flow-06-countersigned-2")

    b = browser_login(cast.signer)
    assert "已签发" in _act_on_step(b, url, "同意印发")
    facts = b.find_element(By.CSS_SELECTOR, "dl.facts").text
    year = re.search(r"白财〔(\d{4})〕1号", facts)
    assert year, facts
    screenshot(b, "issue5-flow-07-signed")

    for n, person in enumerate((cast.custodian1, cast.custodian2), start=8):
        b = browser_login(person)
        b.get(url + "seal/")
        b.find_element(By.NAME, "opinion").send_keys("核对无误，同意用印")
        done = "已记录" if person == cast.custodian1 else "已完成电子签章"
        _click(b, "//button[normalize-space()='同意用印']", done)
        screenshot(b, f"issue5-flow-{n:02d}-custodian-{n - 7}")
    assert "已用印" in b.find_element(By.TAG_NAME, "h1").text

    b = browser_login(cast.dispatcher)
    b.get(url)
    _click(b, "//a[normalize-space()='发送（分发）']", "选择收文机关")
    main = Select(b.find_element(By.NAME, "main_units"))
    main.select_by_visible_text("白银市教育局")
    main.select_by_visible_text("白银市公安局")
    Select(b.find_element(By.NAME, "copy_units")).select_by_visible_text("白银市民政局")
    _click(b, "//button[normalize-space()='预览收文单位']", "共 3 个单位")
    screenshot(b, "issue5-flow-10-send-preview")
    main = _click(
        b, "//button[normalize-space()='发送']", "公文已发出：共 3 个单位（主送 2，抄送 1）"
    )
    assert "3 个（主送 2，抄送 1）" in main
    rows = b.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert sorted(r.find_element(By.TAG_NAME, "td").text for r in rows) == sorted(
        u.full_name for u in units
    )
    screenshot(b, "issue5-flow-11-tracking")

    doc.refresh_from_db()
    assert doc.status == Document.Status.SENT
    assert doc.doc_number == f"白财〔{year.group(1)}〕1号"
    deliveries = Delivery.objects.filter(document=doc)
    assert sorted(d.recipient_unit_id for d in deliveries) == sorted(u.pk for u in units)
    package = SealedPackage.objects.get(document=doc).package
    verdict = verify_package(bytes(package))
    assert verdict.ok, verdict.reasons
