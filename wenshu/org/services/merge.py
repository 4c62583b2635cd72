"""单位合并 (S1 art. 10(3)): A+B→A keeps A's name (B is deregistered into A); A+B→C registers
C under a new name and deregisters A and B into it. Open work moves through the merge hooks;
people move to the surviving unit or are disabled, all together or person by person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError
from wenshu.org import hooks
from wenshu.org.models import Deregistration, RequestStatus, Unit, UnitMerge, UnitName
from wenshu.org.services._base import (
    DIGITAL_OFFICE_REFUSAL,
    User,
    check_names_free,
    disable_people,
    live_people,
    locked_units,
    move_people,
    require_city_admin,
    text,
)
from wenshu.org.services.deregistration import end_unit

ACTIONS = UnitMerge.PeopleAction


@dataclass(frozen=True)
class NewUnit:
    """The new name a merge registers the surviving unit under (A+B→C)."""

    full_name: str
    short_name: str
    agency_code: str = ""
    kind: str = Unit.Kind.DEPARTMENT
    superior: Unit | None = None


def _check_shape(sources: Sequence[Unit], target: Unit | None, new_unit: NewUnit | None) -> None:
    if (target is None) == (new_unit is None):
        raise DomainError("请指定合并后保留的单位，或填写合并后启用的新单位名称（二者选一）。")
    ids = [u.pk for u in sources]
    if len(set(ids)) != len(ids) or (target is not None and target.pk in ids):
        raise DomainError("不能将单位与自身合并，请检查被合并单位的选择。")
    if not ids:
        raise DomainError("请选择被合并的单位。")
    if new_unit is not None and len(ids) < 2:
        raise DomainError("合并启用新名称时至少选择两个被合并单位；单个单位改名请办理名称变更。")


def _check_units(units: Sequence[Unit]) -> None:
    for unit in units:
        if unit.is_digital_office:
            raise DomainError(DIGITAL_OFFICE_REFUSAL)
        if not unit.is_registered:
            raise Conflict(
                f"“{unit.full_name}”不是已注册单位（当前：{unit.get_status_display()}），不能合并。"
            )


def _check_person_actions(
    sources: Sequence[Unit],
    person_actions: Mapping[int, str],
) -> dict[int, str]:
    allowed = set(live_people_ids(sources))
    choices = {int(pk): str(action) for pk, action in person_actions.items()}
    if set(choices) - allowed:
        raise DomainError("逐人处理名单中有不属于被合并单位或账号已不可用的人员。")
    if set(choices.values()) - set(ACTIONS.values):
        raise DomainError("人员处理方式只能是“转入合并后单位”或“停用账号”。")
    return choices


def live_people_ids(sources: Sequence[Unit]) -> list[int]:
    return [pk for unit in sources for pk in live_people(unit).values_list("pk", flat=True)]


def _register_new(new_unit: NewUnit, now: datetime) -> Unit:
    full_name = text(new_unit.full_name, "新单位全称", max_length=200)
    short_name = text(new_unit.short_name, "新单位简称", max_length=60)
    code = text(new_unit.agency_code, "新机关代字", max_length=30, required=False)
    if new_unit.kind not in Unit.Kind.values:
        raise DomainError("单位类别不正确。")
    if new_unit.superior is not None and not new_unit.superior.is_registered:
        raise DomainError("上级主管单位须为已注册的单位。")
    check_names_free(full_name=full_name, short_name=short_name, agency_code=code)
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                full_name=full_name,
                short_name=short_name,
                agency_code=code,
                kind=new_unit.kind,
                superior=new_unit.superior,
                status=Unit.Status.REGISTERED,
                in_directory=True,
                applied_at=now,
                registered_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(f"已有名为“{full_name}”的单位，不能重名。") from exc
    UnitName.objects.create(
        unit=unit, full_name=full_name, short_name=short_name, agency_code=code, valid_from=now
    )
    return unit


def _people_of(source: Unit, default: str, choices: dict[int, str]) -> tuple[list[int], list[int]]:
    ids = list(live_people(source).values_list("pk", flat=True))
    moving = [pk for pk in ids if choices.get(pk, default) == ACTIONS.MOVE]
    return moving, [pk for pk in ids if pk not in moving]


@transaction.atomic
def unit_merge(
    *,
    actor: User,
    sources: Sequence[Unit],
    target: Unit | None = None,
    new_unit: NewUnit | None = None,
    people_action: str = ACTIONS.MOVE,
    person_actions: Mapping[int, str] | None = None,
    note: str = "",
) -> UnitMerge:
    """Merge `sources` into `target` (an existing unit) or into a unit registered now under
    `new_unit`. `person_actions` maps a person's id to "move"/"disable", overriding
    `people_action` for that person. Only the digital office merges units."""
    require_city_admin(actor, "办理单位合并")
    _check_shape(sources, target, new_unit)
    if people_action not in ACTIONS.values:
        raise DomainError("请选择人员处理方式。")
    locked = locked_units([*sources, *([target] if target else [])])
    sources = [locked[u.pk] for u in sources]
    _check_units([*sources, *([locked[target.pk]] if target else [])])
    choices = _check_person_actions(sources, person_actions or {})
    now = timezone.now()
    survivor = locked[target.pk] if target else _register_new(new_unit, now)  # type: ignore[arg-type]
    merge = UnitMerge.objects.create(
        target=survivor,
        target_is_new=new_unit is not None,
        people_action=people_action,
        note=text(note, "合并说明", max_length=2000, required=False),
        executed_by=actor,
        executed_at=now,
    )
    merge.sources.set(sources)
    outcome: dict[str, list[int]] = {"moved": [], "disabled": []}
    for source in sources:
        _merge_one(
            source=source,
            survivor=survivor,
            merge=merge,
            actor=actor,
            now=now,
            people=_people_of(source, people_action, choices),
            outcome=outcome,
        )
    merge.people_outcome = outcome
    merge.save(update_fields=["people_outcome"])
    audit_record(
        actor=actor,
        action="org.units_merged",
        target=survivor,
        details={
            "merge_id": merge.pk,
            "sources": [u.pk for u in sources],
            "target_is_new": merge.target_is_new,
            **outcome,
        },
    )
    return merge


def _merge_one(
    *,
    source: Unit,
    survivor: Unit,
    merge: UnitMerge,
    actor: User,
    now: datetime,
    people: tuple[list[int], list[int]],
    outcome: dict[str, list[int]],
) -> None:
    """Open work first (while the source is still whole), then people, then the unit's end."""
    moving, disabling = people
    hooks.run_merge_hooks(source=source, target=survivor, actor=actor)
    move_people(moving, target=survivor, actor=actor)
    outcome["moved"] += moving
    outcome["disabled"] += disable_people(source.people.filter(pk__in=disabling))
    Deregistration.objects.create(
        unit=source,
        status=RequestStatus.APPROVED,
        merge=merge,
        reason=f"并入{survivor.full_name}",
        disposal=Deregistration.Disposal.TO_MERGED,
        disposal_note=f"文件移交{survivor.full_name}",
        requested_by=actor,
        requested_at=now,
        decided_by=actor,
        decided_at=now,
    )
    end_unit(unit=source, actor=actor, now=now, merged_into=survivor)
    audit_record(
        actor=actor,
        action="org.unit_deregistered",
        target=source,
        details={
            "merge_id": merge.pk,
            "merged_into": survivor.pk,
            "moved": moving,
            "disabled": disabling,
        },
    )
