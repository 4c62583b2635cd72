"""notify_send / notify_role: which rows are created, and that delivery waits for commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.notify.models import Notification, OutboxMessage
from wenshu.notify.services import notify_role, notify_send, role_holders, sms_text
from wenshu.notify.tests import gateways

S = OutboxMessage.Status


def test_it_creates_a_notification_for_everyone_and_sms_only_for_those_with_a_mobile(
    with_mobiles, use_gateway
):
    city = with_mobiles
    notify_send(
        recipients=[city.a_clerk, city.a_leader, city.a_staff],
        title="新公文待签收",
        body="市财政局发来一份公文",
        link="/documents/1/",
        kind="documents.delivered",
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "a_clerk",
        "a_leader",
        "a_staff",
    }
    sms = OutboxMessage.objects.order_by("to_address")
    assert [(m.recipient.username, m.to_address, m.status) for m in sms] == [
        ("a_clerk", "13800000001", S.PENDING),
        ("a_leader", "13800000002", S.PENDING),
    ]
    assert sms[0].body == "【文枢】新公文待签收：市财政局发来一份公文"
    assert sms[0].kind == "documents.delivered"
    assert Notification.objects.get(recipient=city.a_clerk).link == "/documents/1/"


def test_it_respects_each_persons_sms_and_inapp_settings(with_mobiles, use_gateway):
    city = with_mobiles
    User.objects.filter(pk=city.a_clerk.pk).update(notify_sms=False)
    User.objects.filter(pk=city.a_leader.pk).update(notify_inapp=False)
    notify_send(
        recipients=User.objects.filter(pk__in=[city.a_clerk.pk, city.a_leader.pk]),
        title="提醒",
        body="",
    )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["a_clerk"]
    assert list(OutboxMessage.objects.values_list("recipient__username", flat=True)) == ["a_leader"]


def test_it_sends_no_sms_when_the_caller_says_so(with_mobiles, use_gateway):
    notify_send(recipients=[with_mobiles.a_clerk], title="站内提醒", body="", sms=False)
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.count() == 0


def test_it_skips_people_who_are_not_active_and_repeated_recipients(with_mobiles, use_gateway):
    city = with_mobiles
    User.objects.filter(pk=city.a_leader.pk).update(status=User.Status.DISABLED)
    city.a_leader.refresh_from_db()
    notify_send(recipients=[city.a_clerk, city.a_clerk, city.a_leader], title="提醒", body="")
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_the_same_dedupe_key_never_queues_a_message_twice(with_mobiles, use_gateway):
    city = with_mobiles
    for _ in range(2):  # e.g. the calling task was retried
        notify_send(
            recipients=[city.a_clerk, city.a_leader],
            title="密钥已制作",
            body="",
            dedupe_key="keys.produced:7",
        )
    notify_send(
        recipients=[city.a_clerk], title="密钥已制作", body="", dedupe_key="keys.produced:8"
    )
    assert Notification.objects.count() == 3
    assert OutboxMessage.objects.count() == 3
    assert OutboxMessage.objects.filter(dedupe_key=f"keys.produced:7:{city.a_clerk.pk}").exists()


def test_nothing_is_sent_before_commit_and_everything_after(
    with_mobiles, use_gateway, django_capture_on_commit_callbacks
):
    city = with_mobiles
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_send(recipients=[city.a_clerk, city.a_leader], title="请签收", body="")
    assert gateways.sent == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.PENDING}
    assert len(callbacks) == 1
    callbacks[0]()  # the commit happens: the task (immediate in tests) delivers
    assert sorted(to for to, _ in gateways.sent) == ["13800000001", "13800000002"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}


def test_a_rolled_back_caller_leaves_no_notification_and_sends_nothing(
    with_mobiles, use_gateway, django_capture_on_commit_callbacks
):
    city = with_mobiles
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_send(recipients=[city.a_clerk], title="请签收", body="")
        raise RuntimeError("the caller's own rule failed")
    assert callbacks == []
    assert Notification.objects.count() == 0 and OutboxMessage.objects.count() == 0
    assert gateways.sent == []


def test_a_failing_gateway_does_not_break_the_caller(
    with_mobiles, use_gateway, django_capture_on_commit_callbacks
):
    city = with_mobiles
    use_gateway("FailingGateway")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_send(recipients=[city.a_clerk], title="请签收", body="")
        city.a_clerk.post = "科员"
        city.a_clerk.save(update_fields=["post"])
    city.a_clerk.refresh_from_db()
    assert city.a_clerk.post == "科员"  # the caller's change stands
    message = OutboxMessage.objects.get()
    assert message.status == S.FAILED and message.attempts == 1
    assert "无响应" in message.last_error
    assert Notification.objects.count() == 1


def test_an_unreachable_queue_does_not_break_the_caller(
    with_mobiles, use_gateway, monkeypatch, django_capture_on_commit_callbacks
):
    from wenshu.notify import tasks

    def queue_down(ids):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks, "deliver_outbox", queue_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify_send(recipients=[with_mobiles.a_clerk], title="请签收", body="")
    assert OutboxMessage.objects.get().status == S.PENDING  # the sweep will send it


def test_notify_role_reaches_the_holders_in_one_unit(with_mobiles, use_gateway):
    city = with_mobiles
    notify_role(role=Role.CLERK, unit=city.a, title="待签收公文", body="")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["a_clerk"]


def test_notify_role_without_a_unit_reaches_holders_city_wide_and_only_active_ones(
    city, use_gateway
):
    User.objects.filter(pk=city.b_clerk.pk).update(status=User.Status.DISABLED)
    assert [u.username for u in role_holders(role=Role.CLERK)] == ["a_clerk"]
    notify_role(role=Role.GOV_APPROVER, title="有印章申请待审批", body="", link="/seals/")
    notified = Notification.objects.values_list("recipient__username", flat=True)
    assert list(notified) == ["zhengfuban"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"title": " "},
        {"link": "https://evil.example/"},
        {"link": "//evil.example/"},
        {"kind": "x" * 41},
        {"dedupe_key": ""},
    ],
)
def test_it_refuses_malformed_calls_from_other_apps(city, kwargs):
    args = {"recipients": [city.a_clerk], "title": "标题", "body": "", **kwargs}
    with pytest.raises(ValueError):
        notify_send(**args)
    assert Notification.objects.count() == 0


def test_a_long_sms_is_shortened_but_the_notification_keeps_the_whole_text(
    with_mobiles, use_gateway
):
    body = "很长的正文" * 100
    notify_send(recipients=[with_mobiles.a_clerk], title="长通知", body=body)
    assert Notification.objects.get().body == body
    text = OutboxMessage.objects.get().body
    assert len(text) == 300 and text.endswith("…")
    assert sms_text("标题", "") == "【文枢】标题"
