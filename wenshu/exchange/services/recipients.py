"""Who receives a document (S1 art. 36): 主送 and 抄送 units and groups, and their print
permissions. Pure reads and checks: nothing here writes, so the send page can preview the
exact recipient list the sending will use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wenshu.accounts.models import User
from wenshu.exchange.models import Delivery
from wenshu.lib.errors import DomainError
from wenshu.org.models import Unit, UnitGroup
from wenshu.org.selectors import units_in_directory

MAX_PRINT_COPIES = 99
DEFAULT_PRINT_COPIES = 1
UnitRef = Unit | int | str
GroupRef = UnitGroup | int | str


@dataclass(frozen=True)
class Recipient:
    unit: Unit
    kind: str  # Delivery.Kind
    via_group: str = ""  # the group that brought it in, when not chosen by name


def _ids(refs: Iterable[Any], what: str) -> list[int]:
    ids: list[int] = []
    for ref in refs or ():
        value = getattr(ref, "pk", ref)
        try:
            ids.append(int(value))
        except (TypeError, ValueError) as exc:
            raise DomainError(f"所选{what}无效，请刷新页面后重新选择。") from exc
    return list(dict.fromkeys(ids))


def _refusal(unit: Unit) -> str:
    if unit.status == Unit.Status.DEREGISTERED:
        return f"“{unit.full_name}”已注销，不在公文交换目录中"
    if unit.status != Unit.Status.REGISTERED:
        return f"“{unit.full_name}”尚未完成注册（{unit.get_status_display()}）"
    return f"“{unit.full_name}”不在公文交换目录中"


def _named_units(actor: User, sender_unit: Unit, ids: list[int]) -> dict[int, Unit]:
    """The units chosen by name, each checked against the exchange directory."""
    if not ids:
        return {}
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError("找不到所选的收文单位，请刷新页面后重新选择。")
    if sender_unit.pk in found:
        raise DomainError(f"不能把公文发给本单位（{sender_unit.full_name}）。")
    listed = set(units_in_directory(viewer=actor).filter(pk__in=ids).values_list("pk", flat=True))
    refused = [_refusal(found[i]) for i in ids if i not in listed]
    if refused:
        raise DomainError("；".join(refused) + "，不能向其发文。请从收文单位中去掉后再发送。")
    return found


def _group_members(
    actor: User, sender_unit: Unit, ids: list[int]
) -> tuple[list[UnitGroup], dict[int, tuple[Unit, str]]]:
    """Registered directory members of the groups; the sender itself is left out quietly."""
    if not ids:
        return [], {}
    chosen = list(UnitGroup.objects.filter(pk__in=ids).order_by("order", "name"))
    if len(chosen) != len(ids):
        raise DomainError("找不到所选的单位分组，请刷新页面后重新选择。")
    members: dict[int, tuple[Unit, str]] = {}
    directory = units_in_directory(viewer=actor).exclude(pk=sender_unit.pk)
    for group in chosen:
        for unit in directory.filter(groups=group):
            members.setdefault(unit.pk, (unit, group.name))
    return chosen, members


@dataclass(frozen=True)
class RecipientList:
    recipients: list[Recipient]
    groups: list[dict[str, Any]]  # [{"id", "name", "kind"}] as chosen

    @property
    def main_count(self) -> int:
        return sum(1 for r in self.recipients if r.kind == Delivery.Kind.MAIN)

    @property
    def copy_count(self) -> int:
        return len(self.recipients) - self.main_count


def recipients_resolve(
    *,
    actor: User,
    sender_unit: Unit,
    main_units: Iterable[UnitRef],
    copy_units: Iterable[UnitRef] = (),
    groups: Iterable[GroupRef] = (),
    copy_groups: Iterable[GroupRef] = (),
) -> RecipientList:
    """The recipient list of a sending: named units must be registered and in the directory
    (refused by name otherwise), groups expand to their registered members, the sender is
    never a recipient, a unit both 主送 and 抄送 counts as 主送, and there is a 主送."""
    main_ids, copy_ids = _ids(main_units, "主送单位"), _ids(copy_units, "抄送单位")
    named = _named_units(actor, sender_unit, main_ids + copy_ids)
    main_groups, via_main = _group_members(actor, sender_unit, _ids(groups, "主送分组"))
    copy_group_list, via_copy = _group_members(actor, sender_unit, _ids(copy_groups, "抄送分组"))
    main: dict[int, Recipient] = {i: Recipient(named[i], Delivery.Kind.MAIN) for i in main_ids}
    for pk, (unit, group) in via_main.items():
        main.setdefault(pk, Recipient(unit, Delivery.Kind.MAIN, group))
    copy: dict[int, Recipient] = {}
    for pk in copy_ids:
        if pk not in main:
            copy[pk] = Recipient(named[pk], Delivery.Kind.COPY)
    for pk, (unit, group) in via_copy.items():
        if pk not in main:
            copy.setdefault(pk, Recipient(unit, Delivery.Kind.COPY, group))
    if not main:
        raise DomainError("请至少选择一个主送机关（单位或分组中须有已注册的单位）。")
    by_name = sorted(main.values(), key=_order) + sorted(copy.values(), key=_order)
    chosen = [{"id": g.pk, "name": g.name, "kind": Delivery.Kind.MAIN} for g in main_groups]
    chosen += [{"id": g.pk, "name": g.name, "kind": Delivery.Kind.COPY} for g in copy_group_list]
    return RecipientList(recipients=by_name, groups=chosen)


def _order(recipient: Recipient) -> tuple[str, str, int]:
    return (recipient.unit.kind, recipient.unit.full_name, recipient.unit.pk)


def _copies(value: Any, unit_name: str) -> int:
    try:
        copies = int(value)
    except (TypeError, ValueError):
        copies = -1
    if isinstance(value, bool) or not 0 <= copies <= MAX_PRINT_COPIES:
        where = f"（{unit_name}）" if unit_name else ""
        raise DomainError(
            f"允许打印份数应为 0 到 {MAX_PRINT_COPIES} 之间的整数{where}；0 表示不允许打印。"
        )
    return copies


def print_permissions(
    *,
    recipients: list[Recipient],
    print_allowed: Mapping[Any, Any] | int,
    print_default: int = DEFAULT_PRINT_COPIES,
) -> dict[int, int]:
    """Copies each recipient may print: one number for all, or a number per unit id (units
    not listed take `print_default`). Entries for units that are not recipients are ignored."""
    if not isinstance(print_allowed, Mapping):
        every = _copies(print_allowed, "")
        return {r.unit.pk: every for r in recipients}
    default = _copies(print_default, "")
    given: dict[int, Any] = {}
    for key, value in print_allowed.items():
        try:
            given[int(getattr(key, "pk", key))] = value
        except (TypeError, ValueError) as exc:
            raise DomainError("打印份数设置中的单位无效，请刷新页面后重新设置。") from exc
    return {
        r.unit.pk: _copies(given[r.unit.pk], r.unit.full_name) if r.unit.pk in given else default
        for r in recipients
    }
