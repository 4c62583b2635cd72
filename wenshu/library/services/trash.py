"""The trash (回收站): a deleted document is kept, restorable, for
settings.LIBRARY_TRASH_DAYS days; then it is purged. Its owner or the unit's document
administrator may restore it, or purge it at once.

Purging deletes the library's rows (item, versions, shares). The uploads and their content
stay with the files app, which keeps content addressed by SM3 and shared between uploads;
the audit log keeps what was purged, by whom and when.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, NotFound
from wenshu.library import access
from wenshu.library.models import Item, ItemStatus
from wenshu.library.services._common import (
    local_text,
    lock_item,
    move_item,
    person_text,
    require_level,
)

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

NO_MANAGE = "只有文档上传人和本单位文档管理员可以删除、恢复或彻底删除该文档。"


def trash_days() -> int:
    return max(1, int(getattr(settings, "LIBRARY_TRASH_DAYS", 30)))


def library_item_trash(*, actor: User, item: Item) -> Item:
    require_level(actor, item, access.Level.MANAGE, NO_MANAGE)
    with transaction.atomic():
        locked = lock_item(item)
        if locked.checked_out_by_id:
            raise Conflict(
                f"该文档正由{person_text(locked.checked_out_by)}签出"
                f"（自{local_text(locked.checked_out_at)}起），"
                "请先签入或由文档管理员解除签出，再删除。"
            )
        move_item(locked, ItemStatus.TRASHED)
        locked.trashed_by, locked.trashed_at = actor, timezone.now()
        locked.updated_at = locked.trashed_at
        locked.save(update_fields=["status", "trashed_by", "trashed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="library.trashed",
            target=locked,
            unit=locked.unit,
            details={"title": locked.title, "folder": locked.folder_id},
        )
    return locked


def library_item_restore(*, actor: User, item: Item) -> Item:
    require_level(actor, item, access.Level.MANAGE, NO_MANAGE)
    with transaction.atomic():
        locked = lock_item(item)
        move_item(locked, ItemStatus.LIVE)
        locked.trashed_by, locked.trashed_at = None, None
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "trashed_by", "trashed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="library.restored",
            target=locked,
            unit=locked.unit,
            details={"title": locked.title, "folder": locked.folder_id},
        )
    return locked


def _purge(*, actor: User | None, item: Item, reason: str) -> None:
    """Caller holds the item's row lock and has checked who may purge."""
    move_item(item, ItemStatus.PURGED)
    versions = list(item.versions.values("number", "upload_id", "upload__stored_file__sm3"))
    # Deleted before the audit event (the chain head is locked last, see audit_record); a
    # queryset delete keeps `item.pk` for the event's target.
    Item.objects.filter(pk=item.pk).update(current_version=None)
    Item.objects.filter(pk=item.pk).delete()
    audit_record(
        actor=actor,
        action="library.purged",
        target=item,
        unit=item.unit,
        details={
            "title": item.title,
            "owner": item.owner_id,
            "reason": reason,
            "trashed_at": item.trashed_at.isoformat() if item.trashed_at else "",
            "versions": versions,
        },
    )


def library_item_purge(*, actor: User, item: Item) -> None:
    """Delete a trashed document for good (its owner or the document administrator)."""
    require_level(actor, item, access.Level.MANAGE, NO_MANAGE)
    with transaction.atomic():
        locked = lock_item(item)
        if locked.status != ItemStatus.TRASHED:
            raise Conflict("只能彻底删除回收站中的文档，请先放入回收站。")
        _purge(actor=actor, item=locked, reason="manual")


def library_trash_purge_expired(*, now: datetime | None = None) -> int:
    """Purge documents trashed more than LIBRARY_TRASH_DAYS ago (the periodic task calls
    this); each in its own transaction so one failure does not keep the others."""
    cutoff = (now or timezone.now()) - timedelta(days=trash_days())
    ids = list(
        Item.objects.filter(status=ItemStatus.TRASHED, trashed_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    purged = 0
    for pk in ids:
        with transaction.atomic():
            try:
                locked = lock_item(Item(pk=pk))
            except NotFound:
                continue  # purged by a person meanwhile
            if (
                locked.status == ItemStatus.TRASHED
                and locked.trashed_at
                and locked.trashed_at < cutoff
            ):
                _purge(actor=None, item=locked, reason=f"expired:{trash_days()}d")
                purged += 1
    return purged
