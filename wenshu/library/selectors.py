"""Reads of the library, always for a viewer. What the viewer may not read does not exist for
them: another unit's folder or an item neither shared with them nor published to them is a
NotFound (404), never a 403.

``items_visible_to`` is the one definition of "may read" that list pages, the API and the
search index (which filters its hits by it) share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from wenshu.lib.errors import Forbidden, NotFound
from wenshu.library import access
from wenshu.library.models import (
    Folder,
    FolderKind,
    Item,
    ItemStatus,
    LibraryAdmin,
    Share,
    Version,
)
from wenshu.org.selectors import units_in_directory

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

ITEM_GONE = "找不到该文档，或您无权查看。"
FOLDER_GONE = "找不到该文件夹，或您无权查看。"


def _items() -> QuerySet[Item]:
    return Item.objects.select_related(
        "folder",
        "unit",
        "owner",
        "department",
        "checked_out_by",
        "checked_out_by__unit",
        "current_version",
        "current_version__upload",
        "current_version__upload__stored_file",
        "current_version__created_by",
    )


def items_visible_to(*, viewer: User) -> QuerySet[Item]:
    """Every live item the viewer may read (see access.visible_q), newest change first."""
    return _items().filter(status=ItemStatus.LIVE).filter(access.visible_q(viewer))


def item_for_viewer(*, viewer: User, item_id: int) -> Item:
    item = items_visible_to(viewer=viewer).filter(pk=item_id).first()
    if item is None:
        raise NotFound(ITEM_GONE)
    return item


def item_level(*, viewer: User, item: Item) -> access.Level:
    return access.item_level(viewer, item)


@dataclass(frozen=True)
class ItemFilter:
    q: str = ""
    scope: str = ""
    checked_out: bool = False
    mine: bool = False


def _filtered(items: QuerySet[Item], viewer: User, f: ItemFilter) -> QuerySet[Item]:
    if f.q.strip():
        text = f.q.strip()
        items = items.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(current_version__upload__name__icontains=text)
        )
    if f.scope:
        items = items.filter(scope=f.scope)
    if f.checked_out:
        items = items.filter(checked_out_by__isnull=False)
    if f.mine:
        items = items.filter(owner_id=viewer.pk)
    return items


def folder_items(
    *, viewer: User, folder: Folder, filters: ItemFilter | None = None
) -> QuerySet[Item]:
    """The items of one folder that the viewer may read."""
    if not access.folder_visible(viewer, folder):
        raise NotFound(FOLDER_GONE)
    items = items_visible_to(viewer=viewer).filter(folder_id=folder.pk)
    return _filtered(items, viewer, filters or ItemFilter())


def items_search(*, viewer: User, filters: ItemFilter | None = None) -> QuerySet[Item]:
    """Every item the viewer may read, filtered."""
    return _filtered(items_visible_to(viewer=viewer), viewer, filters or ItemFilter())


def items_from_others(*, viewer: User, filters: ItemFilter | None = None) -> QuerySet[Item]:
    """Shared with the viewer or published to them from outside their own trees: other
    units' documents and colleagues' personal documents."""
    own_trees = Q(kind=FolderKind.UNIT, unit_id=viewer.unit_id) | Q(
        kind=FolderKind.PERSONAL, owner_id=viewer.pk
    )
    items = items_visible_to(viewer=viewer).exclude(own_trees)
    return _filtered(items, viewer, filters or ItemFilter())


# --- folders ------------------------------------------------------------------------------


def folder_for_viewer(*, viewer: User, folder_id: int) -> Folder:
    """A folder of the viewer's unit or one of their own personal folders."""
    folder = Folder.objects.select_related("parent", "unit").filter(pk=folder_id).first()
    if folder is None or not access.folder_visible(viewer, folder):
        raise NotFound(FOLDER_GONE)
    return folder


def unit_root(*, viewer: User) -> Folder | None:
    if not access.is_live(viewer):
        return None
    return Folder.objects.filter(
        kind=FolderKind.UNIT, unit_id=viewer.unit_id, parent__isnull=True
    ).first()


def personal_root(*, viewer: User) -> Folder | None:
    if not access.is_live(viewer):
        return None
    return Folder.objects.filter(
        kind=FolderKind.PERSONAL, owner_id=viewer.pk, parent__isnull=True
    ).first()


