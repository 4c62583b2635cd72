"""/api/v1/notify/: own notifications, the outbox for its administrators, refusals."""

from __future__ import annotations

import secrets

from wenshu.accounts.api_auth import token_digest
from wenshu.accounts.models import ApiToken
from wenshu.notify.models import Notification, OutboxMessage

S = OutboxMessage.Status
API = "/api/v1/notify"


def bearer(person) -> dict[str, str]:
    token = secrets.token_urlsafe(24)
    ApiToken.objects.create(user=person, name="测试", prefix=token[:8], digest=token_digest(token))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_lists_only_my_notifications_unread_first(city, client):
    Notification.objects.create(
        recipient=city.a_clerk, title="已读", read_at="2026-01-01T00:00:00Z"
    )
    Notification.objects.create(recipient=city.a_clerk, title="未读")
    Notification.objects.create(recipient=city.b_clerk, title="别人的")
    body = client.get(f"{API}/notifications", **bearer(city.a_clerk)).json()
    assert body["count"] == 2 and body["unread"] == 1
    assert [n["title"] for n in body["items"]] == ["未读", "已读"]
    assert body["items"][0]["unread"] is True
    only = client.get(f"{API}/notifications?unread_only=true", **bearer(city.a_clerk)).json()
    assert [n["title"] for n in only["items"]] == ["未读"]


def test_it_marks_my_notification_read(city, client):
    n = Notification.objects.create(recipient=city.a_clerk, title="请签收")
    response = client.post(f"{API}/notifications/{n.pk}/read", **bearer(city.a_clerk))
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"]
    marked = client.post(f"{API}/notifications/read-all", **bearer(city.a_clerk)).json()
    assert marked == {"marked": 0}


def test_another_persons_notification_is_a_json_404(city, client):
    n = Notification.objects.create(recipient=city.a_clerk, title="请签收")
    response = client.post(f"{API}/notifications/{n.pk}/read", **bearer(city.b_clerk))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found" and "找不到该通知" in response.json()["message"]
    n.refresh_from_db()
    assert n.read_at is None


def test_anonymous_calls_are_refused(db, client):
    assert client.get(f"{API}/notifications").status_code == 401
    assert client.get(f"{API}/outbox").status_code == 401


def test_the_outbox_api_serves_its_administrators_with_filters(city, client):
    OutboxMessage.objects.create(
        to_address="13800000001", body="甲", status=S.DEAD, recipient=city.a_clerk
    )
    OutboxMessage.objects.create(to_address="13800000002", body="乙", status=S.SENT)
    body = client.get(f"{API}/outbox?status=dead", **bearer(city.sysadmin)).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["status"] == "dead" and item["status_label"] == "已放弃"
    assert item["recipient_name"] == "艾文书"
    assert client.get(f"{API}/outbox", **bearer(city.shuziban)).json()["count"] == 2


def test_bad_outbox_filters_are_a_4xx_with_a_message(city, client):
    auth = bearer(city.shuziban)
    assert client.get(f"{API}/outbox?status=bogus", **auth).status_code == 422
    response = client.get(f"{API}/outbox?date_from=2026-03-31&date_to=2026-03-01", **auth)
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.json()["message"]
    assert client.get(f"{API}/outbox?limit=1000", **auth).status_code == 422


def test_the_outbox_api_refuses_everyone_else(city, client):
    message = OutboxMessage.objects.create(to_address="13800000001", body="甲", status=S.DEAD)
    for person in (city.a_admin, city.a_clerk, city.secadmin, city.auditor):
        auth = bearer(person)
        response = client.get(f"{API}/outbox", **auth)
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
        assert client.post(f"{API}/outbox/{message.pk}/retry", **auth).status_code == 403
    message.refresh_from_db()
    assert message.status == S.DEAD


def test_the_outbox_api_retries_a_dead_message(
    city, client, use_gateway, django_capture_on_commit_callbacks
):
    message = OutboxMessage.objects.create(
        to_address="13800000001", body="甲", status=S.DEAD, attempts=6
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/outbox/{message.pk}/retry", **bearer(city.shuziban))
    assert response.status_code == 200 and response.json()["status"] == "pending"
    message.refresh_from_db()
    assert message.status == S.SENT
    again = client.post(f"{API}/outbox/{message.pk}/retry", **bearer(city.shuziban))
    assert again.status_code == 409 and again.json()["error"] == "conflict"
