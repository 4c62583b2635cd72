"""Attachments: scanned before anything is written; shared by content; only for the mail's
own readers."""

from __future__ import annotations

import pytest

from wenshu.files.models import StoredFile, Upload
from wenshu.lib.errors import DomainError, NotFound
from wenshu.messaging import selectors
from wenshu.messaging.models import MailAttachment, MailboxEntry, MailRecipient, Message
from wenshu.messaging.services import MailContent, mail_draft_save, mail_forward, mail_send
from wenshu.messaging.tests.helpers import copy_of, eicar, send, to

pytestmark = pytest.mark.usefixtures("clamd_socket")


def stored(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def snapshot(media) -> tuple:
    return (
        Message.objects.count(),
        MailboxEntry.objects.count(),
        MailRecipient.objects.count(),
        MailAttachment.objects.count(),
        Upload.objects.count(),
        StoredFile.objects.count(),
        stored(media),
    )


def test_an_infected_attachment_is_refused_and_nothing_is_stored(city, media):
    before = snapshot(media)
    files = [("说明.txt", "正常的说明文字".encode()), ("报表.txt", eicar())]
    with pytest.raises(DomainError) as refused:
        send(city.a_clerk, to(units=(city.b,)), files=files)
    assert refused.value.code == "virus_found"
    assert "报表.txt" in refused.value.message and "检测到病毒" in refused.value.message
    assert snapshot(media) == before


def test_an_infected_attachment_leaves_the_draft_unchanged(city, media):
    entry = mail_draft_save(actor=city.a_clerk, content=MailContent(subject="初稿", body="旧"))
    before = snapshot(media)
    with pytest.raises(DomainError, match="检测到病毒"):
        mail_draft_save(
            actor=city.a_clerk,
            draft_entry=entry,
            content=MailContent(subject="改过", body="新"),
            files=[("x.txt", eicar())],
        )
    entry.message.refresh_from_db()
    assert (entry.message.subject, entry.message.body) == ("初稿", "旧")
    assert snapshot(media) == before


def test_a_classified_attachment_is_refused(city, media):
    with pytest.raises(DomainError) as refused:
        send(city.a_clerk, to(city.b_staff), files=[("通知.txt", "机密★1年\n内容".encode())])
    assert refused.value.code == "classified_marking"
    assert Message.objects.count() == 0 and stored(media) == []


def test_a_clean_attachment_travels_with_the_mail_and_counts_in_its_size(city):
    data = "附件正文".encode()
    result = send(city.a_clerk, to(city.b_staff), files=[("附件.txt", data)])
    attachment = result.message.attachments.get()
    assert attachment.upload.name == "附件.txt" and attachment.upload.purpose == "messaging.mail"
    assert result.message.attachment_count == 1
    assert result.message.size == (
        len("关于报送材料的通知".encode()) + len("请于周五前报送。".encode()) + len(data)
    )
    mine = copy_of(city.b_staff, result)
    assert selectors.attachments_of(viewer=city.b_staff, entry=mine) == [attachment]


def test_forwarding_keeps_the_attachments_without_uploading_them_again(city, media):
    result = send(city.a_clerk, to(city.b_clerk), files=[("表.txt", "数据".encode())])
    uploads, files_on_disk = Upload.objects.count(), stored(media)
    draft = mail_forward(actor=city.b_clerk, entry=copy_of(city.b_clerk, result))
    assert [a.upload_id for a in draft.message.attachments.all()] == [
        a.upload_id for a in result.message.attachments.all()
    ]
    forwarded = mail_send(
        actor=city.b_clerk,
        draft_entry=draft,
        content=MailContent(
            subject=draft.message.subject, body=draft.message.body, addressing=to(city.b_staff)
        ),
    )
    assert forwarded.message.attachment_count == 1
    assert (Upload.objects.count(), stored(media)) == (uploads, files_on_disk)


def test_a_draft_can_drop_an_attachment_and_add_another(city):
    entry = mail_draft_save(
        actor=city.a_clerk,
        content=MailContent(subject="材料"),
        files=[("一.txt", b"one"), ("two.txt", b"two")],
    )
    first = entry.message.attachments.get(upload__name="一.txt")
    entry = mail_draft_save(
        actor=city.a_clerk,
        draft_entry=entry,
        content=MailContent(subject="材料", keep_attachment_ids=(first.pk,)),
        files=[("三.txt", b"three")],
    )
    names = [a.upload.name for a in entry.message.attachments.all()]
    assert names == ["一.txt", "三.txt"]
    assert entry.message.size == len("材料".encode()) + len(b"one") + len(b"three")


def test_only_the_mails_readers_reach_its_attachment(city):
    result = send(city.a_clerk, to(city.a_staff), files=[("表.txt", "数据".encode())])
    attachment = result.message.attachments.get()
    with pytest.raises(NotFound):
        selectors.attachment_get(
            viewer=city.b_clerk, entry=copy_of(city.a_staff, result), attachment_id=attachment.pk
        )
    other = send(city.b_clerk, to(city.b_staff))
    with pytest.raises(NotFound):  # an attachment of another mail, through one's own copy
        selectors.attachment_get(
            viewer=city.b_staff, entry=copy_of(city.b_staff, other), attachment_id=attachment.pk
        )
