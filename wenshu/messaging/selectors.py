"""Reads of mail, always for a viewer: a copy that is not the viewer's own does not exist for
them (NotFound, the same for every other person, of any unit)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from wenshu.accounts.models import User
from wenshu.lib.errors import DomainError, NotFound
from wenshu.messaging.addressing import addressable_units
from wenshu.messaging.models import (
    QUOTA_FOLDERS,
    Folder,
    MailAttachment,
    MailboxEntry,
    MailRecipient,
    Message,
)
from wenshu.org.models import Department, Unit, UnitGroup

MB = 1024 * 1024
NOT_FOUND = "找不到该邮件，或它不在您的邮箱中。"


def _may_use_mail(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)


def _entries(viewer: Any) -> QuerySet[MailboxEntry]:
    if not _may_use_mail(viewer):
        return MailboxEntry.objects.none()
    return MailboxEntry.objects.filter(owner_id=viewer.pk)


def folder_entries(*, viewer: Any, folder: str) -> QuerySet[MailboxEntry]:
    """One of the viewer's folders, newest first, with what a list row shows."""
    if folder not in Folder.values:
        raise NotFound("没有这个邮件夹。")
    return (
        _entries(viewer)
        .filter(folder=folder)
        .select_related("message", "message__sender")
        .order_by("-created_at", "-id")
    )


