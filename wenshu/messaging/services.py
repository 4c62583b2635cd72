"""Writing, sending and filing internal mail.

Sending and saving a draft run in two phases. First every check that needs no write (the
sender may use mail, subject and body carry no 密级标志, the recipients exist and someone is
reached, the quota holds with the declared sizes) and then the attachments go through
``files.services.file_ingest_many`` (virus scan, type, size, 密级标志) — outside our
transaction, as the files app requires, so a refused attachment leaves no mail row, no draft
change and no file. Then one transaction locks the sender's mailbox, checks everything again
against the rows as they are now, writes, notifies and audits.

Mail never leaves Wenshu: there is no SMTP relay, nobody outside can be reached by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.files.models import Upload
from wenshu.files.services import file_ingest_many
from wenshu.lib.classification import find_marking, refusal_message
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.messaging import selectors
from wenshu.messaging.addressing import Addressing, AddressSet, Resolution, check, resolve
from wenshu.messaging.models import (
    ACTION_LABELS,
    ACTIONS,
    Folder,
    MailAttachment,
    Mailbox,
    MailboxEntry,
    MailRecipient,
    Message,
)
from wenshu.notify.services import notify_send

MAX_SUBJECT = 200
MAX_BODY_CHARS = 100_000
MAX_ATTACHMENTS = 20
UPLOAD_PURPOSE = "messaging.mail"
ALREADY_SENT = "这封邮件已经发出，不能再修改或重复发送。请到“已发送”查看。"
DUPLICATE = "这封邮件已经提交过了（可能是重复点击或重复提交），请到“已发送”或“草稿箱”查看。"

Data = bytes | bytearray | memoryview | IO[bytes]
FileItem = tuple[str, Data]
Role = MailboxEntry.Role


@dataclass(frozen=True)
class MailContent:
    """What the sender typed and chose."""

    subject: str = ""
    body: str = ""
    urgent: bool = False  # an urgent mail also goes out as an SMS reminder
    addressing: Addressing = field(default_factory=Addressing)
    # Editing a draft: the ids of its attachments to keep; None keeps them all.
    keep_attachment_ids: tuple[int, ...] | None = None
    client_token: str = ""  # the same token twice is one submission (double click)


@dataclass
class SendResult:
    message: Message
    entry: MailboxEntry  # the sender's copy (in 已发送, or in 草稿箱 for a draft)
    warnings: list[str] = field(default_factory=list)


# --- checks that write nothing -----------------------------------------------------------


def _require_mail_user(actor: Any) -> None:
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not actor.is_active
        or actor.unit_id is None
    ):
        raise Forbidden("您的账号当前不能使用站内邮件。")


def _check_text(content: MailContent, *, sending: bool) -> None:
    subject = content.subject.strip()
    if len(subject) > MAX_SUBJECT:
        raise DomainError(f"邮件主题最多 {MAX_SUBJECT} 个字，现有 {len(subject)} 个字。")
    if len(content.body) > MAX_BODY_CHARS:
        raise DomainError(f"邮件正文最多 {MAX_BODY_CHARS} 个字，较长的内容请作为附件发送。")
    if sending and not subject:
        raise DomainError("请填写邮件主题。")
    for text, where in ((subject, "邮件主题"), (content.body, "邮件正文")):
        marking = find_marking(text)
        if marking is not None:
            raise DomainError(refusal_message(marking, where), code="classified_marking")
    if len(content.client_token) > 64:
        raise DomainError("提交标识过长。")


def _check_token(actor: User, token: str) -> None:
    if token and Message.objects.filter(sender_id=actor.pk, client_token=token).exists():
        raise Conflict(DUPLICATE)


def _check_draft(actor: User, entry: MailboxEntry | None) -> Message | None:
    if entry is None:
        return None
    if entry.owner_id != actor.pk or entry.role != Role.SENDER:
        raise NotFound("找不到该草稿，或它不是您的。")
    if entry.message.status != Message.Status.DRAFT:
        raise Conflict(ALREADY_SENT)
    if entry.folder != Folder.DRAFTS:
        raise Conflict("该草稿在废件箱中，请先恢复到草稿箱再编辑或发送。")
    return entry.message


def _kept(draft: Message | None, keep_ids: tuple[int, ...] | None) -> list[MailAttachment]:
    if draft is None:
        if keep_ids:
            raise DomainError("新邮件没有可保留的附件，请刷新页面后重试。")
        return []
    current = list(draft.attachments.select_related("upload", "upload__stored_file"))
    if keep_ids is None:
        return current
    if set(keep_ids) - {a.pk for a in current}:
        raise DomainError("要保留的附件不属于这封草稿，请刷新页面后重试。")
    return [a for a in current if a.pk in set(keep_ids)]


def _declared_size(data: Data) -> int:
    if isinstance(data, bytes | bytearray | memoryview):
        return len(data)
    return int(getattr(data, "size", 0) or 0)


def _text_size(content: MailContent) -> int:
    return len(content.subject.strip().encode()) + len(content.body.encode())


def _check_count(count: int) -> None:
    if count > MAX_ATTACHMENTS:
        raise DomainError(
            f"一封邮件最多带 {MAX_ATTACHMENTS} 个附件，现有 {count} 个。"
            "请打包成压缩文件或分几封发送。"
        )


def _check_quota(actor: User, size: int, *, exclude_entry_id: int | None, sending: bool) -> None:
    used = selectors.usage_bytes(owner_id=actor.pk, exclude_entry_id=exclude_entry_id)
    quota = selectors.quota_bytes()
    if used + size > quota:
        what = "发送" if sending else "保存草稿"
        raise DomainError(
            f"邮箱空间不足，无法{what}：已用 {selectors.mb_text(used)} / 配额 "
            f"{selectors.mb_text(quota)}，这封邮件约 {selectors.mb_text(size)}。"
            "请清理废件箱或将旧邮件归档后再试（归档的邮件不占用配额）。",
            code="quota_exceeded",
        )


def _require_reached(resolution: Resolution) -> Resolution:
    if resolution.reached:
        return resolution
    if resolution.unreached:
        names = "、".join(resolution.unreached)
        raise DomainError(
            f"所选单位目前都没有在岗的文书，邮件无法送达：{names}。请改为直接发给这些单位的人员。"
        )
    raise DomainError("请至少选择一个收件人（人员、单位、单位分组或本单位部门）。")


def _prepare(
    *,
    actor: User,
    content: MailContent,
    draft_entry: MailboxEntry | None,
    files: Sequence[FileItem],
    sending: bool,
) -> tuple[Message | None, list[Upload]]:
    """Every refusal that needs no write, then the attachments' scan and storage."""
    _require_mail_user(actor)
    _check_text(content, sending=sending)
    draft = _check_draft(actor, draft_entry)
    if draft is None:
        _check_token(actor, content.client_token)
    kept = _kept(draft, content.keep_attachment_ids)
    _check_count(len(kept) + len(files))
    if sending:
        _require_reached(resolve(actor=actor, addressing=content.addressing))
    else:
        check(actor=actor, addressing=content.addressing)
    size = (
        _text_size(content)
        + sum(a.upload.stored_file.size for a in kept)
        + sum(_declared_size(data) for _, data in files)
    )
    _check_quota(
        actor, size, exclude_entry_id=draft_entry.pk if draft_entry else None, sending=sending
    )
    if not files:
        return draft, []
    return draft, file_ingest_many(actor=actor, files=list(files), purpose=UPLOAD_PURPOSE)


