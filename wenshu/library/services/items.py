"""Documents and their versions: create, new version, check-out / check-in, lock break.

A check-out (签出) locks the item: until its check-in (签入) only the holder may upload a new
version, so two people never overwrite each other. The claim is a conditional UPDATE, so two
clicks or two people at once give one holder and one clear refusal. The document
administrator or the unit's system administrator may break a stale lock (audited, the holder
is told).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.files.models import Upload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.library import access
from wenshu.library.models import (
    LOCK_TRANSITIONS,
    Folder,
    FolderKind,
    Item,
    ItemStatus,
    LockState,
    Scope,
    Version,
    check_transition,
)
from wenshu.library.services._common import (
    held_by_other,
    local_text,
    lock_item,
    person_text,
    require_level,
    require_live,
)
from wenshu.notify.services import notify_send

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

NO_WRITE = (
    "您对该文档只有查看权限，不能签出或上传新版本。"
    "如需修改，请联系文档上传人或文档管理员给您“可编辑”共享。"
)
NOT_CHECKED_OUT = "该文档当前未签出。页面可能已过期，请刷新后查看。"


def _clean_title(title: str, upload: Upload | None) -> str:
    title = (title or "").strip() or (upload.name if upload else "")
    if not title:
        raise DomainError("请填写文档标题。")
    if len(title) > 200:
        raise DomainError("文档标题不能超过 200 个字。")
    return title


def _check_upload(actor: User, upload: Upload) -> None:
    # An API client names an upload by id: only the person's own uploads may be filed.
    if upload.uploaded_by_id != actor.pk:
        raise Forbidden("只能使用您本人上传的文件。")


def _move_lock(item: Item, target: str) -> None:
    check_transition(
        LOCK_TRANSITIONS, dict(LockState.choices), item.lock_state, target, "该文档的签出状态"
    )


def library_item_create(
    *,
    actor: User,
    folder: Folder,
    upload: Upload,
    title: str = "",
    description: str = "",
    note: str = "",
) -> Item:
    """File an uploaded document in a folder as version 1. A unit folder's items start with
    the folder's default publishing scope; a personal item is its owner's alone."""
    if not access.folder_visible(actor, folder):
        raise NotFound("找不到该文件夹，或您无权查看。")
    if not access.may_add_items(actor, folder):
        raise Forbidden("您不能在该文件夹中添加文档。")
    _check_upload(actor, upload)
    title = _clean_title(title, upload)
    now = timezone.now()
    personal = folder.kind == FolderKind.PERSONAL
    with transaction.atomic():
        item = Item.objects.create(
            folder=folder,
            kind=folder.kind,
            unit_id=folder.unit_id,
            owner=actor,
            department_id=actor.department_id,
            title=title,
            description=description.strip(),
            scope=Scope.PRIVATE if personal else folder.default_scope,
            created_at=now,
            updated_at=now,
        )
        version = Version.objects.create(
            item=item,
            number=1,
            upload=upload,
            created_by=actor,
            created_at=now,
            note=note.strip()[:300],
        )
        item.current_version = version
        item.save(update_fields=["current_version"])
        audit_record(
            actor=actor,
            action="library.item_created",
            target=item,
            unit=item.unit,
            details={
                "folder": folder.pk,
                "title": title,
                "scope": item.scope,
                "upload": upload.pk,
                "sm3": upload.stored_file.sm3,
            },
        )
    return item


def library_item_update(*, actor: User, item: Item, title: str, description: str) -> Item:
    """Title and description: anyone who may write the document."""
    with transaction.atomic():
        locked = lock_item(item)
        require_level(actor, locked, access.Level.WRITE, NO_WRITE)
        require_live(locked)
        before = {"title": locked.title, "description": locked.description}
        locked.title = _clean_title(title, None)
        locked.description = description.strip()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["title", "description", "updated_at"])
        audit_record(
            actor=actor,
            action="library.item_updated",
            target=locked,
            unit=locked.unit,
            details={"before": before, "title": locked.title},
        )
    return locked


def _add_version(*, actor: User, item: Item, upload: Upload, note: str) -> Version:
    """The next version under the item's row lock (the caller holds it)."""
    number = (item.current_version.number if item.current_version else 0) + 1
    now = timezone.now()
    version = Version.objects.create(
        item=item,
        number=number,
        upload=upload,
        created_by=actor,
        created_at=now,
        note=(note or "").strip()[:300],
    )
    item.current_version = version
    item.updated_at = now
    item.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="library.version_added",
        target=item,
        unit=item.unit,
        details={
            "number": number,
            "upload": upload.pk,
            "name": upload.name,
            "sm3": upload.stored_file.sm3,
            "note": version.note,
        },
    )
    return version


def library_version_precheck(*, actor: User, item: Item) -> None:
    """The refusals of library_version_add that need no file, so a page or API client is
    refused before its upload is scanned and stored (the service checks again)."""
    require_level(actor, item, access.Level.WRITE, NO_WRITE)
    require_live(item)
    if item.checked_out_by_id and item.checked_out_by_id != actor.pk:
        raise Conflict(held_by_other(item))


