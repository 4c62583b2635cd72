"""Who a mail goes to: what the sender chose (``Addressing``) and whom it reaches (``resolve``).

A unit means its clerks (文书, Role.CLERK) at the moment of sending; a unit group means the
clerks of each registered member unit; a department (of the sender's own unit only) means its
active people. A person reached several ways gets one copy, under the strongest kind
(收件 before 抄送 before 密送) and the first way it reached them (person, unit, group,
department). Units that have no active clerk are reported as unreached, never silently lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import DomainError
from wenshu.messaging.models import MailRecipient
from wenshu.org.models import Department, Unit, UnitGroup

KINDS = ("to", "cc", "bcc")
SOURCES = ("people", "units", "groups", "departments")
MAX_IDS = 500  # per list: more than any real addressing, and a bound on the query size

Kind = MailRecipient.Kind
Via = MailRecipient.Via


@dataclass(frozen=True)
class AddressSet:
    people: tuple[int, ...] = ()
    units: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    departments: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.people or self.units or self.groups or self.departments)

    def as_json(self) -> dict[str, list[int]]:
        return {name: list(getattr(self, name)) for name in SOURCES}


@dataclass(frozen=True)
class Addressing:
    to: AddressSet = AddressSet()
    cc: AddressSet = AddressSet()
    bcc: AddressSet = AddressSet()

    @property
    def empty(self) -> bool:
        return self.to.empty and self.cc.empty and self.bcc.empty

    def as_json(self) -> dict[str, dict[str, list[int]]]:
        return {kind: getattr(self, kind).as_json() for kind in KINDS}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Addressing:
        data = data or {}
        return cls(**{kind: _address_set(data.get(kind) or {}) for kind in KINDS})


def _ids(values: Iterable[Any]) -> tuple[int, ...]:
    seen: dict[int, None] = {}
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise DomainError("收件人编号不正确。") from None
        seen.setdefault(number, None)
    if len(seen) > MAX_IDS:
        raise DomainError(f"一次最多选择 {MAX_IDS} 个收件人（单位、分组），请分批发送。")
    return tuple(seen)


def _address_set(data: Mapping[str, Any]) -> AddressSet:
    return AddressSet(**{name: _ids(data.get(name) or ()) for name in SOURCES})


def address_set(**lists: Iterable[Any]) -> AddressSet:
    """An AddressSet from lists of ids (from a form or the API), duplicates dropped."""
    return _address_set(lists)


@dataclass(frozen=True)
class Reached:
    person: User
    kind: str
    via: str
    via_label: str = ""
    via_unit: Unit | None = None
    via_group: UnitGroup | None = None
    via_department: Department | None = None


@dataclass
class Resolution:
    reached: list[Reached] = field(default_factory=list)
    labels: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    unreached: list[str] = field(default_factory=list)  # unit names with no active clerk

    def add(self, seen: set[int], item: Reached) -> None:
        if item.person.pk not in seen:
            seen.add(item.person.pk)
            self.reached.append(item)


# --- lookups (checked: an id the sender may not address is refused, not ignored) ---------


def addressable_units() -> Any:
    return Unit.objects.filter(status=Unit.Status.REGISTERED, in_directory=True)


def _people(ids: tuple[int, ...], *, for_sending: bool) -> list[User]:
    found = {p.pk: p for p in User.objects.select_related("unit").filter(pk__in=ids)}
    if len(found) != len(ids):
        raise DomainError("所选收件人中有人不存在，请刷新页面后重新选择。")
    people = [found[i] for i in ids]
    if for_sending:
        gone = [
            p.display_name
            for p in people
            if not p.is_active or p.unit.status != Unit.Status.REGISTERED
        ]
        if gone:
            raise DomainError(
                f"以下收件人的账号已停用或注销，无法投递：{'、'.join(gone)}。"
                "请从收件人中去掉后再发送。"
            )
    return people


def _units(ids: tuple[int, ...]) -> list[Unit]:
    found = {u.pk: u for u in addressable_units().filter(pk__in=ids)}
    if len(found) != len(ids):
        raise DomainError("所选单位中有不在交换目录中的单位（可能已注销），请刷新页面后重新选择。")
    return [found[i] for i in ids]


def _groups(ids: tuple[int, ...]) -> list[UnitGroup]:
    found = {g.pk: g for g in UnitGroup.objects.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise DomainError("所选单位分组不存在（可能已被删除），请刷新页面后重新选择。")
    return [found[i] for i in ids]


def _departments(actor: User, ids: tuple[int, ...]) -> list[Department]:
    found = {
        d.pk: d
        for d in Department.objects.filter(pk__in=ids, unit_id=actor.unit_id, is_active=True)
    }
    if len(found) != len(ids):
        raise DomainError("只能按部门发给本单位的部门；所选部门不存在或已停用。")
    return [found[i] for i in ids]


def check(*, actor: User, addressing: Addressing) -> None:
    """Refuse ids that do not exist or may not be addressed (a draft keeps only valid ones)."""
    for kind in KINDS:
        chosen: AddressSet = getattr(addressing, kind)
        _people(chosen.people, for_sending=False)
        _units(chosen.units)
        _groups(chosen.groups)
        _departments(actor, chosen.departments)


# --- resolution at sending --------------------------------------------------------------


def _clerks_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    clerks: dict[int, list[User]] = {}
    found = (
        User.objects.select_related("unit")
        .filter(unit_id__in=set(unit_ids), status=User.Status.ACTIVE, role_grants__role=Role.CLERK)
        .distinct()
        .order_by("unit_id", "id")
    )
    for person in found:
        clerks.setdefault(person.unit_id, []).append(person)
    return clerks


def _unit_label(unit: Unit) -> str:
    return f"{unit.short_name}（文书）"


def _resolve_kind(
    actor: User, kind: str, chosen: AddressSet, out: Resolution, seen: set[int]
) -> None:
    labels = out.labels[kind]
    for person in _people(chosen.people, for_sending=True):
        labels.append(f"{person.display_name}（{person.unit.short_name}）")
        out.add(seen, Reached(person, kind, Via.PERSON))
    units = _units(chosen.units)
    groups = _groups(chosen.groups)
    members = {
        g.pk: list(addressable_units().filter(groups=g).order_by("full_name")) for g in groups
    }
    clerks = _clerks_by_unit([u.pk for u in units] + [u.pk for ms in members.values() for u in ms])
    for unit in units:
        labels.append(_unit_label(unit))
        _reach_unit(out, seen, kind, unit, clerks, via=Via.UNIT, label=unit.short_name)
    for group in groups:
        labels.append(f"分组：{group.name}")
        for unit in members[group.pk]:
            _reach_unit(
                out,
                seen,
                kind,
                unit,
                clerks,
                via=Via.GROUP,
                group=group,
                label=f"{group.name}（{unit.short_name}）",
            )
    for department in _departments(actor, chosen.departments):
        labels.append(f"本单位部门：{department.name}")
        staff = (
            User.objects.select_related("unit")
            .filter(department=department, status=User.Status.ACTIVE)
            .order_by("id")
        )
        for person in staff:
            out.add(
                seen,
                Reached(person, kind, Via.DEPARTMENT, department.name, via_department=department),
            )


def _reach_unit(
    out: Resolution,
    seen: set[int],
    kind: str,
    unit: Unit,
    clerks: dict[int, list[User]],
    *,
    via: str,
    label: str,
    group: UnitGroup | None = None,
) -> None:
    people = clerks.get(unit.pk, [])
    if not people and unit.short_name not in out.unreached:
        out.unreached.append(unit.short_name)
    for person in people:
        out.add(seen, Reached(person, kind, via, label, via_unit=unit, via_group=group))


def resolve(*, actor: User, addressing: Addressing) -> Resolution:
    """Whom the mail reaches now. Raises DomainError for ids that may not be addressed."""
    out = Resolution()
    seen: set[int] = set()
    for kind in KINDS:  # to before cc before bcc: the strongest kind wins
        _resolve_kind(actor, kind, getattr(addressing, kind), out, seen)
    return out
