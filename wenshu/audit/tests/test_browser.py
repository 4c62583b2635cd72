"""The three consoles in a real browser: the auditor filters the log, the security
administrator acknowledges an alert, the system administrator reads the system console."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from wenshu.audit.models import AuditEvent, SecurityAlert
from wenshu.audit.services import audit_record, chain_verification_run
from wenshu.web.testing import click_and_wait, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_auditor_filters_the_log_from_the_navigation(city, live_server, browser_login):
    audit_record(actor=city.a_clerk, action="account.login")
    audit_record(actor=city.b_clerk, action="document.send", result="refused")
    chain_verification_run()
    b = browser_login(city.auditor)
    b.get(live_server.url + "/workbench/")
    main = click_and_wait(b, b.find_element(By.LINK_TEXT, "审计日志"), "审计链状态")
    assert "完整" in main
    b.find_element(By.NAME, "person").send_keys("贝文书")
    Select(b.find_element(By.NAME, "result")).select_by_visible_text("被拒绝")
    main = click_and_wait(b, b.find_element(By.XPATH, "//button[normalize-space()='查询']"))
    assert "result=refused" in b.current_url
    assert "document.send" in main and "account.login" not in main
    assert b.find_element(By.NAME, "person").get_attribute("value") == "贝文书"
    link = b.find_element(By.PARTIAL_LINK_TEXT, "导出当前筛选结果").get_attribute("href")
    assert "result=refused" in link and "person=" in link
    screenshot(b, "audit-console")


def test_the_security_admin_acknowledges_an_alert(city, live_server, browser_login):
    AuditEvent.objects.all().delete()
    audit_record(actor=None, action="x")
    AuditEvent.objects.filter(seq=1).update(action="y")
    chain_verification_run()
    alert = SecurityAlert.objects.get()
    b = browser_login(city.secadmin)
    b.get(live_server.url + "/workbench/")
    click_and_wait(b, b.find_element(By.PARTIAL_LINK_TEXT, "未处理安全告警"), "审计日志被篡改")
    b.find_element(By.ID, f"ack{alert.pk}_note").send_keys("已核实，已从备份恢复")
    screenshot(b, "audit-alerts")
    ack = b.find_element(By.XPATH, "//button[normalize-space()='确认处理']")
    click_and_wait(b, ack, "已确认处理", confirm=True)
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == city.secadmin.pk
    assert alert.acknowledge_note == "已核实，已从备份恢复"


def test_the_system_admin_reads_the_system_console(city, live_server, browser_login):
    b = browser_login(city.sysadmin)
    b.get(live_server.url + "/workbench/")
    main = click_and_wait(b, b.find_element(By.LINK_TEXT, "系统控制台"))
    assert "健康检查" in main and "生效配置" in main and "Django" in main
    screenshot(b, "system-console")