@dataclass
class TreeNode:
    folder: Folder
    children: list[TreeNode]


def _tree_folders(folder: Folder) -> QuerySet[Folder]:
    if folder.is_personal:
        return Folder.objects.filter(kind=FolderKind.PERSONAL, owner_id=folder.owner_id)
    return Folder.objects.filter(kind=FolderKind.UNIT, unit_id=folder.unit_id)


def folder_tree(*, viewer: User, folder: Folder) -> list[TreeNode]:
    """The whole tree the folder is in (one query), as nested nodes from its root."""
    return folder_tree_and_path(viewer=viewer, folder=folder)[0]


def folder_tree_and_path(*, viewer: User, folder: Folder) -> tuple[list[TreeNode], list[Folder]]:
    """The tree (as in folder_tree) and the breadcrumb path (as in folder_path), one query."""
    if not access.folder_visible(viewer, folder):
        raise NotFound(FOLDER_GONE)
    folders = list(_tree_folders(folder).order_by("name", "id"))
    return _nest(folders), _path_in({f.pk: f for f in folders}, folder)


def _nest(folders: list[Folder]) -> list[TreeNode]:
    nodes = {f.pk: TreeNode(f, []) for f in folders}
    roots = []
    for f in folders:
        if f.parent_id in nodes:
            nodes[f.parent_id].children.append(nodes[f.pk])
        else:
            roots.append(nodes[f.pk])
    return roots


def folder_path(*, viewer: User, folder: Folder) -> list[Folder]:
    """Root first, the folder last (for the breadcrumb)."""
    if not access.folder_visible(viewer, folder):
        raise NotFound(FOLDER_GONE)
    return _path_in({f.pk: f for f in _tree_folders(folder)}, folder)


def _path_in(by_id: dict[int, Folder], folder: Folder) -> list[Folder]:
    path: list[Folder] = []
    current: Folder | None = by_id.get(folder.pk, folder)
    while current is not None and len(path) < 64:
        path.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return list(reversed(path))


def folder_depth(folder: Folder) -> int:
    depth, current = 0, folder
    while current.parent_id is not None and depth < 64:
        depth += 1
        current = Folder.objects.only("parent_id").get(pk=current.parent_id)
    return depth


# --- versions and shares -----------------------------------------------------------------


def item_versions(*, viewer: User, item: Item) -> QuerySet[Version]:
    if access.item_level(viewer, item) < access.Level.READ:
        raise NotFound(ITEM_GONE)
    return item.versions.select_related(
        "upload", "upload__stored_file", "created_by", "created_by__unit"
    ).order_by("-number")


def version_for_viewer(*, viewer: User, item: Item, number: int) -> Version:
    version = item_versions(viewer=viewer, item=item).filter(number=number).first()
    if version is None:
        raise NotFound("找不到该版本。")
    return version


def item_shares(*, viewer: User, item: Item) -> QuerySet[Share]:
    """The item's shares: shown to whoever may manage it (others see only their own access)."""
    shares = item.shares.select_related("person", "person__unit", "unit", "created_by")
    if access.item_level(viewer, item) < access.Level.MANAGE:
        return shares.filter(Q(person_id=viewer.pk) | Q(unit_id=viewer.unit_id))
    return shares


def share_for_viewer(*, viewer: User, item: Item, share_id: int) -> Share:
    share = item_shares(viewer=viewer, item=item).filter(pk=share_id).first()
    if share is None:
        raise NotFound("找不到该共享记录。")
    return share


# --- trash, locks, administrators --------------------------------------------------------


def _managed_q(viewer: User) -> Q:
    q = Q(owner_id=viewer.pk)
    if access.is_doc_admin(viewer, viewer.unit_id):
        q |= Q(kind=FolderKind.UNIT, unit_id=viewer.unit_id)
    return q


def trash_for(*, viewer: User) -> QuerySet[Item]:
    """Trashed items the viewer may restore or purge (their own; a doc admin's whole unit)."""
    if not access.is_live(viewer):
        return Item.objects.none()
    return (
        _items()
        .select_related("trashed_by")
        .filter(status=ItemStatus.TRASHED)
        .filter(_managed_q(viewer))
        .order_by("-trashed_at", "-id")
    )


