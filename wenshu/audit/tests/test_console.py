"""The audit console (安全审计员 only, read only), its CSV export and API, and the system
console (系统管理员 only): each administrator is refused outside their own console."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.audit.services import audit_record, chain_verification_run
from wenshu.audit.tests.helpers import append

pytestmark = pytest.mark.django_db

NOT_AUDITORS = ["sysadmin", "secadmin", "shuziban", "a_admin", "a_clerk", "b_staff"]


@pytest.fixture
def events(city):
    """A small log: a clerk of A logging in, B's clerk refused, a failure from the system."""
    audit_record(actor=city.a_clerk, action="account.login", target=city.a_clerk)
    audit_record(
        actor=city.b_clerk,
        action="document.send",
        result="refused",
        details={"message": "无权发文"},
    )
    audit_record(actor=None, action="notify.sms_failed", result="failed", unit=city.a)
    audit_record(
        actor=city.a_leader,
        action="document.sign",
        target=city.a,
        details={"title": '=HYPERLINK("http://x")'},
    )
    return city


def test_the_auditor_reads_the_log_and_the_chain_status(events, login):
    chain_verification_run()
    page = login(events.auditor).get("/audit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "account.login" in html and "艾文书" in html and "贝文书" in html
    assert "审计链状态" in html and "完整" in html
    main = html.split('<main id="main"', 1)[1]
    assert 'method="post"' not in main  # the console offers nothing to change


@pytest.mark.parametrize("who", NOT_AUDITORS)
def test_everyone_but_the_auditor_is_refused_the_console(events, login, who):
    c = login(getattr(events, who))
    for path in ["/audit/", "/audit/events.csv", "/audit/events/1/"]:
        response = c.get(path)
        assert response.status_code == 403, path
        assert "三员分立" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    assert client.get("/audit/").status_code == 302
    assert client.get("/audit/events.csv").status_code == 302


@pytest.mark.parametrize("path", ["/audit/", "/audit/events.csv", "/audit/events/1/"])
def test_the_auditor_cannot_post_anything(events, login, path):
    before = AuditEvent.objects.count()
    response = login(events.auditor).post(path, {"seq": 1, "action": "x"})
    assert response.status_code == 405
    assert AuditEvent.objects.count() == before


def test_the_auditor_cannot_reach_the_other_consoles(events, login):
    c = login(events.auditor)
    assert c.get("/system/").status_code == 403
    assert c.get("/audit/alerts/").status_code == 403


@pytest.mark.parametrize(
    "query,expected",
    [
        ("person=艾文书", {"account.login"}),
        ("person=贝", {"document.send"}),
        ("unit=财政", {"account.login", "notify.sms_failed", "document.sign"}),
        ("unit=教育局", {"document.send"}),
        ("action=document.", {"document.send", "document.sign"}),
        ("result=refused", {"document.send"}),
        ("result=failed", {"notify.sms_failed"}),
        ("action=account&result=ok", {"account.login"}),
    ],
)
def test_the_console_filters(events, login, query, expected):
    page = login(events.auditor).get(f"/audit/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    actions = AuditEvent.objects.values_list("action", flat=True)
    shown = {a for a in actions if f"<code>{a}</code>" in html}
    assert shown == expected


def test_the_person_filter_takes_an_id(events, login):
    html = login(events.auditor).get(f"/audit/?person={events.b_clerk.pk}").content.decode()
    assert "document.send" in html and "account.login" not in html


def test_the_date_filters_are_inclusive_days_in_beijing_time(city, login):
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=True):
        audit_record(actor=None, action="old.thing")
    audit_record(actor=None, action="new.thing")
    c = login(city.auditor)
    old_day = (today - timedelta(days=10)).isoformat()
    html = c.get(f"/audit/?date_from={old_day}&date_to={old_day}").content.decode()
    assert "old.thing" in html and "new.thing" not in html
    html = c.get(f"/audit/?date_from={today.isoformat()}").content.decode()
    assert "new.thing" in html and "old.thing" not in html


def test_bad_filters_are_refused_with_a_message_and_kept(city, login):
    c = login(city.auditor)
    page = c.get("/audit/?date_from=2026-05-01&date_to=2026-04-01&person=张三")
    assert page.status_code == 400
    html = page.content.decode()
    assert "截止日期不能早于起始日期" in html and 'value="张三"' in html
    bad = c.get("/audit/?date_from=yesterday")
    assert bad.status_code == 400 and "请输入正确的日期" in bad.content.decode()
    assert c.get("/audit/?result=deleted").status_code == 400


def test_the_console_pages_fifty_at_a_time(city, login):
    append(120)
    c = login(city.auditor)
    first = c.get("/audit/").content.decode()
    assert first.count("<code>test.event</code>") == 50 and "第 1 / 3 页" in first
    last = c.get("/audit/?page=3").content.decode()
    assert last.count("<code>test.event</code>") == 20
    assert 'href="/audit/events/1/"' in last  # oldest last


def test_the_event_detail_shows_details_and_hash_status(events, login):
    c = login(events.auditor)
    html = c.get("/audit/events/2/").content.decode()
    assert "无权发文" in html and "与内容相符" in html
    AuditEvent.objects.filter(seq=2).update(details={"message": "改了"})
    assert "与内容不符" in c.get("/audit/events/2/").content.decode()
    assert c.get("/audit/events/999/").status_code == 404


# --- CSV export ----------------------------------------------------------------------------


def _csv(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_csv_export_holds_the_filtered_rows_for_excel(events, login):
    response = login(events.auditor).get("/audit/events.csv?unit=财政")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw, rows = _csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert rows[0][:3] == ["序号", "时间", "操作人"]
    assert [r[7] for r in rows[1:]] == ["document.sign", "notify.sms_failed", "account.login"]
    sign = rows[1]
    assert sign[2] == "艾局长" and sign[5] == "白银市财政局" and sign[12] == "成功"
    assert "=HYPERLINK" in sign[13]
    assert not any(cell.startswith("=") for r in rows for cell in r)


def test_a_cell_starting_like_a_formula_is_kept_as_text(city, login):
    audit_record(actor=None, action="x", target="=1+2")
    _, rows = _csv(login(city.auditor).get("/audit/events.csv"))
    assert [r[7] for r in rows[1:]] == ["audit.exported", "x"]  # the export is logged first
    assert rows[2][10] == "'=1+2"


def test_the_export_is_itself_audited(events, login):
    login(events.auditor).get("/audit/events.csv?result=refused")
    event = AuditEvent.objects.get(action="audit.exported")
    assert event.actor_id == events.auditor.pk
    assert event.details == {"filters": {"result": "refused"}, "rows": 1}


def test_a_bad_export_filter_is_refused(city, login):
    response = login(city.auditor).get("/audit/events.csv?date_from=2026-05-02&date_to=2026-05-01")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


# --- API -----------------------------------------------------------------------------------


def test_the_api_lists_events_with_the_same_filters(events, login):
    c = login(events.auditor)
    body = c.get("/api/v1/audit/events?action=document.&page_size=1").json()
    assert body["count"] == 2 and body["pages"] == 2 and len(body["items"]) == 1
    assert body["items"][0]["action"] == "document.sign"
    refused = c.get("/api/v1/audit/events?result=refused").json()
    assert [e["actor_name"] for e in refused["items"]] == ["贝文书"]
    assert refused["items"][0]["details"] == {"message": "无权发文"}
    by_person = c.get(f"/api/v1/audit/events?person={events.a_clerk.pk}").json()
    assert [e["action"] for e in by_person["items"]] == ["account.login"]


def test_the_api_refuses_bad_filters(city, login):
    c = login(city.auditor)
    bad_order = c.get("/api/v1/audit/events?date_from=2026-05-02&date_to=2026-05-01")
    assert bad_order.status_code == 400 and "截止日期" in bad_order.json()["message"]
    assert c.get("/api/v1/audit/events?result=gone").status_code == 422
    assert c.get("/api/v1/audit/events?page_size=1000").status_code == 422


@pytest.mark.parametrize("who", NOT_AUDITORS)
def test_the_events_api_refuses_everyone_but_the_auditor(events, login, who):
    response = login(getattr(events, who)).get("/api/v1/audit/events")
    assert response.status_code == 403 and "三员分立" in response.json()["message"]


def test_the_api_refuses_anonymous_callers(client, db):
    assert client.get("/api/v1/audit/events").status_code == 401
    assert client.get("/api/v1/audit/verification").status_code == 401


def test_the_verification_api_shows_the_chain_status(city, login):
    c = login(city.auditor)
    assert c.get("/api/v1/audit/verification").json()["status"] == "never"
    append(3)
    chain_verification_run()
    body = c.get("/api/v1/audit/verification").json()
    assert body["status"] == "ok" and body["rows_checked"] == 3
    AuditEvent.objects.filter(seq=2).delete()
    chain_verification_run()
    body = login(city.sysadmin).get("/api/v1/audit/verification").json()
    assert (body["status"], body["kind"], body["first_bad_seq"]) == ("broken", "deleted", 2)
    assert login(city.secadmin).get("/api/v1/audit/verification").status_code == 200


@pytest.mark.parametrize("who", ["shuziban", "a_admin", "a_clerk", "b_staff"])
def test_the_verification_api_refuses_everyone_but_the_three_admins(city, login, who):
    response = login(getattr(city, who)).get("/api/v1/audit/verification")
    assert response.status_code == 403


# --- navigation and the system console ----------------------------------------------------


def test_each_admin_sees_only_their_own_console_in_the_navigation(city, login):
    links = {
        "auditor": 'href="/audit/"',
        "sysadmin": 'href="/system/"',
        "secadmin": 'href="/audit/alerts/"',
    }
    for who, own in links.items():
        html = login(getattr(city, who)).get("/workbench/").content.decode()
        assert own in html, who
        assert all(other not in html for other in links.values() if other != own), who


def test_the_system_admin_sees_health_versions_settings_and_chain_status(city, login, monkeypatch):
    import platform

    import django

    monkeypatch.setenv("WENSHU_SECRET_KEY", "super-secret-value-123")
    monkeypatch.setenv("WENSHU_EXTRA_API_TOKEN", "tok-456")
    monkeypatch.setenv("WENSHU_EXTRA_LABEL", "本地标签")
    chain_verification_run()
    page = login(city.sysadmin).get("/system/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "健康检查" in html and "任务队列待处理任务数" in html
    assert platform.python_version() in html and django.get_version() in html
    assert "WENSHU_SECRET_KEY" in html and "已设置" in html
    assert "super-secret-value-123" not in html and "tok-456" not in html
    assert "本地标签" in html and "审计链状态" in html


def test_the_system_console_hides_database_passwords(city, login, settings):
    settings.DATABASE_URL = "postgres://wenshu:hunter2@db.example:5432/wenshu"
    html = login(city.sysadmin).get("/system/").content.decode()
    assert "hunter2" not in html and "wenshu:******@db.example:5432" in html


@pytest.mark.parametrize(
    "who", ["secadmin", "auditor", "shuziban", "a_admin", "a_clerk", "b_staff"]
)
def test_everyone_but_the_system_admin_is_refused_the_system_console(city, login, who):
    response = login(getattr(city, who)).get("/system/")
    assert response.status_code == 403 and "三员分立" in response.content.decode()


def test_the_system_admin_is_refused_the_audit_console_and_alerts(city, login):
    c = login(city.sysadmin)
    assert c.get("/audit/").status_code == 403
    assert c.get("/audit/alerts/").status_code == 403
    assert c.get("/api/v1/audit/events").status_code == 403


def test_the_security_admin_is_refused_the_audit_console(city, login):
    assert login(city.secadmin).get("/audit/").status_code == 403


def test_refusals_are_themselves_audited(city, login):
    login(city.sysadmin).get("/audit/")
    refusal = AuditEvent.objects.get(action="request.refused")
    assert refusal.actor_id == city.sysadmin.pk and refusal.result == "refused"
