"""Headless Chromium: a receiving clerk opens a delivery, sees it verified, signs for and
registers it, prints two copies (份号 000001 and 000002), is refused a third, asks for one
more, the sender allows it, and the third copy prints."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from wenshu.exchange.models import Delivery
from wenshu.exchange.tests.receiving_helpers import pdf_text, send_to_b
from wenshu.web.testing import button, click_and_wait, screenshot, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _downloaded(folder: Path, count: int) -> list[Path]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = sorted(p for p in folder.glob("*.pdf"))
        if len(done) >= count and not list(folder.glob("*.crdownload")):
            return sorted(done, key=lambda p: p.stat().st_mtime)
        time.sleep(0.2)
    raise AssertionError(f"expected {count} PDFs in {folder}: {list(folder.iterdir())}")


def _print(b, folder: Path, count: int) -> Path:
    b.find_element(By.ID, "print-button").click()
    return _downloaded(folder, count)[-1]


def test_a_clerk_verifies_signs_prints_asks_for_more_and_prints_again(
    city, doc, live_server, browser_login, tmp_path
):
    delivery = send_to_b(city, doc, copies=2)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    b = browser_login(city.b_clerk)
    b.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "待签收"))
    click_and_wait(b, b.find_element(By.LINK_TEXT, doc.title), "验证通过")
    screenshot(b, "receiving-verified")
    click_and_wait(b, button(b, "签收登记"), "已签收并登记，收文登记号 收〔")
    screenshot(b, "receiving-signed")
    copies = [_print(b, downloads, 1)]
    b.get(live_server.url + f"/exchange/received/{doc.pk}/")
    copies.append(_print(b, downloads, 2))
    texts = [pdf_text(p.read_bytes()) for p in copies]
    assert texts[0][0].startswith("000001") and texts[1][0].startswith("000002")
    assert all("白银市教育局" in watermark for _t, watermark in texts)
    b.get(live_server.url + f"/exchange/received/{doc.pk}/")
    wait_for_text(b, "允许打印的 2 份已全部打印")
    assert not b.find_elements(By.ID, "print-button")
    Select(b.find_element(By.NAME, "kind")).select_by_value("more_copies")
    count = b.find_element(By.NAME, "count")
    count.clear()
    count.send_keys("1")
    b.find_element(By.NAME, "reason").send_keys("需分送分管领导阅处")
    click_and_wait(b, button(b, "提交申请"), "已向发文单位提出申请")
    screenshot(b, "receiving-refused-and-requested")

    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/exchange/requests/")
    wait_for_text(b, "需分送分管领导阅处")
    click_and_wait(b, button(b, "同意"), "已同意白银市教育局的申请")
    screenshot(b, "receiving-sender-approves")
    assert Delivery.objects.get(pk=delivery.pk).print_allowed == 3

    b = browser_login(city.b_clerk)
    b.get(live_server.url + f"/exchange/received/{doc.pk}/")
    wait_for_text(b, "3 份（已打印 2 份）")
    third = _print(b, downloads, 3)
    assert pdf_text(third.read_bytes())[0].startswith("000003")
    b.get(live_server.url + f"/exchange/received/{doc.pk}/")
    screenshot(b, "receiving-third-copy")
    row = Delivery.objects.get(pk=delivery.pk)
    assert row.printed_count == 3 and row.received_at is not None
