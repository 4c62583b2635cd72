"""The daily verification, the security alerts it raises, and their acknowledgement."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent, AuditVerification, SecurityAlert
from wenshu.audit.services import security_alert_acknowledge, security_alert_raise
from wenshu.audit.tasks import audit_verify_daily
from wenshu.audit.tests.helpers import append, forge, row
from wenshu.lib.errors import Conflict, Forbidden

pytestmark = pytest.mark.django_db


def test_the_daily_task_stores_an_intact_result_and_raises_nothing():
    append(6)
    verification = AuditVerification.objects.get(pk=audit_verify_daily())
    assert verification.ok and verification.rows_checked == 6 and verification.head_seq == 6
    assert verification.finding == "" and not SecurityAlert.objects.exists()
    event = AuditEvent.objects.get(action="audit.chain_verified")
    assert event.result == "ok" and event.target_id == str(verification.pk)


def test_a_broken_chain_is_stored_and_raises_one_critical_alert():
    append(6)
    AuditEvent.objects.filter(seq=4).update(actor_name="别人")
    verification = AuditVerification.objects.get(pk=audit_verify_daily())
    assert not verification.ok
    assert (verification.kind, verification.first_bad_seq) == ("changed", 4)
    assert verification.rows_checked == 3 and verification.first_bad_id == row(4).id
    alert = SecurityAlert.objects.get()
    assert alert.kind == "audit_chain_broken" and alert.severity == "critical"
    assert "第 4 条记录" in alert.message and alert.details["first_bad_seq"] == 4
    assert AuditEvent.objects.filter(action="security.alert_raised").exists()
    assert AuditEvent.objects.get(action="audit.chain_verified").result == "failed"


def test_the_same_finding_the_next_day_does_not_raise_a_second_alert():
    append(4)
    AuditEvent.objects.filter(seq=2).delete()
    audit_verify_daily()
    audit_verify_daily()
    assert AuditVerification.objects.count() == 2 and SecurityAlert.objects.count() == 1


def test_the_alert_is_raised_even_when_the_tampering_blocks_new_audit_rows():
    append(3)
    forge(4, row(3).hash, like=row(3))  # sits on the seq the next append needs
    verification = AuditVerification.objects.get(pk=audit_verify_daily())
    assert verification.kind == "inserted" and verification.first_bad_seq == 4
    assert SecurityAlert.objects.filter(kind="audit_chain_broken").count() == 1


def test_the_verify_command_records_and_alerts_by_default():
    from django.core.management import call_command

    append(3)
    AuditEvent.objects.filter(seq=3).delete()
    with pytest.raises(SystemExit) as exited:
        call_command("audit_verify")
    assert exited.value.code == 1
    assert AuditVerification.objects.get().kind == "deleted" and SecurityAlert.objects.count() == 1


def test_other_apps_can_raise_alerts_with_a_unit_and_a_dedupe_key(city):
    first = security_alert_raise(
        kind="key_cloned",
        message="登录密钥疑似被复制",
        unit=city.a,
        details={"key_id": 7},
        severity="warning",
        dedupe_key="key:7",
    )
    again = security_alert_raise(
        kind="key_cloned", message="登录密钥疑似被复制", unit=city.a, dedupe_key="key:7"
    )
    assert first.pk == again.pk and SecurityAlert.objects.count() == 1
    assert (first.unit_id, first.unit_name) == (city.a.pk, "白银市财政局")
    assert first.severity == "warning"
    other = security_alert_raise(kind="key_cloned", message="另一把密钥", dedupe_key="key:8")
    assert other.pk != first.pk


def test_an_alert_without_a_message_is_a_programming_error(db):
    with pytest.raises(ValueError):
        security_alert_raise(kind="x", message="  ")


def test_security_admins_are_notified_after_commit(city, django_capture_on_commit_callbacks):
    from wenshu.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    notes = Notification.objects.filter(kind="security_alert")
    assert [n.recipient_id for n in notes] == [city.secadmin.pk]
    assert notes[0].link == "/audit/alerts/" and alert.message in notes[0].body


def test_the_security_admin_acknowledges_an_alert_once(city):
    alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    security_alert_acknowledge(actor=city.secadmin, alert=alert, note="已核实，系误报")
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == city.secadmin.pk
    assert alert.acknowledge_note == "已核实，系误报"
    event = AuditEvent.objects.get(action="security.alert_acknowledged")
    assert event.actor_id == city.secadmin.pk and event.target_id == str(alert.pk)
    with pytest.raises(Conflict) as twice:
        security_alert_acknowledge(actor=city.secadmin, alert=alert)
    assert "安保密" in twice.value.message and "无需重复处理" in twice.value.message


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "shuziban", "a_admin", "b_staff"])
def test_nobody_else_may_acknowledge_an_alert(city, who):
    alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    with pytest.raises(Forbidden) as refused:
        security_alert_acknowledge(actor=getattr(city, who), alert=alert)
    assert "三员分立" in refused.value.message
    alert.refresh_from_db()
    assert alert.is_open


# --- the alerts page ---------------------------------------------------------------------


def test_the_security_admin_sees_open_alerts_and_the_workbench_counter(city, login):
    security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    c = login(city.secadmin)
    page = c.get("/audit/alerts/")
    assert page.status_code == 200 and "登录密钥疑似被复制" in page.content.decode()
    workbench = c.get("/workbench/").content.decode()
    assert "未处理安全告警" in workbench and "安全告警" in workbench


def test_the_security_admin_acknowledges_on_the_page(city, login):
    alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    c = login(city.secadmin)
    response = c.post(f"/audit/alerts/{alert.pk}/acknowledge/", {"note": "已处理"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open
    again = c.post(f"/audit/alerts/{alert.pk}/acknowledge/", {"note": "再次"})
    assert again.status_code == 409 and "无需重复处理" in again.content.decode()
    done = c.get("/audit/alerts/?state=done").content.decode()
    assert "已处理" in done


def test_acknowledging_an_unknown_alert_is_a_404(city, login):
    assert login(city.secadmin).post("/audit/alerts/999/acknowledge/").status_code == 404


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "shuziban", "a_clerk", "b_admin"])
def test_everyone_else_is_refused_the_alerts_page(city, login, who):
    alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    c = login(getattr(city, who))
    page = c.get("/audit/alerts/")
    assert page.status_code == 403 and "三员分立" in page.content.decode()
    assert c.post(f"/audit/alerts/{alert.pk}/acknowledge/").status_code == 403
    alert.refresh_from_db()
    assert alert.is_open
    assert "未处理安全告警" not in c.get("/workbench/").content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    assert client.get("/audit/alerts/").status_code == 302


def test_the_alerts_api_lists_and_acknowledges_for_the_security_admin(city, login):
    alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    c = login(city.secadmin)
    listed = c.get("/api/v1/audit/alerts").json()
    assert [a["id"] for a in listed] == [alert.pk]
    done = c.post(
        f"/api/v1/audit/alerts/{alert.pk}/acknowledge",
        {"note": "ok"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["acknowledged_by_id"] == city.secadmin.pk
    again = c.post(
        f"/api/v1/audit/alerts/{alert.pk}/acknowledge", {}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["error"] == "conflict"


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "a_clerk"])
def test_the_alerts_api_refuses_everyone_else(city, login, who):
    alert = security_alert_raise(kind="key_cloned", message="登录密钥疑似被复制")
    c = login(getattr(city, who))
    assert c.get("/api/v1/audit/alerts").status_code == 403
    refused = c.post(
        f"/api/v1/audit/alerts/{alert.pk}/acknowledge", {}, content_type="application/json"
    )
    assert refused.status_code == 403 and "三员分立" in refused.json()["message"]
