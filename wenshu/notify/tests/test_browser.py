"""我的通知 in a real browser: the workbench counter, marking read in place (htmx), opening."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from wenshu.notify.models import Notification, OutboxMessage
from wenshu.web.testing import click_and_wait, screenshot, wait_for_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reads_notifications_from_the_workbench(city, live_server, browser_login):
    first = Notification.objects.create(recipient=city.a_clerk, title="密钥已制作，请领取")
    second = Notification.objects.create(
        recipient=city.a_clerk, title="新公文待签收", link="/workbench/"
    )
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/workbench/")
    # By its address: "未读通知公告" (notices) is another counter with the same beginning.
    click_and_wait(b, b.find_element(By.CSS_SELECTOR, ".counters a[href='/notify/']"), first.title)
    assert b.current_url.endswith("/notify/")
    row = f"#notification-{first.pk}"
    b.find_element(By.CSS_SELECTOR, row).find_element(
        By.XPATH, ".//button[normalize-space()='标为已读']"
    ).click()
    # The row is swapped in place: its button goes, its badge says 已读.
    wait_for_text(b, "已读", css=row, without="标为已读")
    assert b.current_url.endswith("/notify/")  # swapped in place, no page load
    screenshot(b, "notify-list")
    first.refresh_from_db()
    assert first.read_at is not None
    opened = b.find_element(By.ID, f"notification-{second.pk}").find_element(
        By.XPATH, ".//button[normalize-space()='查看']"
    )
    counter = click_and_wait(b, opened, css=".counters a[href='/notify/'] .n")
    assert b.current_url == live_server.url + "/workbench/"
    assert counter == "0"


def test_the_digital_office_filters_the_outbox_and_resends_a_dead_sms(
    city, live_server, browser_login, use_gateway
):
    dead = OutboxMessage.objects.create(
        to_address="13800000001",
        body="【文枢】请领取密钥",
        status=OutboxMessage.Status.DEAD,
        attempts=6,
        last_error="运营商网关无响应",
        recipient=city.a_clerk,
    )
    OutboxMessage.objects.create(
        to_address="13800000002", body="【文枢】已送达", status=OutboxMessage.Status.SENT
    )
    b = browser_login(city.shuziban)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.LINK_TEXT, "短信发件箱"))
    Select(b.find_element(By.NAME, "status")).select_by_visible_text("已放弃")
    main = click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='筛选']"))
    assert "status=dead" in b.current_url
    assert "已送达" not in main and "运营商网关无响应" in main
    screenshot(b, "notify-outbox")
    resend = b.find_element(By.XPATH, "//button[normalize-space()='重新发送']")
    click_and_wait(b, resend, "已重新排队", confirm=True)
    assert "status=dead" in b.current_url
    dead.refresh_from_db()
    assert dead.status == OutboxMessage.Status.SENT  # tasks run immediately in tests