# --- writes (inside the transaction) -----------------------------------------------------


def _lock_mailbox(owner_id: int) -> None:
    Mailbox.objects.bulk_create([Mailbox(owner_id=owner_id)], ignore_conflicts=True)
    Mailbox.objects.select_for_update().get(owner_id=owner_id)


def _new_message(actor: User, token: str, now: Any) -> Message:
    try:
        with transaction.atomic():  # a savepoint: a duplicate token must not poison the rest
            return Message.objects.create(
                sender=actor,
                sender_unit_id=actor.unit_id,
                client_token=token,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        raise Conflict(DUPLICATE) from None


def _locked_draft(actor: User, draft: Message) -> tuple[Message, int]:
    message = Message.objects.select_for_update().filter(pk=draft.pk).first()
    if message is None:
        raise NotFound("该草稿已被删除。")
    if message.status != Message.Status.DRAFT:
        raise Conflict(ALREADY_SENT)
    entry = MailboxEntry.objects.filter(message=message, owner=actor, role=Role.SENDER).first()
    if entry is None or entry.folder != Folder.DRAFTS:
        raise Conflict("该草稿已不在草稿箱中（可能已被删除），请刷新后查看。")
    return message, entry.pk


def _set_attachments(message: Message, kept: list[MailAttachment], uploads: list[Upload]) -> int:
    """Keep the chosen attachments, add the new ones; return their total size."""
    message.attachments.exclude(pk__in=[a.pk for a in kept]).delete()
    start = max((a.order for a in kept), default=-1) + 1
    MailAttachment.objects.bulk_create(
        MailAttachment(message=message, upload=upload, order=start + i)
        for i, upload in enumerate(uploads)
    )
    message.attachment_count = len(kept) + len(uploads)
    return sum(a.upload.stored_file.size for a in kept) + sum(u.stored_file.size for u in uploads)


def _fill(message: Message, actor: User, content: MailContent, now: Any) -> None:
    message.subject = content.subject.strip()
    message.body = content.body
    message.urgent = content.urgent
    message.addressing = content.addressing.as_json()
    message.updated_at = now
    message.sender_name = actor.display_name
    message.sender_unit_name = actor.unit.full_name


def _sender_entry(message: Message, actor: User, *, folder: str, now: Any) -> MailboxEntry:
    entry, _ = MailboxEntry.objects.update_or_create(
        message=message,
        owner=actor,
        role=Role.SENDER,
        defaults={
            "folder": folder,
            "previous_folder": "",
            "size": message.size,
            "created_at": now,
            "read_at": now,
            "moved_at": None,
        },
    )
    return entry


def _deliver(message: Message, resolution: Resolution, now: Any) -> list[User]:
    MailRecipient.objects.bulk_create(
        MailRecipient(
            message=message,
            person=r.person,
            person_name=r.person.display_name,
            unit_name=r.person.unit.short_name,
            kind=r.kind,
            via=r.via,
            via_label=r.via_label[:200],
            via_unit=r.via_unit,
            via_group=r.via_group,
            via_department=r.via_department,
            delivered_at=now,
        )
        for r in resolution.reached
    )
    MailboxEntry.objects.bulk_create(
        MailboxEntry(
            message=message,
            owner=r.person,
            role=Role.RECIPIENT,
            folder=Folder.INBOX,
            size=message.size,
            created_at=now,
        )
        for r in resolution.reached
    )
    return [r.person for r in resolution.reached]


def _notify_new_mail(actor: User, message: Message, people: list[User]) -> None:
    others = [p for p in people if p.pk != actor.pk]
    extra = f"，附件 {message.attachment_count} 个" if message.attachment_count else ""
    notify_send(
        recipients=others,
        title=f"{'【紧急】' if message.urgent else ''}新邮件：{message.subject}",
        body=f"{actor.unit.short_name}{actor.display_name}发来站内邮件{extra}。",
        link=reverse("messaging:open", args=[message.pk]),
        sms=message.urgent,  # mail is not an SMS matter unless the sender marked it urgent
        kind="mail",
    )


def _warnings(actor: User, resolution: Resolution, people: list[User], now: Any) -> list[str]:
    warnings = []
    if resolution.unreached:
        warnings.append(
            f"以下单位目前没有在岗的文书，邮件未送达这些单位："
            f"{'、'.join(resolution.unreached)}。请改为直接发给这些单位的人员。"
        )
    # Official mail is still delivered to a full mailbox (it must not bounce); its owner is
    # told, at most once a day, to clean up.
    full = set(selectors.over_quota_owners(owner_ids=[p.pk for p in people if p.pk != actor.pk]))
    if full:
        notify_send(
            recipients=[p for p in people if p.pk in full],
            title="您的邮箱已超过配额",
            body="新邮件仍已送达，但在清理之前您无法发送邮件或保存草稿。"
            "请清理废件箱，或将旧邮件归档（归档的邮件不占用配额）。",
            link=reverse("messaging:folder", args=[Folder.TRASH]),
            sms=False,
            kind="mail_quota",
            dedupe_key=f"mail-quota:{timezone.localdate(now).isoformat()}",
        )
        warnings.append(
            f"邮件已送达；其中 {len(full)} 位收件人的邮箱已超过配额，系统已提醒其清理。"
        )
    return warnings


def _freeze(message: Message, resolution: Resolution, now: Any) -> None:
    message.move_to(Message.Status.SENT)
    message.sent_at = now
    message.address_labels = resolution.labels
    message.unreached = resolution.unreached


def _store(
    *,
    actor: User,
    content: MailContent,
    draft: Message | None,
    uploads: list[Upload],
    sending: bool,
) -> SendResult:
    now = timezone.now()
    _lock_mailbox(actor.pk)
    message, draft_entry_id = (
        _locked_draft(actor, draft)
        if draft
        else (_new_message(actor, content.client_token, now), None)
    )
    kept = _kept(message if draft else None, content.keep_attachment_ids)
    resolution = None
    if sending:  # resolved again now: the clerks are those in post at this moment
        resolution = _require_reached(resolve(actor=actor, addressing=content.addressing))
    else:
        check(actor=actor, addressing=content.addressing)
    _fill(message, actor, content, now)
    _check_count(len(kept) + len(uploads))
    message.size = _text_size(content) + _set_attachments(message, kept, uploads)
    _check_quota(actor, message.size, exclude_entry_id=draft_entry_id, sending=sending)
    if resolution is not None:
        _freeze(message, resolution, now)
    message.save()
    entry = _sender_entry(message, actor, folder=Folder.SENT if sending else Folder.DRAFTS, now=now)
    warnings: list[str] = []
    if resolution is not None:
        people = _deliver(message, resolution, now)
        _notify_new_mail(actor, message, people)
        warnings = _warnings(actor, resolution, people, now)
    _audit_store(actor, message, resolution, draft is not None)
    return SendResult(message=message, entry=entry, warnings=warnings)


def _audit_store(
    actor: User, message: Message, resolution: Resolution | None, from_draft: bool
) -> None:
    details: dict[str, Any] = {
        "size": message.size,
        "attachments": message.attachment_count,
        "urgent": message.urgent,
        "from_draft": from_draft,
    }
    if resolution is None:
        audit_record(actor=actor, action="mail.draft_saved", target=message, details=details)
        return
    kinds = [r.kind for r in resolution.reached]
    details.update(
        recipients=len(kinds),
        to=kinds.count("to"),
        cc=kinds.count("cc"),
        bcc=kinds.count("bcc"),
        unreached=resolution.unreached,
        relation=message.relation,
    )
    audit_record(actor=actor, action="mail.sent", target=message, details=details)


# --- public services ---------------------------------------------------------------------


def mail_send(
    *,
    actor: User,
    content: MailContent,
    draft_entry: MailboxEntry | None = None,
    files: Sequence[FileItem] = (),
) -> SendResult:
    """Send a new mail, or the draft behind ``draft_entry``, with new attachment files.

    Recipients are resolved and frozen now (one MailRecipient per person). Raises
    DomainError with a Chinese message; a refused attachment stores nothing at all."""
    draft, uploads = _prepare(
        actor=actor, content=content, draft_entry=draft_entry, files=files, sending=True
    )
    with transaction.atomic():
        return _store(actor=actor, content=content, draft=draft, uploads=uploads, sending=True)


def mail_draft_save(
    *,
    actor: User,
    content: MailContent,
    draft_entry: MailboxEntry | None = None,
    files: Sequence[FileItem] = (),
) -> MailboxEntry:
    """Save a new draft, or change the one behind ``draft_entry``; returns its entry."""
    draft, uploads = _prepare(
        actor=actor, content=content, draft_entry=draft_entry, files=files, sending=False
    )
    with transaction.atomic():
        return _store(
            actor=actor, content=content, draft=draft, uploads=uploads, sending=False
        ).entry


def _sent_original(actor: User, entry: MailboxEntry) -> Message:
    _require_mail_user(actor)
    if entry.owner_id != actor.pk:
        raise NotFound(selectors.NOT_FOUND)
    if entry.message.status != Message.Status.SENT:
        raise Conflict("草稿不能回复或转发，请直接编辑它。")
    return entry.message


def _prefixed(prefix: str, subject: str) -> str:
    # "回复：回复：回复：…" helps nobody: one prefix of each kind is enough.
    text = subject if subject.startswith(prefix) else prefix + subject
    return text[:MAX_SUBJECT]


def _quote(message: Message, heading: str) -> str:
    labels = message.address_labels or {}
    when = timezone.localtime(message.sent_at).strftime("%Y-%m-%d %H:%M") if message.sent_at else ""
    lines = [
        "",
        "",
        f"—————— {heading} ——————",
        f"发件人：{message.sender_unit_name} {message.sender_name}",
        f"发送时间：{when}",
        f"收件人：{'；'.join(labels.get('to', []))}",
    ]
    if labels.get("cc"):
        lines.append(f"抄送：{'；'.join(labels['cc'])}")
    lines += [f"主题：{message.subject}", "", message.body]
    return "\n".join(lines)[:MAX_BODY_CHARS]


def _reply_people(actor: User, entry: MailboxEntry, reply_all: bool) -> tuple[list[int], list[int]]:
    """Who a reply goes to: the sender (or, replying to one's own mail, its 收件人); with
    reply-all also the other 收件人 and the 抄送. 密送 recipients are never included."""
    rows = list(
        entry.message.recipients.exclude(kind=MailRecipient.Kind.BCC).values_list(
            "person_id", "kind"
        )
    )
    to_people = [p for p, kind in rows if kind == MailRecipient.Kind.TO]
    cc_people = [p for p, kind in rows if kind == MailRecipient.Kind.CC]
    if entry.role == Role.SENDER:
        to, cc = to_people, (cc_people if reply_all else [])
    else:
        to = [entry.message.sender_id] + (to_people if reply_all else [])
        cc = cc_people if reply_all else []
    to = [p for p in dict.fromkeys(to) if p != actor.pk]
    cc = [p for p in dict.fromkeys(cc) if p != actor.pk and p not in to]
    return to, cc


def _draft_from(
    *, actor: User, original: Message, content: MailContent, relation: str, uploads: list[Upload]
) -> MailboxEntry:
    size = _text_size(content) + sum(u.stored_file.size for u in uploads)
    with transaction.atomic():
        _lock_mailbox(actor.pk)
        _check_quota(actor, size, exclude_entry_id=None, sending=False)
        now = timezone.now()
        message = Message(
            sender=actor,
            sender_unit_id=actor.unit_id,
            parent=original,
            relation=relation,
            created_at=now,
            size=size,
            attachment_count=len(uploads),
        )
        _fill(message, actor, content, now)
        message.save()
        MailAttachment.objects.bulk_create(
            MailAttachment(message=message, upload=u, order=i) for i, u in enumerate(uploads)
        )
        entry = _sender_entry(message, actor, folder=Folder.DRAFTS, now=now)
        audit_record(
            actor=actor,
            action=f"mail.{relation}_drafted",
            target=message,
            details={"parent": original.pk, "size": size, "attachments": len(uploads)},
        )
    return entry


def mail_reply(*, actor: User, entry: MailboxEntry, reply_all: bool = False) -> MailboxEntry:
    """A reply (or reply-all) draft to the mail in ``entry``, quoting it; returns the draft's
    entry for the sender to finish and send."""
    original = _sent_original(actor, entry)
    to, cc = _reply_people(actor, entry, reply_all)
    content = MailContent(
        subject=_prefixed("回复：", original.subject),
        body=_quote(original, "原邮件"),
        addressing=Addressing(to=AddressSet(people=tuple(to)), cc=AddressSet(people=tuple(cc))),
    )
    relation = Message.Relation.REPLY_ALL if reply_all else Message.Relation.REPLY
    return _draft_from(
        actor=actor, original=original, content=content, relation=relation, uploads=[]
    )


def mail_forward(*, actor: User, entry: MailboxEntry) -> MailboxEntry:
    """A forward draft of the mail in ``entry``: its attachments come along without being
    uploaded again (the stored content is shared)."""
    original = _sent_original(actor, entry)
    uploads = [a.upload for a in original.attachments.select_related("upload__stored_file")]
    content = MailContent(
        subject=_prefixed("转发：", original.subject), body=_quote(original, "转发的邮件")
    )
    return _draft_from(
        actor=actor,
        original=original,
        content=content,
        relation=Message.Relation.FORWARD,
        uploads=uploads,
    )


def mail_mark_read(*, actor: User, entry: MailboxEntry) -> MailboxEntry:
    """Opening one's copy marks it read and, for a received mail, gives the sender the read
    receipt (the first time only; opening it again changes nothing)."""
    if entry.owner_id != actor.pk:
        raise NotFound(selectors.NOT_FOUND)
    if entry.read_at is not None:
        return entry
    now = timezone.now()
    with transaction.atomic():
        MailboxEntry.objects.filter(pk=entry.pk, read_at__isnull=True).update(read_at=now)
        if entry.role == Role.RECIPIENT:
            MailRecipient.objects.filter(
                message_id=entry.message_id, person_id=actor.pk, read_at__isnull=True
            ).update(read_at=now)
    entry.refresh_from_db(fields=["read_at"])
    return entry


def _locked_entries(actor: User, ids: list[int]) -> list[MailboxEntry]:
    locked = list(
        MailboxEntry.objects.select_for_update(of=("self",))
        .select_related("message")
        .filter(pk__in=ids, owner_id=actor.pk)
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise NotFound("所选邮件中有的已不在您的邮箱中（可能已被删除），请刷新后重试。")
    return locked


def _target_folder(entry: MailboxEntry, target: str) -> str:
    if target == "home":
        return entry.home_folder
    if target == "previous":
        previous = entry.previous_folder
        return previous if previous and previous != Folder.TRASH else entry.home_folder
    return target


def _delete_for_good(entries: list[MailboxEntry]) -> None:
    """Remove these copies; a message whose last copy goes is removed with its receipts. The
    attachments' stored content stays (it is shared by content hash with other mail)."""
    message_ids = sorted({e.message_id for e in entries})
    list(
        Message.objects.select_for_update()
        .filter(pk__in=message_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )  # others deleting their copies queue behind us
    MailboxEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
    Message.objects.filter(pk__in=message_ids).exclude(
        pk__in=MailboxEntry.objects.filter(message_id__in=message_ids).values("message_id")
    ).delete()


def mail_act(*, actor: User, entries: Sequence[MailboxEntry], action: str) -> int:
    """Archive, unarchive, trash, restore or delete for good some of the actor's copies, all
    or none: one copy in a folder the action does not start from refuses the lot."""
    _require_mail_user(actor)
    if action not in ACTIONS:
        raise DomainError("不支持的邮件操作。")
    ids = sorted({e.pk for e in entries})
    if not ids:
        raise DomainError("请先勾选要操作的邮件。")
    sources, target = ACTIONS[action]
    with transaction.atomic():
        locked = _locked_entries(actor, ids)
        for entry in locked:
            if entry.folder not in sources:
                subject = entry.message.subject or "（无主题）"
                raise Conflict(
                    f"邮件“{subject}”在“{entry.get_folder_display()}”中，"
                    f"不能{ACTION_LABELS[action]}。页面可能已过期，请刷新后查看。"
                )
        if action == "delete":
            _delete_for_good(locked)
        else:
            now = timezone.now()
            for entry in locked:
                destination = _target_folder(entry, target)
                entry.previous_folder = entry.folder if action == "trash" else ""
                entry.folder, entry.moved_at = destination, now
            MailboxEntry.objects.bulk_update(locked, ["folder", "previous_folder", "moved_at"])
        audit_record(
            actor=actor,
            action=f"mail.{action}",
            details={
                "count": len(locked),
                "entries": ids[:200],
                "messages": sorted({e.message_id for e in locked})[:200],
            },
        )
    return len(locked)


def mail_empty_trash(*, actor: User) -> int:
    """Delete for good everything in the actor's trash."""
    _require_mail_user(actor)
    entries = list(MailboxEntry.objects.filter(owner_id=actor.pk, folder=Folder.TRASH))
    return mail_act(actor=actor, entries=entries, action="delete") if entries else 0