def entry_get(*, viewer: Any, entry_id: int) -> MailboxEntry:
    found = (
        _entries(viewer)
        .select_related("message", "message__sender", "message__parent")
        .filter(pk=entry_id)
        .first()
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def entry_for_message(*, viewer: Any, message_id: int) -> MailboxEntry:
    """The viewer's copy of a message (their received copy first): a notification's link."""
    found = (
        _entries(viewer).filter(message_id=message_id).order_by("role", "id").first()
    )  # "recipient" sorts before "sender"
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def unread_count(*, viewer: Any) -> int:
    return _entries(viewer).filter(folder=Folder.INBOX, read_at__isnull=True).count()


def receipts(*, viewer: Any, entry: MailboxEntry) -> list[MailRecipient]:
    """Who the mail reached and when each read it: only for its sender (bcc included)."""
    if entry.owner_id != viewer.pk or entry.role != MailboxEntry.Role.SENDER:
        return []
    return list(entry.message.recipients.order_by("kind", "id"))


def visible_labels(*, viewer: Any, entry: MailboxEntry) -> dict[str, list[str]]:
    """The addressing as shown to this viewer: bcc only to the sender."""
    labels = entry.message.address_labels or {}
    shown = {"to": list(labels.get("to", [])), "cc": list(labels.get("cc", []))}
    if entry.role == MailboxEntry.Role.SENDER and entry.owner_id == viewer.pk:
        shown["bcc"] = list(labels.get("bcc", []))
    return shown


def my_recipient_row(*, viewer: Any, entry: MailboxEntry) -> MailRecipient | None:
    if entry.role != MailboxEntry.Role.RECIPIENT or entry.owner_id != viewer.pk:
        return None
    return entry.message.recipients.filter(person_id=viewer.pk).first()


def attachments_of(*, viewer: Any, entry: MailboxEntry) -> list[MailAttachment]:
    if entry.owner_id != viewer.pk:
        raise NotFound(NOT_FOUND)
    return list(entry.message.attachments.select_related("upload", "upload__stored_file"))


def attachment_get(*, viewer: Any, entry: MailboxEntry, attachment_id: int) -> MailAttachment:
    found = next(
        (a for a in attachments_of(viewer=viewer, entry=entry) if a.pk == attachment_id), None
    )
    if found is None:
        raise NotFound("找不到该附件，或它不属于这封邮件。")
    return found


# --- quota -------------------------------------------------------------------------------


def quota_bytes() -> int:
    return max(int(settings.MAIL_QUOTA_MB), 0) * MB


def usage_bytes(*, owner_id: int, exclude_entry_id: int | None = None) -> int:
    counted = MailboxEntry.objects.filter(owner_id=owner_id, folder__in=QUOTA_FOLDERS)
    if exclude_entry_id is not None:
        counted = counted.exclude(pk=exclude_entry_id)
    return int(counted.aggregate(total=Sum("size"))["total"] or 0)


def over_quota_owners(*, owner_ids: list[int]) -> list[int]:
    """Of these people, those whose mail already exceeds the quota (one query)."""
    totals = (
        MailboxEntry.objects.filter(owner_id__in=owner_ids, folder__in=QUOTA_FOLDERS)
        .values("owner_id")
        .annotate(total=Sum("size"))
        .filter(total__gt=quota_bytes())
    )
    return [row["owner_id"] for row in totals]


def mb_text(size: int) -> str:
    """Megabytes with one decimal, rounded up so a full mailbox never reads as under quota."""
    return f"{math.ceil(size / MB * 10) / 10:g} MB"


@dataclass(frozen=True)
class Usage:
    used: int
    quota: int

    @property
    def percent(self) -> int:
        return 100 if not self.quota else min(100, math.ceil(self.used * 100 / self.quota))

    @property
    def over(self) -> bool:
        return self.used > self.quota

    @property
    def text(self) -> str:
        return f"已用 {mb_text(self.used)} / 配额 {mb_text(self.quota)}"


def quota_usage(*, viewer: Any) -> Usage:
    return Usage(used=usage_bytes(owner_id=viewer.pk), quota=quota_bytes())


# --- search ------------------------------------------------------------------------------


def search(
    *,
    viewer: Any,
    sender: str = "",
    subject: str = "",
    body: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    folder: str = "",
) -> QuerySet[MailboxEntry]:
    """The viewer's own copies matching every given condition; dates are days in the city's
    time zone, by when the copy arrived (or was sent, or last saved as a draft)."""
    if date_from and date_to and date_from > date_to:
        raise DomainError("开始日期不能晚于结束日期。")
    found = _entries(viewer)
    if folder:
        if folder not in Folder.values:
            raise DomainError("没有这个邮件夹。")
        found = found.filter(folder=folder)
    if sender.strip():
        s = sender.strip()
        found = found.filter(
            Q(message__sender_name__icontains=s)
            | Q(message__sender__real_name__icontains=s)
            | Q(message__sender__username__iexact=s)
            | Q(message__sender_unit_name__icontains=s)
        )
    if subject.strip():
        found = found.filter(message__subject__icontains=subject.strip())
    if body.strip():
        found = found.filter(message__body__icontains=body.strip())
    if date_from:
        found = found.filter(created_at__date__gte=date_from)
    if date_to:
        found = found.filter(created_at__date__lte=date_to)
    return found.select_related("message", "message__sender").order_by("-created_at", "-id")


# --- what the compose page offers --------------------------------------------------------


def addressable_people(*, viewer: Any) -> QuerySet[User]:
    """Everyone active in a registered unit, the viewer's own unit first (then by unit)."""
    if not _may_use_mail(viewer):
        return User.objects.none()
    return (
        User.objects.filter(status=User.Status.ACTIVE, unit__status=Unit.Status.REGISTERED)
        .select_related("unit")
        .order_by("unit__full_name", "real_name", "id")
    )


def units_to_address(*, viewer: Any) -> QuerySet[Unit]:
    if not _may_use_mail(viewer):
        return Unit.objects.none()
    return addressable_units().order_by("full_name")


def groups_to_address(*, viewer: Any) -> QuerySet[UnitGroup]:
    if not _may_use_mail(viewer):
        return UnitGroup.objects.none()
    return UnitGroup.objects.order_by("order", "name")


def own_departments(*, viewer: Any) -> QuerySet[Department]:
    if not _may_use_mail(viewer):
        return Department.objects.none()
    return Department.objects.filter(unit_id=viewer.unit_id, is_active=True).order_by("order", "id")


def draft_message(*, viewer: Any, entry: MailboxEntry) -> Message:
    """The draft behind one of the viewer's drafts-folder copies (to edit it)."""
    if (
        entry.owner_id != viewer.pk
        or entry.role != MailboxEntry.Role.SENDER
        or entry.message.status != Message.Status.DRAFT
    ):
        raise NotFound("找不到该草稿，或它已经发出。")
    return entry.message
