"""What the library does when org merges units (registered from LibraryConfig.ready()).

A unit merged into another brings its documents along: its whole folder tree goes under
the target's root as a folder named after it, its unit documents become the target's, and
shares to it (and publishing to it) go to the target (its people now work there). Its
document administrators' assignments end with the unit. Runs inside org's transaction:
database work only.
"""

from __future__ import annotations

from typing import Any

from wenshu.audit.services import audit_record
from wenshu.library.models import Folder, FolderKind, Item, LibraryAdmin, Share
from wenshu.org import hooks as org_hooks


def _target_root(target: Any, actor: Any) -> Folder:
    root = Folder.objects.filter(kind=FolderKind.UNIT, unit=target, parent__isnull=True).first()
    return root or Folder.objects.create(
        kind=FolderKind.UNIT, unit=target, name="单位文档", created_by=actor
    )


def _free_name(parent: Folder, wanted: str) -> str:
    taken = set(Folder.objects.filter(parent=parent).values_list("name", flat=True))
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}（{n}）"
    return name


def _move_shares(source: Any, target: Any) -> None:
    for share in Share.objects.filter(unit=source):
        if Share.objects.filter(item_id=share.item_id, unit=target).exists():
            share.delete()  # the target already had its own share of this item
        else:
            Share.objects.filter(pk=share.pk).update(unit=target)


def _move_scope_units(source: Any, target: Any) -> None:
    through = Item.scope_units.through
    for row in through.objects.filter(unit=source):
        if through.objects.filter(item_id=row.item_id, unit=target).exists():
            row.delete()
        else:
            through.objects.filter(pk=row.pk).update(unit=target)


def library_on_merge(*, source: Any, target: Any, actor: Any) -> None:
    root = Folder.objects.filter(kind=FolderKind.UNIT, unit=source, parent__isnull=True).first()
    moved = 0
    if root is not None:
        target_root = _target_root(target, actor)
        Folder.objects.filter(pk=root.pk).update(
            parent=target_root, name=_free_name(target_root, f"原{source.short_name}文档"[:100])
        )
        Folder.objects.filter(kind=FolderKind.UNIT, unit=source).update(unit=target)
        moved = Item.objects.filter(kind=FolderKind.UNIT, unit=source).update(unit=target)
    _move_shares(source, target)
    _move_scope_units(source, target)
    LibraryAdmin.objects.filter(unit=source).delete()
    audit_record(
        actor=actor,
        action="library.merged",
        target=target,
        unit=target,
        details={"source": source.pk, "items": moved},
    )


def register() -> None:
    org_hooks.register_merge_hook(library_on_merge)