def trashed_item_for_viewer(*, viewer: User, item_id: int) -> Item:
    item = trash_for(viewer=viewer).filter(pk=item_id).first()
    if item is None:
        raise NotFound("回收站中找不到该文档，或您无权处理。")
    return item


def checked_out_in_unit(*, viewer: User) -> QuerySet[Item]:
    """Checked-out documents of the viewer's unit, for its doc admins and its system
    administrator, who may break stale locks (only title, holder and time are shown)."""
    unit_id = viewer.unit_id
    if not (access.is_doc_admin(viewer, unit_id) or access.is_unit_admin(viewer, unit_id)):
        raise Forbidden("签出管理仅供本单位文档管理员和单位系统管理员使用。")
    return (
        Item.objects.select_related("checked_out_by", "owner", "folder")
        .filter(
            kind=FolderKind.UNIT,
            unit_id=unit_id,
            status=ItemStatus.LIVE,
            checked_out_by__isnull=False,
        )
        .order_by("checked_out_at", "id")
    )


def locked_item_for_manager(*, viewer: User, item_id: int) -> Item:
    """An item whose lock the viewer may break, even when they may not read it (the unit's
    system administrator keeps the system running, not the documents' content)."""
    item = items_visible_to(viewer=viewer).filter(pk=item_id).first()
    if item is None and access.is_unit_admin(viewer, viewer.unit_id):
        item = checked_out_in_unit(viewer=viewer).filter(pk=item_id).first()
    if item is None:
        raise NotFound(ITEM_GONE)
    return item


def library_admins(*, viewer: User) -> QuerySet[LibraryAdmin]:
    """The document administrators of the viewer's unit (anyone of the unit may know them)."""
    if not access.is_live(viewer):
        return LibraryAdmin.objects.none()
    return (
        LibraryAdmin.objects.select_related("person", "person__department", "assigned_by")
        .filter(unit_id=viewer.unit_id)
        .order_by("id")
    )


def library_admin_for_viewer(*, viewer: User, assignment_id: int) -> LibraryAdmin:
    found = library_admins(viewer=viewer).filter(pk=assignment_id).first()
    if found is None:
        raise NotFound("找不到该文档管理员任命。")
    return found


def doc_admin_candidates(*, viewer: User) -> QuerySet[Any]:
    """Active people of the viewer's unit, for the unit administrator to choose from."""
    from wenshu.accounts.models import User as UserModel

    if not access.is_unit_admin(viewer, viewer.unit_id):
        raise Forbidden("只有单位系统管理员可以指定文档管理员。")
    return UserModel.objects.filter(unit_id=viewer.unit_id, status="active").order_by("id")


def share_person_by_username(*, viewer: User, username: str) -> Any:
    """An active person to share with (any unit: the address book is open to everyone)."""
    from wenshu.accounts.models import User as UserModel

    person = (
        UserModel.objects.select_related("unit")
        .filter(username=username.strip(), status="active")
        .first()
    )
    if person is None or not access.is_live(viewer):
        raise NotFound(f"找不到用户名为“{username.strip()}”的在用人员。")
    return person


def share_person_by_id(*, viewer: User, person_id: int) -> Any:
    from wenshu.accounts.models import User as UserModel

    person = UserModel.objects.select_related("unit").filter(pk=person_id, status="active").first()
    if person is None or not access.is_live(viewer):
        raise NotFound("找不到该人员，或其账号当前不可用。")
    return person


def scope_departments(*, viewer: User, item: Item) -> QuerySet[Any]:
    """The departments a unit document may be published to: its unit's active ones."""
    if access.item_level(viewer, item) == access.Level.NONE:
        raise NotFound(ITEM_GONE)
    return item.unit.departments.filter(is_active=True).order_by("order", "id")


def share_units(*, viewer: User) -> QuerySet[Any]:
    """Units one may share with or publish to: registered units in the exchange directory."""
    return units_in_directory(viewer=viewer)


# --- for the search indexer (a system reader, not a person) -------------------------------


def items_for_indexing(*, changed_since: datetime | None = None) -> QuerySet[Item]:
    """Live items with their current version's text, for building the search index. Results
    shown to a person must still be filtered by items_visible_to(viewer=…)."""
    items = _items().filter(status=ItemStatus.LIVE, current_version__isnull=False)
    if changed_since is not None:
        items = items.filter(updated_at__gte=changed_since)
    return items.order_by("pk")