def library_version_add(
    *, actor: User, item: Item, upload: Upload, note: str = "", base_version: int | None = None
) -> Version:
    """Upload a new version. While the item is checked out only its holder may; when
    ``base_version`` (the version the person's page showed) is no longer current, the upload
    is refused so nobody overwrites a version they have not seen."""
    _check_upload(actor, upload)
    with transaction.atomic():
        locked = lock_item(item)
        require_level(actor, locked, access.Level.WRITE, NO_WRITE)
        require_live(locked)
        if locked.checked_out_by_id and locked.checked_out_by_id != actor.pk:
            raise Conflict(held_by_other(locked))
        current = locked.current_version
        if base_version is not None and current is not None and current.number != base_version:
            raise Conflict(
                f"该文档已有新的第 {current.number} 版（{person_text(current.created_by)}"
                f"于{local_text(current.created_at)}上传），您看到的是第 {base_version} 版。"
                "请刷新页面，下载最新版本核对后再上传。"
            )
        return _add_version(actor=actor, item=locked, upload=upload, note=note)


def library_item_checkout(*, actor: User, item: Item) -> Item:
    """Lock the item for the actor (a conditional UPDATE: exactly one person wins)."""
    require_level(actor, item, access.Level.WRITE, NO_WRITE)
    now = timezone.now()
    with transaction.atomic():
        claimed = Item.objects.filter(
            pk=item.pk, status=ItemStatus.LIVE, checked_out_by__isnull=True
        ).update(checked_out_by=actor, checked_out_at=now)
        locked = lock_item(item)
        if not claimed:
            require_live(locked)
            if locked.checked_out_by_id == actor.pk:
                raise Conflict(
                    f"您已于{local_text(locked.checked_out_at)}签出该文档，无需重复签出。"
                )
            if locked.checked_out_by_id:
                raise Conflict(held_by_other(locked))
            _move_lock(locked, LockState.CHECKED_OUT)  # the table names any other state
        audit_record(
            actor=actor,
            action="library.checked_out",
            target=locked,
            unit=locked.unit,
            details={"at": now.isoformat()},
        )
    return locked


def library_item_checkin(
    *, actor: User, item: Item, upload: Upload | None = None, note: str = ""
) -> Item:
    """Release the actor's lock, optionally with the edited file as a new version."""
    if upload is not None:
        _check_upload(actor, upload)
    with transaction.atomic():
        locked = lock_item(item)
        require_level(actor, locked, access.Level.WRITE, NO_WRITE)
        require_live(locked)
        if not locked.checked_out_by_id:
            raise Conflict(NOT_CHECKED_OUT)
        _move_lock(locked, LockState.AVAILABLE)
        if locked.checked_out_by_id != actor.pk:
            raise Conflict(
                f"该文档由{person_text(locked.checked_out_by)}签出，只有签出人可以签入。"
            )
        if upload is not None:
            _add_version(actor=actor, item=locked, upload=upload, note=note)
        since = locked.checked_out_at
        locked.checked_out_by, locked.checked_out_at = None, None
        locked.save(update_fields=["checked_out_by", "checked_out_at"])
        audit_record(
            actor=actor,
            action="library.checked_in",
            target=locked,
            unit=locked.unit,
            details={
                "since": since.isoformat() if since else "",
                "new_version": upload is not None,
            },
        )
    return locked


def library_lock_break(*, actor: User, item: Item, reason: str) -> Item:
    """End someone's check-out (they left, or forgot it): the unit's document administrator or
    system administrator; for a personal document its owner. The holder is told."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写解除签出的原因（将通知签出人并记入审计日志）。")
    if not access.may_break_lock(actor, item):
        if access.item_level(actor, item) == access.Level.NONE:
            raise NotFound("找不到该文档，或您无权查看。")
        raise Forbidden("只有本单位文档管理员或单位系统管理员可以解除他人的签出。")
    with transaction.atomic():
        locked = lock_item(item)
        if not locked.checked_out_by_id:
            raise Conflict(NOT_CHECKED_OUT)
        _move_lock(locked, LockState.AVAILABLE)
        holder, since = locked.checked_out_by, locked.checked_out_at
        assert holder is not None  # checked out, see above
        locked.checked_out_by, locked.checked_out_at = None, None
        locked.save(update_fields=["checked_out_by", "checked_out_at"])
        audit_record(
            actor=actor,
            action="library.lock_broken",
            target=locked,
            unit=locked.unit,
            details={
                "holder": holder.pk,
                "holder_name": holder.display_name,
                "since": since.isoformat() if since else "",
                "reason": reason,
            },
        )
        if holder.pk != actor.pk:
            notify_send(
                recipients=[holder],
                title="您签出的文档已被解除签出",
                body=f"《{locked.title}》（自{local_text(since)}起由您签出）已被"
                f"{actor.display_name}解除签出，原因：{reason}。"
                "您未上传的修改请重新签出后再上传。",
                link=reverse("library:item", args=[locked.pk]),
                sms=False,
                kind="library.lock",
            )
    return locked


def library_download_record(*, actor: User, item: Item, version: Version) -> None:
    """Note a download in the audit log (called after the content passed its SM3 check)."""
    if access.item_level(actor, item) < access.Level.READ:
        raise NotFound("找不到该文档，或您无权查看。")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="library.downloaded",
            target=item,
            unit=item.unit,
            details={
                "number": version.number,
                "upload": version.upload_id,
                "sm3": version.upload.stored_file.sm3,
            },
        )
