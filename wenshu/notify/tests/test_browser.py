"""我的通知 in a real browser: the workbench counter, marking read in place (htmx), opening."""

from __future__ import annotations

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from wenshu.notify.models import Notification, OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reads_notifications_from_the_workbench(city, live_server, browser_login):
    first = Notification.objects.create(recipient=city.a_clerk, title="密钥已制作，请领取")
    second = Notification.objects.create(
        recipient=city.a_clerk, title="新公文待签收", link="/workbench/"
    )
    b = browser_login(city.a_clerk)
    b.get(live_server.url + "/workbench/")
    # By its address: "未读通知公告" (notices) is another counter with the same beginning.
    b.find_element(By.CSS_SELECTOR, ".counters a[href='/notify/']").click()
    assert b.current_url.endswith("/notify/")
    row = b.find_element(By.ID, f"notification-{first.pk}")
    row.find_element(By.XPATH, ".//button[normalize-space()='标为已读']").click()
    wait = WebDriverWait(b, 5)
    wait.until(EC.text_to_be_present_in_element((By.ID, f"notification-{first.pk}"), "已读"))
    assert b.current_url.endswith("/notify/")  # swapped in place, no page load
    b.save_screenshot(str(settings.TEST_ARTIFACTS_DIR / "notify-list.png"))
    first.refresh_from_db()
    assert first.read_at is not None
    b.find_element(By.ID, f"notification-{second.pk}").find_element(
        By.XPATH, ".//button[normalize-space()='查看']"
    ).click()
    wait.until(EC.url_to_be(live_server.url + "/workbench/"))
    counter = b.find_element(By.CSS_SELECTOR, ".counters a[href='/notify/']")
    assert counter.find_element(By.CLASS_NAME, "n").text == "0"


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
    b.find_element(By.LINK_TEXT, "短信发件箱").click()
    Select(b.find_element(By.NAME, "status")).select_by_visible_text("已放弃")
    b.find_element(By.XPATH, "//button[normalize-space()='筛选']").click()
    WebDriverWait(b, 5).until(EC.url_contains("status=dead"))
    assert "已送达" not in b.page_source and "运营商网关无响应" in b.page_source
    b.save_screenshot(str(settings.TEST_ARTIFACTS_DIR / "notify-outbox.png"))
    b.find_element(By.XPATH, "//button[normalize-space()='重新发送']").click()
    WebDriverWait(b, 5).until(EC.alert_is_present()).accept()
    WebDriverWait(b, 5).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "已重新排队"))
    assert "status=dead" in b.current_url
    dead.refresh_from_db()
    assert dead.status == OutboxMessage.Status.SENT  # tasks run immediately in tests
