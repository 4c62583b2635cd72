"""Sending and drafts: frozen recipients, refusals, quota, notifications, double submits."""

from __future__ import annotations

import re

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.messaging.addressing import Addressing
from wenshu.messaging.models import Folder, MailboxEntry, MailRecipient, Message
from wenshu.messaging.services import MailContent, mail_draft_save, mail_send
from wenshu.messaging.tests.helpers import copy_of, send, to
from wenshu.notify.models import Notification, OutboxMessage


def counts() -> tuple[int, int, int]:
    return Message.objects.count(), MailboxEntry.objects.count(), MailRecipient.objects.count()


def test_it_delivers_a_copy_to_each_recipient_and_files_the_senders_copy(city):
    result = send(city.a_clerk, to(city.b_staff, cc=(city.a_leader,)))
    message = result.message
    assert message.status == Message.Status.SENT and message.sent_at is not None
    assert (message.sender_name, message.sender_unit_name) == ("艾文书", "白银市财政局")
    assert result.entry.folder == Folder.SENT and result.entry.owner == city.a_clerk
    assert copy_of(city.b_staff, result).folder == Folder.INBOX
    assert copy_of(city.a_leader, result).unread
    assert message.size == len("关于报送材料的通知".encode()) + len("请于周五前报送。".encode())
    event = AuditEvent.objects.get(action="mail.sent")
    assert event.details["recipients"] == 2 and event.details["cc"] == 1
    assert "请于周五前报送" not in str(event.details)  # the body stays out of the audit log


def test_new_mail_is_notified_in_app_without_sms_unless_urgent(city):
    city.b_staff.mobile = "13800000009"
    city.b_staff.save(update_fields=["mobile"])
    result = send(city.a_clerk, to(city.b_staff))
    note = Notification.objects.get(recipient=city.b_staff)
    assert note.title == "新邮件：关于报送材料的通知" and note.kind == "mail"
    assert note.link == f"/mail/open/{result.message.pk}/"
    assert not OutboxMessage.objects.exists()
    send(city.a_clerk, to(city.b_staff), subject="紧急会议", urgent=True)
    sms = OutboxMessage.objects.get(recipient=city.b_staff)
    assert "紧急会议" in sms.body
    assert not Notification.objects.filter(recipient=city.a_clerk).exists()  # not the sender


@pytest.mark.parametrize(
    ("subject", "body", "where"),
    [
        ("秘密★1年 工作安排", "正文", "邮件主题"),
        ("工作安排", "密级：机密\n请阅", "邮件正文"),
    ],
)
def test_classification_markings_are_refused_and_nothing_is_stored(city, subject, body, where):
    with pytest.raises(DomainError) as refused:
        send(city.a_clerk, to(city.b_staff), subject=subject, body=body)
    assert refused.value.code == "classified_marking"
    assert f"位于{where}" in refused.value.message
    assert "涉密文件不得进入本系统" in refused.value.message
    assert counts() == (0, 0, 0)


def test_a_subject_is_required_to_send_but_not_for_a_draft(city):
    with pytest.raises(DomainError, match="请填写邮件主题"):
        send(city.a_clerk, to(city.b_staff), subject="  ")
    entry = mail_draft_save(actor=city.a_clerk, content=MailContent(body="先写一点"))
    assert entry.folder == Folder.DRAFTS and entry.message.status == Message.Status.DRAFT


def test_a_disabled_account_cannot_send(city):
    city.a_clerk.status = "disabled"
    with pytest.raises(Forbidden):
        send(city.a_clerk, to(city.b_staff))


BIG = "甲" * 90_000  # 270,000 bytes; four of them exceed a 1 MB quota (1,048,576 bytes)


def fill_with_drafts(person, n: int) -> None:
    for _ in range(n):
        mail_draft_save(actor=person, content=MailContent(body=BIG))


def test_sending_over_the_quota_gives_a_clear_message(city, settings):
    settings.MAIL_QUOTA_MB = 1
    fill_with_drafts(city.a_clerk, 3)  # 810,000 bytes
    before = counts()
    with pytest.raises(DomainError) as refused:
        send(city.a_clerk, to(city.b_staff), body=BIG)
    assert refused.value.code == "quota_exceeded"
    assert refused.value.message.startswith("邮箱空间不足，无法发送：已用 0.8 MB / 配额 1 MB")
    assert "请清理废件箱或将旧邮件归档后再试" in refused.value.message
    assert counts() == before


