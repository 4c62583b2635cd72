"""Internal mail (站内邮件, S1 art. 4; S5 电子信箱): messages, their frozen recipients, and each
person's copy in their folders.

``Message`` is written once by its sender: a draft until it is sent, then immutable. Sending
resolves the addressing (people, units → their clerks, unit groups → the clerks of each member
unit, departments of one's own unit) into one ``MailRecipient`` per person, frozen at that
moment: it is the read receipt the sender sees, and it stays when the recipient deletes their
copy. ``MailboxEntry`` is one person's copy in one folder; deleting for good removes only that
row (and the message with its last copy). Attachments point at ``files.Upload`` rows: the
bytes are stored once per content (SM3), so forwarding re-uses them without re-uploading.

Mail never leaves the system: there is no SMTP relay, so nobody outside can be reached.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenshu.lib.errors import Conflict

_USER = settings.AUTH_USER_MODEL


class Message(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"  # the sender may still change it; nobody else sees it
        SENT = "sent", "已发送"  # delivered and frozen; final

    class Relation(models.TextChoices):
        NONE = "", "—"
        REPLY = "reply", "回复"
        REPLY_ALL = "reply_all", "回复全部"
        FORWARD = "forward", "转发"

    sender = models.ForeignKey(
        _USER, verbose_name="发件人", on_delete=models.PROTECT, related_name="+"
    )
    sender_unit = models.ForeignKey(
        "org.Unit", verbose_name="发件单位", on_delete=models.PROTECT, related_name="+"
    )
    # Frozen at sending: a unit renamed later still shows the name it had then.
    sender_name = models.CharField("发件人姓名", max_length=60, blank=True)
    sender_unit_name = models.CharField("发件单位名称", max_length=200, blank=True)
    subject = models.CharField("主题", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)
    urgent = models.BooleanField("紧急（同时短信提醒）", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # What the sender chose, by id: {"to": {"people": [..], "units": [..], "groups": [..],
    # "departments": [..]}, "cc": {..}, "bcc": {..}}. Kept for drafts and for the record.
    addressing = models.JSONField(default=dict, blank=True)
    # Frozen at sending, for display: {"to": ["市财政局（文书）", …], "cc": […], "bcc": […]}.
    address_labels = models.JSONField(default=dict, blank=True)
    # Units (addressed directly or through a group) that had no active clerk when it was sent.
    unreached = models.JSONField(default=list, blank=True)
    size = models.BigIntegerField("大小（字节）", default=0)  # subject + body + attachments
    attachment_count = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    relation = models.CharField(max_length=10, choices=Relation.choices, blank=True, default="")
    # Set by the compose page (and optionally API clients): the same submission twice (a double
    # click, a retried request) finds its first result instead of sending a second mail.
    client_token = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内邮件"
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["sender", "client_token"],
                condition=~Q(client_token=""),
                name="messaging_message_token_unique",
            ),
            models.CheckConstraint(condition=Q(size__gte=0), name="messaging_message_size_gte_0"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="messaging_message_sent_has_time",
            ),
        )

    def __str__(self) -> str:
        return f"邮件#{self.pk}《{self.subject or '（无主题）'}》"

    def move_to(self, target: str) -> None:
        check_transition(
            MESSAGE_TRANSITIONS, dict(self.Status.choices), self.status, target, "该邮件"
        )
        self.status = target


# A draft is sent once; a sent mail never changes.
MESSAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Message.Status.DRAFT: frozenset({Message.Status.SENT}),
    Message.Status.SENT: frozenset(),
}


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前为“{labels.get(current, current)}”，"
            f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
        )


class MailAttachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    upload = models.ForeignKey("files.Upload", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "邮件附件"
        ordering = ("message_id", "order", "id")

    def __str__(self) -> str:
        return self.upload.name


class MailRecipient(models.Model):
    """One person a sent mail reached, frozen at sending; the read receipt lives here."""

    class Kind(models.TextChoices):
        TO = "to", "收件"
        CC = "cc", "抄送"
        BCC = "bcc", "密送"  # shown only to the sender and to that person

    class Via(models.TextChoices):
        PERSON = "person", "直接发给本人"
        UNIT = "unit", "发给单位（文书）"
        GROUP = "group", "发给单位分组（各单位文书）"
        DEPARTMENT = "department", "发给本单位部门"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=60)
    unit_name = models.CharField(max_length=60)  # the person's unit (short name) at sending
    kind = models.CharField(max_length=3, choices=Kind.choices)
    via = models.CharField(max_length=12, choices=Via.choices)
    via_label = models.CharField(max_length=200, blank=True)  # "市教育局", "分组：各区县（…）"
    via_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via_group = models.ForeignKey(
        "org.UnitGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via_department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField()
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "邮件收件人"
        ordering = ("message_id", "id")
        constraints = (
            models.UniqueConstraint(fields=["message", "person"], name="messaging_recipient_once"),
        )

    def __str__(self) -> str:
        return f"{self.person_name}（{self.get_kind_display()}）"


class Folder(models.TextChoices):
    INBOX = "inbox", "收件箱"
    SENT = "sent", "已发送"
    DRAFTS = "drafts", "草稿箱"
    ARCHIVE = "archive", "归档"
    TRASH = "trash", "废件箱"


# Archived mail is kept for the record and does not count against the quota (see docs).
QUOTA_FOLDERS = (Folder.INBOX, Folder.SENT, Folder.DRAFTS, Folder.TRASH)


class MailboxEntry(models.Model):
    """One person's copy of a message, in one of their folders."""

    class Role(models.TextChoices):
        SENDER = "sender", "发件人"
        RECIPIENT = "recipient", "收件人"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="entries")
    owner = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    folder = models.CharField(max_length=10, choices=Folder.choices)
    previous_folder = models.CharField(max_length=10, choices=Folder.choices, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)  # the sender's own copy is born read
    size = models.BigIntegerField(default=0)  # the message's size, counted in this person's quota
    created_at = models.DateTimeField(default=timezone.now)  # delivered / last saved as a draft
    moved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "邮箱中的邮件"
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["message", "owner", "role"], name="messaging_entry_once"
            ),
        )
        indexes = (
            models.Index(fields=["owner", "folder", "-created_at"], name="messaging_entry_folder"),
        )

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.folder}:{self.message_id}"

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def home_folder(self) -> str:
        """Where the copy belongs when it is neither archived nor in the trash."""
        if self.role == self.Role.RECIPIENT:
            return Folder.INBOX
        return Folder.SENT if self.message.status == Message.Status.SENT else Folder.DRAFTS


# What each action on a copy does: the folders it may start from, and where it ends up
# ("home" = inbox / sent / drafts, "previous" = the folder it was in before the trash).
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "archive": (frozenset({Folder.INBOX, Folder.SENT}), Folder.ARCHIVE),
    "unarchive": (frozenset({Folder.ARCHIVE}), "home"),
    "trash": (frozenset({Folder.INBOX, Folder.SENT, Folder.DRAFTS, Folder.ARCHIVE}), Folder.TRASH),
    "restore": (frozenset({Folder.TRASH}), "previous"),
    "delete": (frozenset({Folder.TRASH}), ""),  # gone for good (this person's copy only)
}
ACTION_LABELS = {
    "archive": "归档",
    "unarchive": "移回",
    "trash": "删除（移入废件箱）",
    "restore": "恢复",
    "delete": "彻底删除",
}


class Mailbox(models.Model):
    """Per-person row, locked while a change to their folders is checked against the quota,
    so two sends at once cannot both squeeze under it."""

    owner = models.OneToOneField(
        _USER, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        verbose_name = "个人邮箱"

    def __str__(self) -> str:
        return f"mailbox:{self.owner_id}"
