"""Process definitions: the shipped defaults, and the digital office replacing a unit's flow."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from wenshu.accounts.models import User
from wenshu.accounts.roles import UNIT_ROLES
from wenshu.audit.services import audit_record
from wenshu.lib import gm
from wenshu.lib.errors import Conflict, DomainError, NotFound
from wenshu.org.models import Unit
from wenshu.workflow import engine, registry, selectors
from wenshu.workflow.models import ProcessDefinition

ROLE_CODES = tuple(sorted(r.value for r in UNIT_ROLES))


def parse(bpmn_xml: str | bytes) -> engine.ParsedDefinition:
    return engine.parse_definition(bpmn_xml, roles=ROLE_CODES)


def _known_key(key: str) -> registry.ProcessKey:
    entry = registry.process_key(key)
    if entry is None:
        raise DomainError(f"未知的流程类别“{key}”")
    return entry


@lru_cache(maxsize=16)
def _default_task_names(key: str) -> dict[str, str]:
    entry = registry.process_key(key)
    if entry is None or entry.default_file is None or not entry.default_file.exists():
        return {}
    return {t.id: t.name for t in parse(entry.default_file.read_text("utf-8")).tasks.values()}


def check_required_tasks(key: str, parsed: engine.ParsedDefinition) -> None:
    """Refuse a flow that lacks a user task the subject app relies on (by BPMN id)."""
    entry = _known_key(key)
    missing = sorted(entry.required_tasks - set(parsed.tasks))
    if missing:
        names = _default_task_names(key)
        listed = "、".join(f"{names[t]}（id={t}）" if t in names else f"id={t}" for t in missing)
        raise engine.BpmnInvalid(
            f"“{entry.label}”流程必须包含这些用户任务：{listed}。"
            "请在文件中保留这些环节（按 id 识别，名称可以修改）后重新上传。"
        )


def _text(bpmn_xml: str | bytes) -> str:
    if isinstance(bpmn_xml, str):
        return bpmn_xml
    try:
        return bytes(bpmn_xml).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise engine.BpmnInvalid("流程文件应为 UTF-8 编码的 XML") from exc


def _next_version(key: str, unit: Unit | None) -> int:
    latest = ProcessDefinition.objects.filter(key=key, unit=unit).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _store(
    *,
    key: str,
    unit: Unit | None,
    xml: str,
    parsed: engine.ParsedDefinition,
    actor: User | None,
    filename: str,
) -> ProcessDefinition:
    """Deactivate the current row of (key, unit) and add the next version as active."""
    list(ProcessDefinition.objects.select_for_update().filter(key=key, unit=unit, active=True))
    ProcessDefinition.objects.filter(key=key, unit=unit, active=True).update(active=False)
    try:
        with transaction.atomic():
            return ProcessDefinition.objects.create(
                key=key,
                unit=unit,
                version=_next_version(key, unit),
                name=parsed.name[:200],
                process_id=parsed.process_id[:200],
                bpmn_xml=xml,
                sm3=gm.sm3_hex(xml.encode("utf-8")),
                filename=filename[:200],
                tasks=[t.as_dict() for t in parsed.tasks.values()],
                uploaded_by=actor,
                active=True,
            )
    except IntegrityError as exc:
        raise Conflict("该流程刚被他人更换，请刷新后重试。") from exc


def _active(key: str, unit: Unit | None) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key, unit=unit, active=True).first()


def definition_install_default(*, key: str, actor: User | None = None) -> ProcessDefinition:
    """Install the shipped BPMN file as the city default of `key`; idempotent.

    `actor` is the digital office's administrator when asked from the page (None: the system,
    e.g. the first process start or the workflow_install_defaults command).

    A default the digital office uploaded itself is kept; a shipped default whose file has
    changed since (a new release) is replaced by the new file as the next version.
    """
    entry = _known_key(key)
    if entry.default_file is None:
        raise DomainError(f"流程类别“{entry.label}”没有默认流程文件")
    xml = entry.default_file.read_text("utf-8")
    with transaction.atomic():
        current = _active(key, None)
        if current is not None and (
            current.uploaded_by_id is not None or current.sm3 == gm.sm3_hex(xml.encode("utf-8"))
        ):
            return current
        parsed = parse(xml)
        check_required_tasks(key, parsed)
        try:
            definition = _store(
                key=key,
                unit=None,
                xml=xml,
                parsed=parsed,
                actor=None,
                filename=entry.default_file.name,
            )
        except Conflict:
            # Two first-ever process starts installed it at once: the other one's row stands.
            winner = _active(key, None)
            if winner is None:
                raise
            return winner
        audit_record(
            actor=actor,
            action="workflow.definition_install_default",
            target=definition,
            details={"key": key, "version": definition.version, "sm3": definition.sm3},
        )
    return definition


def definition_for(*, key: str, unit: Unit) -> ProcessDefinition:
    """The flow that applies to a unit: its own, else the city default (installed if absent)."""
    _known_key(key)
    return _active(key, unit) or _active(key, None) or definition_install_default(key=key)


def _check_unit(unit: Unit | None) -> None:
    if unit is not None and unit.status != Unit.Status.REGISTERED:
        raise DomainError(f"{unit.full_name}不是已注册的单位，不能为其设置流程")


def definition_replace(
    *, actor: User, key: str, unit: Unit | None, bpmn_xml: str | bytes, filename: str = ""
) -> ProcessDefinition:
    """The digital office replaces a unit's flow (unit=None: the city default) with a BPMN file.

    Running processes keep the version they started with.
    """
    selectors.require_definition_admin(actor)
    _known_key(key)
    _check_unit(unit)
    xml = _text(bpmn_xml)
    parsed = parse(xml)
    check_required_tasks(key, parsed)
    with transaction.atomic():
        current = _active(key, unit)
        if current is not None and current.sm3 == gm.sm3_hex(xml.encode("utf-8")):
            raise Conflict("上传的文件与当前使用的流程完全相同，无需更换。")
        definition = _store(
            key=key, unit=unit, xml=xml, parsed=parsed, actor=actor, filename=filename
        )
        audit_record(
            actor=actor,
            action="workflow.definition_replace",
            target=definition,
            unit=unit,
            details=_audit_details(definition, current),
        )
    return definition


def _audit_details(
    definition: ProcessDefinition, previous: ProcessDefinition | None
) -> dict[str, Any]:
    return {
        "key": definition.key,
        "unit_id": definition.unit_id,
        "version": definition.version,
        "sm3": definition.sm3,
        "process_id": definition.process_id,
        "filename": definition.filename,
        "tasks": [t["id"] for t in definition.tasks],
        "previous_version": previous.version if previous else None,
    }


def definition_reset(*, actor: User, key: str, unit: Unit) -> None:
    """A unit goes back to the city default flow (its own versions stay in the history)."""
    selectors.require_definition_admin(actor)
    _known_key(key)
    with transaction.atomic():
        current = (
            ProcessDefinition.objects.select_for_update()
            .filter(key=key, unit=unit, active=True)
            .first()
        )
        if current is None:
            raise NotFound("该单位没有自己的流程，已在使用全市默认流程。")
        current.active = False
        current.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="workflow.definition_reset",
            target=current,
            unit=unit,
            details={"key": key, "version": current.version},
        )
