"""Schemas of /api/v1/library/ and the small functions that fill them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from wenshu.library.access import Level
from wenshu.library.models import Folder, Item, LibraryAdmin, Share, Version

LEVEL_NAMES = {Level.READ: "read", Level.WRITE: "write", Level.MANAGE: "manage"}


class FolderOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    unit_id: int
    default_scope: str


class FolderDetailOut(Schema):
    folder: FolderOut
    path: list[FolderOut]
    children: list[FolderOut]
    may_manage: bool


class RootsOut(Schema):
    unit: FolderOut
    personal: FolderOut


class FolderIn(Schema):
    name: str = Field(..., max_length=100)
    default_scope: str | None = None


class VersionOut(Schema):
    number: int
    name: str
    size: int
    content_type: str
    sm3: str
    note: str
    created_by_id: int
    created_by_name: str
    created_at: datetime
    download_url: str


class ItemOut(Schema):
    id: int
    title: str
    description: str
    folder_id: int
    kind: str
    unit_id: int
    unit_name: str
    owner_id: int
    owner_name: str
    status: str
    scope: str
    scope_label: str
    department_id: int | None
    scope_unit_ids: list[int]
    checked_out_by_id: int | None
    checked_out_by_name: str | None
    checked_out_at: datetime | None
    current_version: VersionOut | None
    access: str | None  # the caller's access (read/write/manage); lists leave it out
    created_at: datetime
    updated_at: datetime


class ItemList(Schema):
    count: int
    items: list[ItemOut]


class ItemPatch(Schema):
    title: str = Field(..., max_length=200)
    description: str = ""


class ItemFilterIn(Schema):
    q: str = ""
    scope: str = ""
    checked_out: bool = False
    mine: bool = False
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class BreakLockIn(Schema):
    reason: str = Field(..., max_length=300)


class ShareIn(Schema):
    person_id: int | None = None
    username: str | None = None
    unit_id: int | None = None
    access: str = "read"


class ShareOut(Schema):
    id: int
    person_id: int | None
    unit_id: int | None
    target_name: str
    access: str
    created_at: datetime


class ScopeIn(Schema):
    scope: str
    department_id: int | None = None
    unit_ids: list[int] = Field(default_factory=list)


class LockOut(Schema):
    id: int
    title: str
    folder_id: int
    checked_out_by_id: int
    checked_out_by_name: str
    checked_out_at: datetime


class AdminIn(Schema):
    person_id: int


class AdminOut(Schema):
    id: int
    person_id: int
    person_name: str
    assigned_by_name: str
    assigned_at: datetime


def folder_out(folder: Folder) -> FolderOut:
    return FolderOut(
        id=folder.pk,
        kind=folder.kind,
        name=folder.name,
        parent_id=folder.parent_id,
        unit_id=folder.unit_id,
        default_scope=folder.default_scope,
    )


def version_out(version: Version) -> VersionOut:
    upload = version.upload
    return VersionOut(
        number=version.number,
        name=upload.name,
        size=upload.stored_file.size,
        content_type=upload.stored_file.content_type,
        sm3=upload.stored_file.sm3,
        note=version.note,
        created_by_id=version.created_by_id,
        created_by_name=version.created_by.display_name,
        created_at=version.created_at,
        download_url=f"/api/v1/library/items/{version.item_id}/versions/{version.number}/download",
    )


def item_out(item: Item, level: Level | None = None) -> ItemOut:
    holder: Any = item.checked_out_by
    return ItemOut(
        id=item.pk,
        title=item.title,
        description=item.description,
        folder_id=item.folder_id,
        kind=item.kind,
        unit_id=item.unit_id,
        unit_name=item.unit.full_name,
        owner_id=item.owner_id,
        owner_name=item.owner.display_name,
        status=item.status,
        scope=item.scope,
        scope_label=item.get_scope_display(),
        department_id=item.department_id,
        scope_unit_ids=sorted(u.pk for u in item.scope_units.all())
        if item.scope == "units"
        else [],
        checked_out_by_id=item.checked_out_by_id,
        checked_out_by_name=holder.display_name if holder else None,
        checked_out_at=item.checked_out_at,
        current_version=version_out(item.current_version) if item.current_version else None,
        access=LEVEL_NAMES.get(level) if level is not None else None,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def share_out(share: Share) -> ShareOut:
    return ShareOut(
        id=share.pk,
        person_id=share.person_id,
        unit_id=share.unit_id,
        target_name=share.target_name,
        access=share.access,
        created_at=share.created_at,
    )


def lock_out(item: Item) -> LockOut:
    return LockOut(
        id=item.pk,
        title=item.title,
        folder_id=item.folder_id,
        checked_out_by_id=item.checked_out_by_id or 0,
        checked_out_by_name=item.checked_out_by.display_name if item.checked_out_by else "",
        checked_out_at=item.checked_out_at or item.updated_at,
    )


def admin_out(assignment: LibraryAdmin) -> AdminOut:
    return AdminOut(
        id=assignment.pk,
        person_id=assignment.person_id,
        person_name=assignment.person.display_name,
        assigned_by_name=assignment.assigned_by.display_name,
        assigned_at=assignment.assigned_at,
    )
