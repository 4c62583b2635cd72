"""我的通知 and 短信发件箱 pages, including refusals."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.notify.services import notify_send

S = OutboxMessage.Status


def notice(person, title="通知", **fields):
    return Notification.objects.create(recipient=person, title=title, **fields)


def test_it_lists_my_notifications_unread_first_and_not_other_peoples(city, login):
    now = timezone.now()
    notice(city.a_clerk, "旧的未读", created_at=now - timedelta(days=2))
    notice(city.a_clerk, "新的已读", created_at=now, read_at=now)
    notice(city.b_clerk, "别人的通知")
    page = login(city.a_clerk).get("/notify/").content.decode()
    assert page.index("旧的未读") < page.index("新的已读")
    assert "别人的通知" not in page
    assert "1 条未读" in page


def shell_queries(c):
    with CaptureQueriesContext(connection) as captured:
        assert c.get("/accounts/profile/").status_code == 200
    return len(captured)


def test_the_list_page_keeps_to_a_fixed_number_of_queries(
    city, login, django_assert_max_num_queries
):
    for i in range(40):
        notice(city.a_clerk, f"通知{i}", link="/notify/")
    c = login(city.a_clerk)
    # The shell (navigation visibility) costs the same on every page: measure it, then allow the
    # list a fixed few queries on top — 40 rows with an N+1 would blow far past that.
    with django_assert_max_num_queries(shell_queries(c) + 6):
        assert c.get("/notify/").status_code == 200
    assert "下一页" in c.get("/notify/").content.decode()


def test_the_outbox_page_keeps_to_a_fixed_number_of_queries(
    city, login, django_assert_max_num_queries
):
    for i in range(40):
        OutboxMessage.objects.create(
            to_address="13800000001", body=f"短信{i}", recipient=city.a_clerk
        )
    c = login(city.shuziban)
    with django_assert_max_num_queries(shell_queries(c) + 6):
        assert c.get("/notify/outbox/", {"page": "2"}).status_code == 200


def test_it_marks_a_notification_read_by_post_and_by_htmx(city, login):
    first, second = notice(city.a_clerk, "甲"), notice(city.a_clerk, "乙")
    c = login(city.a_clerk)
    assert c.get(f"/notify/{first.pk}/read/").status_code == 405
    response = c.post(f"/notify/{first.pk}/read/", {"back_query": "page=1"})
    assert response.status_code == 302 and response.url == "/notify/?page=1"
    fragment = c.post(f"/notify/{second.pk}/read/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert "已读" in fragment.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_marking_read_twice_keeps_the_first_read_time(city, login):
    n = notice(city.a_clerk)
    c = login(city.a_clerk)
    c.post(f"/notify/{n.pk}/read/")
    n.refresh_from_db()
    first = n.read_at
    c.post(f"/notify/{n.pk}/read/")
    n.refresh_from_db()
    assert n.read_at == first


def test_opening_a_notification_marks_it_read_and_follows_its_link(city, login):
    n = notice(city.a_clerk, link="/keys/3/")
    response = login(city.a_clerk).post(f"/notify/{n.pk}/open/")
    assert response.status_code == 302 and response.url == "/keys/3/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_another_persons_notification_is_not_found(city, login):
    n = notice(city.a_clerk)
    c = login(city.b_clerk)
    for path in (f"/notify/{n.pk}/read/", f"/notify/{n.pk}/open/"):
        response = c.post(path)
        assert response.status_code == 404
        assert "找不到该通知" in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is None


def test_read_all_marks_only_my_own(city, login):
    notice(city.a_clerk)
    notice(city.a_clerk)
    theirs = notice(city.b_clerk)
    response = login(city.a_clerk).post("/notify/read-all/", follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_workbench_counts_unread_notifications_and_the_nav_links_them(city, login):
    notify_send(recipients=[city.a_clerk], title="甲", body="", sms=False)
    notify_send(recipients=[city.a_clerk], title="乙", body="", sms=False)
    page = login(city.a_clerk).get("/workbench/").content.decode()
    assert "未读通知" in page and 'href="/notify/"' in page
    assert '<span class="n has">2</span><span class="label">未读通知</span>' in page
    assert "短信发件箱" not in page


def test_anonymous_visitors_are_sent_to_login(client, db):
    assert client.get("/notify/").url.startswith("/accounts/login/")
    assert client.get("/notify/outbox/").url.startswith("/accounts/login/")


def sms(**fields) -> OutboxMessage:
    fields.setdefault("to_address", "13800000009")
    fields.setdefault("body", "【文枢】请签收")
    return OutboxMessage.objects.create(**fields)


def test_the_digital_office_and_the_system_administrator_read_the_outbox(city, login):
    sms(status=S.DEAD, last_error="网关无响应", body="【文枢】死信")
    sms(status=S.SENT, body="【文枢】已发")
    for person in (city.shuziban, city.sysadmin):
        c = login(person)
        page = c.get("/notify/outbox/").content.decode()
        assert "死信" in page and "已发" in page and "网关无响应" in page
        assert "短信发件箱" in c.get("/workbench/").content.decode()


def test_the_outbox_filters_by_status_and_date(city, login):
    sms(status=S.DEAD, body="【文枢】甲号短信")
    sms(status=S.SENT, body="【文枢】乙号短信")
    sms(status=S.SENT, body="【文枢】丙号短信", created_at=timezone.now() - timedelta(days=400))
    c = login(city.shuziban)
    page = c.get("/notify/outbox/", {"status": "dead"}).content.decode()
    assert "甲号短信" in page and "乙号短信" not in page
    today = timezone.localdate().isoformat()
    page = c.get("/notify/outbox/", {"date_from": today, "date_to": today}).content.decode()
    assert "乙号短信" in page and "丙号短信" not in page


def test_a_bad_filter_is_explained_and_keeps_what_was_typed(city, login):
    c = login(city.shuziban)
    response = c.get("/notify/outbox/", {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "开始日期不能晚于结束日期" in page and 'value="2026-03-31"' in page
    response = c.get("/notify/outbox/", {"date_from": "昨天", "status": "bogus"})
    assert response.status_code == 400 and "请输入正确的日期" in response.content.decode()


def test_people_without_the_role_are_refused_the_outbox(city, login):
    message = sms(status=S.DEAD)
    for person in (city.a_admin, city.a_clerk, city.secadmin, city.auditor):
        c = login(person)
        response = c.get("/notify/outbox/")
        assert response.status_code == 403
        assert "只有市数字办管理员和系统管理员" in response.content.decode()
        assert c.post(f"/notify/outbox/{message.pk}/retry/").status_code == 403
    message.refresh_from_db()
    assert message.status == S.DEAD
    assert AuditEvent.objects.filter(action="request.refused").count() == 8


def test_retrying_a_dead_sms_queues_it_again_and_is_audited(
    city, login, use_gateway, django_capture_on_commit_callbacks
):
    message = sms(status=S.DEAD, attempts=6, last_error="网关无响应")
    c = login(city.shuziban)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/notify/outbox/{message.pk}/retry/", {"back_query": "status=dead"})
    assert response.status_code == 302 and response.url == "/notify/outbox/?status=dead"
    message.refresh_from_db()
    assert message.status == S.SENT and message.attempts == 1
    event = AuditEvent.objects.get(action="notify.sms_retry")
    assert event.actor_id == city.shuziban.pk and event.details["attempts"] == 6


def test_retrying_a_message_that_is_not_dead_is_a_conflict(city, login):
    message = sms(status=S.SENT)
    response = login(city.sysadmin).post(f"/notify/outbox/{message.pk}/retry/")
    assert response.status_code == 409
    assert "只有“已放弃”的短信可以重新发送" in response.content.decode()
    assert login(city.sysadmin).post("/notify/outbox/999999/retry/").status_code == 404
