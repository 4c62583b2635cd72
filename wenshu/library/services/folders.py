"""Folders: the unit's tree (kept by its document administrators) and each person's own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.library import access
from wenshu.library.models import FOLDER_DEFAULT_SCOPES, Folder, FolderKind, Item, Scope
from wenshu.library.selectors import folder_depth

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

UNIT_ROOT_NAME = "单位文档"
PERSONAL_ROOT_NAME = "我的文档"
MAX_DEPTH = 8  # below the root; deeper trees are hard to find anything in
FOLDER_GONE = "找不到该文件夹，或您无权查看。"


def _root(*, kind: str, viewer: User) -> Folder:
    lookup: dict[str, Any] = {"kind": kind, "parent__isnull": True}
    if kind == FolderKind.UNIT:
        lookup["unit_id"] = viewer.unit_id
    else:
        lookup["owner_id"] = viewer.pk
    found = Folder.objects.filter(**lookup).first()
    if found is not None:
        return found
    name = UNIT_ROOT_NAME if kind == FolderKind.UNIT else PERSONAL_ROOT_NAME
    try:
        with transaction.atomic():
            return Folder.objects.create(
                kind=kind,
                unit_id=viewer.unit_id,
                name=name,
                created_by=viewer,
                owner=viewer if kind == FolderKind.PERSONAL else None,
            )
    except IntegrityError:  # made a moment ago by a parallel request
        return Folder.objects.get(**lookup)


def library_roots_ensure(*, viewer: User) -> tuple[Folder, Folder]:
    """The viewer's unit root and personal root, made on first use (nothing of consequence
    happens, so nothing is audited)."""
    if not access.is_live(viewer):
        raise Forbidden("您的账号当前不能使用文档管理。")
    return _root(kind=FolderKind.UNIT, viewer=viewer), _root(
        kind=FolderKind.PERSONAL, viewer=viewer
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写文件夹名称。")
    if len(name) > 100:
        raise DomainError("文件夹名称不能超过 100 个字。")
    if any(ch in name for ch in "/\\"):
        raise DomainError("文件夹名称不能含有“/”或“\\”。")
    return name


def _require_manage(actor: User, folder: Folder) -> None:
    if not access.folder_visible(actor, folder):
        raise NotFound(FOLDER_GONE)
    if not access.may_manage_folder(actor, folder):
        raise Forbidden(
            "单位文件夹由本单位文档管理员建立和维护；如需新建文件夹，请联系文档管理员。"
        )


def _check_unique(parent: Folder, name: str, exclude_id: int | None = None) -> None:
    siblings = Folder.objects.filter(parent_id=parent.pk, name=name)
    if exclude_id:
        siblings = siblings.exclude(pk=exclude_id)
    if siblings.exists():
        raise DomainError(f"“{parent.name}”下已有名为“{name}”的文件夹，请换一个名称。")


def _check_default_scope(folder: Folder, default_scope: str | None) -> str:
    if default_scope is None or folder.is_personal:
        return folder.default_scope if default_scope is None else Scope.PRIVATE
    if default_scope not in FOLDER_DEFAULT_SCOPES:
        raise DomainError(
            "文件夹的默认发布范围只能是本人、本部门或本单位；"
            "发布到指定单位或全市，请在文档上逐件设定。"
        )
    return default_scope


def library_folder_create(
    *, actor: User, parent: Folder, name: str, default_scope: str | None = None
) -> Folder:
    _require_manage(actor, parent)
    name = _clean_name(name)
    if folder_depth(parent) + 1 > MAX_DEPTH:
        raise DomainError(f"文件夹最多 {MAX_DEPTH} 层，请在上一层整理。")
    folder = Folder(
        kind=parent.kind,
        unit_id=parent.unit_id,
        owner_id=parent.owner_id,
        parent=parent,
        name=name,
        created_by=actor,
        default_scope=parent.default_scope,
    )
    folder.default_scope = _check_default_scope(folder, default_scope)
    _check_unique(parent, name)
    try:
        with transaction.atomic():
            folder.save()
            audit_record(
                actor=actor,
                action="library.folder_created",
                target=folder,
                unit=folder.unit,
                details={"parent": parent.pk, "name": name, "kind": folder.kind},
            )
    except IntegrityError:
        raise Conflict(f"“{parent.name}”下已有名为“{name}”的文件夹。") from None
    return folder


def library_folder_update(
    *, actor: User, folder: Folder, name: str, default_scope: str | None = None
) -> Folder:
    _require_manage(actor, folder)
    name = _clean_name(name)
    if folder.is_root and name != folder.name:
        raise DomainError("根文件夹不能改名。")
    scope = _check_default_scope(folder, default_scope)
    if folder.parent is not None:
        _check_unique(folder.parent, name, exclude_id=folder.pk)
    before = {"name": folder.name, "default_scope": folder.default_scope}
    folder.name, folder.default_scope = name, scope
    try:
        with transaction.atomic():
            folder.save(update_fields=["name", "default_scope"])
            audit_record(
                actor=actor,
                action="library.folder_updated",
                target=folder,
                unit=folder.unit,
                details={"before": before, "name": name, "default_scope": scope},
            )
    except IntegrityError:
        raise Conflict(f"已有同名文件夹“{name}”。") from None
    return folder


def library_folder_delete(*, actor: User, folder: Folder) -> None:
    """Only an empty folder goes (documents in the trash still count: restore or purge them)."""
    _require_manage(actor, folder)
    if folder.is_root:
        raise DomainError("根文件夹不能删除。")
    with transaction.atomic():
        locked = Folder.objects.select_for_update().filter(pk=folder.pk).first()
        if locked is None:
            raise NotFound(FOLDER_GONE)
        if Folder.objects.filter(parent_id=folder.pk).exists():
            raise Conflict("该文件夹下还有子文件夹，请先删除或整理子文件夹。")
        if Item.objects.filter(folder_id=folder.pk).exists():
            raise Conflict(
                "该文件夹中还有文档（包括回收站中的文档），"
                "请先把文档放入回收站并彻底删除后再删除文件夹。"
            )
        locked.delete()  # before the audit event: the chain head is locked last (audit_record)
        audit_record(
            actor=actor,
            action="library.folder_deleted",
            target=folder,
            unit=folder.unit,
            details={"name": folder.name, "parent": folder.parent_id},
        )
