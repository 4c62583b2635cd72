"""Who may do what in the library: one place for the rules, used by selectors and services.

Levels of access to an item, lowest first:
    NONE    the item does not exist for this viewer (a 404, never a 403)
    READ    may open it and download its versions: a read share (to them or their unit) or
            the publishing scope of a unit item reaches them
    WRITE   may also check it out and upload new versions: a read-write share
    MANAGE  may also trash, restore, purge and share it: its owner; for unit items also the
            unit's document administrators
Setting the publishing scope and sharing a unit item outside the unit are the document
administrator's alone (S1 art. 44: they answer for the publishing scope).
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from wenshu.accounts.grants import forget_grants, has_grant, register_grant
from wenshu.accounts.roles import Role
from wenshu.library.models import Folder, FolderKind, Item, LibraryAdmin, Scope, Share

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any


class Level(IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2
    MANAGE = 3


def is_live(viewer: User) -> bool:
    return bool(
        getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and viewer.unit_id is not None
    )


# A document administrator of the person's own unit, read with their other grants once per
# request. One moved to another unit keeps no rights in the old one.
DOC_ADMIN = "library.doc_admin"
register_grant(
    DOC_ADMIN,
    lambda: Exists(
        LibraryAdmin.objects.filter(person_id=OuterRef("pk"), unit_id=OuterRef("unit_id"))
    ),
)


def forget(viewer: User) -> None:
    forget_grants(viewer)


def is_doc_admin(viewer: User, unit_id: int | None) -> bool:
    return is_live(viewer) and unit_id == viewer.unit_id and has_grant(viewer, DOC_ADMIN)


def is_unit_admin(viewer: User, unit_id: int | None) -> bool:
    return is_live(viewer) and unit_id == viewer.unit_id and viewer.has_role(Role.UNIT_ADMIN)


# --- items --------------------------------------------------------------------------------


def _shared_q(viewer: User, *, write: bool = False) -> Q:
    shares = Share.objects.filter(item=OuterRef("pk")).filter(
        Q(person_id=viewer.pk) | Q(unit_id=viewer.unit_id)
    )
    if write:
        shares = shares.filter(access="write")
    return Q(Exists(shares))


def visible_q(viewer: User) -> Q:
    """The items (any status) this viewer may read; combine with a status filter."""
    if not is_live(viewer):
        return Q(pk__in=[])
    unit_item = Q(kind=FolderKind.UNIT)
    own_unit = unit_item & Q(unit_id=viewer.unit_id)
    q = Q(owner_id=viewer.pk) | _shared_q(viewer)
    q |= unit_item & Q(scope=Scope.CITY)
    q |= own_unit & Q(scope__in=[Scope.UNIT, Scope.UNITS])
    q |= (
        unit_item
        & Q(scope=Scope.UNITS)
        & Q(
            Exists(
                Item.scope_units.through.objects.filter(
                    item_id=OuterRef("pk"), unit_id=viewer.unit_id
                )
            )
        )
    )
    if viewer.department_id:
        q |= own_unit & Q(scope=Scope.DEPARTMENT, department_id=viewer.department_id)
    if is_doc_admin(viewer, viewer.unit_id):
        q |= own_unit
    return q


def _scope_reaches(viewer: User, item: Item) -> bool:
    if item.is_personal:
        return False
    own_unit = item.unit_id == viewer.unit_id
    if item.scope == Scope.CITY or (own_unit and item.scope in (Scope.UNIT, Scope.UNITS)):
        return True
    if item.scope == Scope.DEPARTMENT:
        return (
            own_unit
            and viewer.department_id is not None
            and item.department_id == viewer.department_id
        )
    if item.scope == Scope.UNITS:
        return item.scope_units.filter(pk=viewer.unit_id).exists()
    return False


def _share_level(viewer: User, item: Item) -> Level:
    accesses = set(
        Share.objects.filter(item_id=item.pk)
        .filter(Q(person_id=viewer.pk) | Q(unit_id=viewer.unit_id))
        .values_list("access", flat=True)
    )
    if "write" in accesses:
        return Level.WRITE
    return Level.READ if accesses else Level.NONE


def item_level(viewer: User, item: Item) -> Level:
    """The viewer's access to the item, whatever its status (callers check the status)."""
    if not is_live(viewer):
        return Level.NONE
    if item.owner_id == viewer.pk or (not item.is_personal and is_doc_admin(viewer, item.unit_id)):
        return Level.MANAGE
    level = _share_level(viewer, item)
    if level == Level.NONE and _scope_reaches(viewer, item):
        level = Level.READ
    return level


def may_set_scope(viewer: User, item: Item) -> bool:
    return not item.is_personal and is_doc_admin(viewer, item.unit_id)


def may_share_outside_unit(viewer: User, item: Item) -> bool:
    """Personal documents are their owner's to share; a unit's documents leave the unit only
    by its document administrator's decision."""
    if item.is_personal:
        return item.owner_id == viewer.pk
    return is_doc_admin(viewer, item.unit_id)


def may_break_lock(viewer: User, item: Item) -> bool:
    if item.is_personal:
        return item.owner_id == viewer.pk
    return is_doc_admin(viewer, item.unit_id) or is_unit_admin(viewer, item.unit_id)


# --- folders ------------------------------------------------------------------------------


def folder_visible(viewer: User, folder: Folder) -> bool:
    if not is_live(viewer):
        return False
    if folder.is_personal:
        return folder.owner_id == viewer.pk
    return folder.unit_id == viewer.unit_id


def may_add_items(viewer: User, folder: Folder) -> bool:
    """Anyone of the unit may file a document in its folders; personal folders are the owner's."""
    return folder_visible(viewer, folder)


def may_manage_folder(viewer: User, folder: Folder) -> bool:
    if folder.is_personal:
        return folder_visible(viewer, folder)
    return is_doc_admin(viewer, folder.unit_id)