def test_saving_a_draft_over_the_quota_is_refused_and_the_draft_is_unchanged(city, settings):
    settings.MAIL_QUOTA_MB = 1
    entry = mail_draft_save(actor=city.a_clerk, content=MailContent(subject="草稿", body="短"))
    fill_with_drafts(city.a_clerk, 3)
    with pytest.raises(DomainError, match=re.escape("无法保存草稿：已用 0.8 MB / 配额 1 MB")):
        mail_draft_save(
            actor=city.a_clerk, draft_entry=entry, content=MailContent(subject="草稿", body=BIG)
        )
    entry.message.refresh_from_db()
    assert entry.message.body == "短"


def test_a_draft_is_not_counted_twice_when_it_is_saved_again(city, settings):
    settings.MAIL_QUOTA_MB = 1
    entry = mail_draft_save(actor=city.a_clerk, content=MailContent(body=BIG))
    fill_with_drafts(city.a_clerk, 2)
    mail_draft_save(actor=city.a_clerk, draft_entry=entry, content=MailContent(body=BIG + "改"))
    mail_send(
        actor=city.a_clerk,
        draft_entry=entry,
        content=MailContent(subject="发出", body=BIG, addressing=to(city.b_staff)),
    )


def test_archived_mail_does_not_count_against_the_quota(city, settings):
    from wenshu.messaging.services import mail_act

    settings.MAIL_QUOTA_MB = 1
    sent = [send(city.a_clerk, to(city.b_staff), body=BIG) for _ in range(3)]
    with pytest.raises(DomainError, match="邮箱空间不足"):
        send(city.a_clerk, to(city.b_staff), body=BIG)
    mail_act(actor=city.a_clerk, entries=[sent[0].entry], action="archive")
    send(city.a_clerk, to(city.b_staff), body=BIG)


def test_mail_to_a_full_mailbox_is_delivered_and_its_owner_is_warned_once_a_day(city, settings):
    settings.MAIL_QUOTA_MB = 1
    results = [
        send(sender, to(city.b_staff), body=BIG)
        for sender in (city.a_clerk, city.a_staff, city.a_leader, city.a_admin)
    ]
    last = send(city.a_custodian, to(city.b_staff, city.b_clerk))
    assert all(copy_of(city.b_staff, r).folder == Folder.INBOX for r in [*results, last])
    warned = Notification.objects.filter(recipient=city.b_staff, kind="mail_quota")
    assert warned.count() == 1 and "仍已送达" in warned.get().body
    assert results[2].warnings == []
    assert last.warnings == ["邮件已送达；其中 1 位收件人的邮箱已超过配额，系统已提醒其清理。"]
    with pytest.raises(DomainError, match="邮箱空间不足"):
        send(city.b_staff, to(city.a_staff))


def test_a_draft_keeps_its_addressing_and_is_sent_once(city):
    content = MailContent(subject="材料", body="见附件", addressing=to(city.b_staff))
    entry = mail_draft_save(actor=city.a_clerk, content=content)
    assert Addressing.from_json(entry.message.addressing) == to(city.b_staff)
    assert not MailRecipient.objects.exists()  # a draft reaches nobody
    result = mail_send(actor=city.a_clerk, content=content, draft_entry=entry)
    assert result.message.pk == entry.message.pk and result.entry.pk == entry.pk
    assert result.entry.folder == Folder.SENT
    entry.refresh_from_db()
    with pytest.raises(Conflict, match="已经发出"):
        mail_send(actor=city.a_clerk, content=content, draft_entry=entry)
    assert MailRecipient.objects.count() == 1


def test_the_same_submission_twice_sends_one_mail(city):
    content = MailContent(subject="通知", addressing=to(city.b_staff), client_token="t-1")
    mail_send(actor=city.a_clerk, content=content)
    with pytest.raises(Conflict, match="已经提交过"):
        mail_send(actor=city.a_clerk, content=content)
    assert Message.objects.count() == 1


def test_someone_elses_draft_cannot_be_sent(city):
    entry = mail_draft_save(actor=city.a_clerk, content=MailContent(subject="草稿"))
    from wenshu.lib.errors import NotFound

    with pytest.raises(NotFound):
        mail_send(
            actor=city.a_staff,
            draft_entry=entry,
            content=MailContent(subject="冒用", addressing=to(city.b_staff)),
        )
