"""Pieces the library services share: locking an item, permission refusals, times, names."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from wenshu.lib.errors import Conflict, Forbidden, NotFound
from wenshu.library import access
from wenshu.library.models import ITEM_TRANSITIONS, Item, ItemStatus, check_transition

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

ITEM_GONE = "找不到该文档，或您无权查看。"


def local_text(when: datetime | None) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""


def person_text(person: User | None) -> str:
    if person is None:
        return "（已不在系统中的人员）"
    return f"{person.unit.short_name}的{person.display_name}（{person.username}）"


def lock_item(item: Item) -> Item:
    """The item's row, locked until the transaction ends (the caller is inside atomic)."""
    locked = (
        Item.objects.select_for_update().select_related("unit", "folder").filter(pk=item.pk).first()
    )
    if locked is None:
        raise NotFound(ITEM_GONE)
    return locked


def require_level(actor: User, item: Item, needed: access.Level, refusal: str) -> access.Level:
    """NotFound when the actor may not even read the item, Forbidden when they may read it but
    not do this."""
    level = access.item_level(actor, item)
    if level == access.Level.NONE:
        raise NotFound(ITEM_GONE)
    if level < needed:
        raise Forbidden(refusal)
    return level


def move_item(item: Item, target: str) -> None:
    check_transition(ITEM_TRANSITIONS, dict(ItemStatus.choices), item.status, target, "该文档")
    item.status = target


def require_live(item: Item) -> None:
    if item.status != ItemStatus.LIVE:
        raise Conflict("该文档已放入回收站，请先恢复后再操作。页面可能已过期，请刷新后查看。")


def held_by_other(item: Item) -> str:
    """The refusal naming who holds the lock and since when."""
    holder = item.checked_out_by
    return (
        f"该文档已由{person_text(holder)}于{local_text(item.checked_out_at)}签出，"
        "签入前只有签出人可以上传新版本或签出。请联系签出人签入，"
        "或请本单位文档管理员解除签出。"
    )
