"""Folders, read receipts, replies, bcc: each person's copy is theirs alone."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, NotFound
from wenshu.messaging import selectors
from wenshu.messaging.addressing import Addressing
from wenshu.messaging.models import Folder, MailboxEntry, MailRecipient, Message
from wenshu.messaging.services import (
    MailContent,
    mail_act,
    mail_draft_save,
    mail_empty_trash,
    mail_forward,
    mail_mark_read,
    mail_reply,
)
from wenshu.messaging.tests.helpers import copy_of, send, to


def test_the_sender_sees_who_read_and_when(city):
    result = send(city.a_clerk, to(city.b_staff, units=(city.b,)))
    entry = copy_of(city.b_clerk, result)
    mail_mark_read(actor=city.b_clerk, entry=entry)
    first_read = MailRecipient.objects.get(person=city.b_clerk).read_at
    mail_mark_read(actor=city.b_clerk, entry=copy_of(city.b_clerk, result))  # again: unchanged
    receipts = {
        r.person_name: r.read_at
        for r in selectors.receipts(viewer=city.a_clerk, entry=result.entry)
    }
    assert receipts == {"贝科员": None, "贝文书": first_read}
    assert first_read is not None
    assert selectors.receipts(viewer=city.b_clerk, entry=entry) == []  # not for recipients


def test_reading_is_counted_as_unread_until_opened(city):
    result = send(city.a_clerk, to(city.b_staff))
    assert selectors.unread_count(viewer=city.b_staff) == 1
    assert selectors.unread_count(viewer=city.a_clerk) == 0  # one's own sent copy is read
    mail_mark_read(actor=city.b_staff, entry=copy_of(city.b_staff, result))
    assert selectors.unread_count(viewer=city.b_staff) == 0


def test_bcc_recipients_are_hidden_from_the_others(city):
    result = send(city.a_clerk, to(city.b_clerk, cc=(city.a_leader,), bcc=(city.b_leader,)))
    for person in (city.b_clerk, city.a_leader, city.b_leader):
        labels = selectors.visible_labels(viewer=person, entry=copy_of(person, result))
        assert "bcc" not in labels and "贝局长" not in str(labels)
    assert selectors.visible_labels(viewer=city.a_clerk, entry=result.entry)["bcc"] == [
        "贝局长（市教育局）"
    ]
    mine = selectors.my_recipient_row(viewer=city.b_leader, entry=copy_of(city.b_leader, result))
    assert mine.kind == "bcc"


def test_reply_goes_to_the_sender_and_reply_all_to_the_others_but_not_bcc(city):
    result = send(
        city.a_clerk, to(city.b_clerk, city.b_staff, cc=(city.a_leader,), bcc=(city.b_leader,))
    )
    reply = mail_reply(actor=city.b_clerk, entry=copy_of(city.b_clerk, result))
    assert reply.folder == Folder.DRAFTS and reply.message.relation == "reply"
    assert reply.message.subject == "回复：关于报送材料的通知"
    assert "请于周五前报送。" in reply.message.body and "—— 原邮件 ——" in reply.message.body
    assert Addressing.from_json(reply.message.addressing) == to(city.a_clerk)
    everyone = mail_reply(actor=city.b_clerk, entry=copy_of(city.b_clerk, result), reply_all=True)
    assert Addressing.from_json(everyone.message.addressing) == to(
        city.a_clerk, city.b_staff, cc=(city.a_leader,)
    )
    again = mail_reply(actor=city.a_clerk, entry=copy_of(city.a_clerk, _sent_back(city, reply)))
    assert again.message.subject == "回复：关于报送材料的通知"  # no "回复：回复："


def _sent_back(city, reply):
    from wenshu.messaging.services import mail_send

    message = reply.message
    return mail_send(
        actor=city.b_clerk,
        draft_entry=reply,
        content=MailContent(
            subject=message.subject,
            body=message.body,
            addressing=Addressing.from_json(message.addressing),
        ),
    )


def test_forward_is_a_draft_with_the_original_quoted(city):
    result = send(city.a_clerk, to(city.b_clerk))
    draft = mail_forward(actor=city.b_clerk, entry=copy_of(city.b_clerk, result))
    assert draft.message.subject == "转发：关于报送材料的通知"
    assert draft.message.addressing["to"]["people"] == []
    assert "发件人：白银市财政局 艾文书" in draft.message.body
    assert AuditEvent.objects.filter(action="mail.forward_drafted").exists()


def test_a_draft_cannot_be_replied_to(city):
    entry = mail_draft_save(actor=city.a_clerk, content=MailContent(subject="草稿"))
    with pytest.raises(Conflict, match="草稿不能回复或转发"):
        mail_reply(actor=city.a_clerk, entry=entry)


def test_trash_restore_and_delete_for_good_touch_only_ones_own_copy(city):
    result = send(city.a_clerk, to(city.b_staff, city.b_clerk))
    mine = copy_of(city.b_staff, result)
    mail_act(actor=city.b_staff, entries=[mine], action="trash")
    mine.refresh_from_db()
    assert (mine.folder, mine.previous_folder) == (Folder.TRASH, Folder.INBOX)
    mail_act(actor=city.b_staff, entries=[mine], action="restore")
    mine.refresh_from_db()
    assert mine.folder == Folder.INBOX
    mail_act(actor=city.b_staff, entries=[mine], action="trash")
    mail_act(actor=city.b_staff, entries=[mine], action="delete")
    assert not MailboxEntry.objects.filter(pk=mine.pk).exists()
    assert copy_of(city.b_clerk, result).folder == Folder.INBOX  # the others keep theirs
    assert MailRecipient.objects.filter(message=result.message).count() == 2  # receipts stay
    assert AuditEvent.objects.filter(action="mail.delete").exists()


def test_an_archived_copy_goes_back_to_the_archive_when_restored_from_trash(city):
    result = send(city.a_clerk, to(city.b_staff))
    mine = copy_of(city.b_staff, result)
    for action in ("archive", "trash", "restore"):
        mail_act(actor=city.b_staff, entries=[mine], action=action)
    mine.refresh_from_db()
    assert mine.folder == Folder.ARCHIVE
    mail_act(actor=city.b_staff, entries=[mine], action="unarchive")
    mine.refresh_from_db()
    assert mine.folder == Folder.INBOX


def test_deleting_the_last_copy_removes_the_message(city):
    result = send(city.a_clerk, to(city.b_staff))
    mail_act(actor=city.a_clerk, entries=[result.entry], action="trash")
    mail_act(actor=city.b_staff, entries=[copy_of(city.b_staff, result)], action="trash")
    mail_empty_trash(actor=city.b_staff)
    assert Message.objects.filter(pk=result.message.pk).exists()
    assert mail_empty_trash(actor=city.a_clerk) == 1
    assert not Message.objects.filter(pk=result.message.pk).exists()


def test_delete_for_good_needs_the_trash_first(city):
    result = send(city.a_clerk, to(city.b_staff))
    with pytest.raises(Conflict, match="在“收件箱”中，不能彻底删除"):
        mail_act(actor=city.b_staff, entries=[copy_of(city.b_staff, result)], action="delete")


def test_a_batch_is_all_or_nothing(city):
    first = copy_of(city.b_staff, send(city.a_clerk, to(city.b_staff)))
    second = copy_of(city.b_staff, send(city.a_clerk, to(city.b_staff)))
    mail_act(actor=city.b_staff, entries=[second], action="archive")
    with pytest.raises(Conflict):
        mail_act(actor=city.b_staff, entries=[first, second], action="archive")
    first.refresh_from_db()
    assert first.folder == Folder.INBOX


def test_another_persons_copy_cannot_be_moved_or_read(city):
    result = send(city.a_clerk, to(city.a_staff))
    theirs = copy_of(city.a_staff, result)
    with pytest.raises(NotFound):
        mail_act(actor=city.b_clerk, entries=[theirs], action="trash")
    with pytest.raises(NotFound):
        mail_mark_read(actor=city.b_clerk, entry=theirs)
    with pytest.raises(NotFound):
        selectors.entry_get(viewer=city.b_clerk, entry_id=theirs.pk)
    with pytest.raises(NotFound):
        selectors.entry_for_message(viewer=city.b_clerk, message_id=result.message.pk)
    with pytest.raises(NotFound):
        mail_reply(actor=city.b_clerk, entry=theirs)
    with pytest.raises(DomainError, match="不支持"):
        mail_act(actor=city.a_staff, entries=[theirs], action="explode")
