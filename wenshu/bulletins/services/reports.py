"""Information reports (信息上报, S2 art. 2): a unit sends an item to a receiving office, which
adopts it (saying where it was used), returns it for rework or declines it. A returned item is
resubmitted as a new version linked to the old one; the digital office flags the receivers.

Handlers are the receiving unit's editors (文书、单位系统管理员、部门信息员); see permissions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.bulletins import selectors
from wenshu.bulletins.models import InfoReport, ReceivingUnit
from wenshu.bulletins.permissions import is_city_admin, is_editor
from wenshu.bulletins.services._common import (
    attach,
    check_opinion,
    check_text,
    notify,
    own_uploads,
    unit_people,
)
from wenshu.files.models import Upload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org.models import Unit

Status = InfoReport.Status
EDITOR_ONLY = "只有本单位文书、单位系统管理员或部门信息员可以报送信息。"


@dataclass
class ReportInput:
    """An item to send. `receiver` is ignored on resubmission (it goes where it went)."""

    title: str
    body: str
    category: str
    receiver: Unit | None = None
    attachments: Sequence[Upload] = field(default_factory=list)
    drop_attachment_ids: Sequence[int] = field(default_factory=list)


def link(report: InfoReport) -> str:
    return reverse("bulletins:report", args=[report.pk])


def _check_receiver(actor: User, receiver: Unit | None) -> Unit:
    if receiver is None:
        raise DomainError("请选择信息接收单位。")
    if receiver.pk == actor.unit_id:
        raise DomainError("不能向本单位报送信息。")
    if not selectors.receivers_open(viewer=actor).filter(pk=receiver.pk).exists():
        raise DomainError(f"{receiver.full_name}目前不接收信息上报，请选择其他接收单位。")
    return receiver


def _validate(actor: User, data: ReportInput) -> tuple[str, str, list[Upload]]:
    if data.category not in InfoReport.Category.values:
        raise DomainError("请选择信息类别。")
    title, body = check_text(title=data.title, body=data.body)
    return title, body, own_uploads(actor, data.attachments)


def _handlers(report: InfoReport) -> list[User]:
    return unit_people(report.receiver_id, Role.CLERK, Role.UNIT_ADMIN, info_officers=True)


def _require_sender(actor: User, report: InfoReport) -> None:
    if not selectors.may_view_report(actor, report):
        raise NotFound(selectors.reports.NOT_FOUND)
    if report.unit_id != actor.unit_id or not is_editor(actor):
        raise Forbidden("只有报送单位的文书、单位系统管理员或部门信息员可以撤回或重报该信息。")


def _require_handler(actor: User, report: InfoReport) -> None:
    if not selectors.may_view_report(actor, report):
        raise NotFound(selectors.reports.NOT_FOUND)
    if report.receiver_id != actor.unit_id or not is_editor(actor):
        raise Forbidden("只有接收单位的文书、单位系统管理员或部门信息员可以处理该信息。")


def report_submit(*, actor: User, data: ReportInput) -> InfoReport:
    """An editor sends an item in the unit's name to a receiving office."""
    if not is_editor(actor):
        raise Forbidden(EDITOR_ONLY)
    if not actor.unit.is_registered:
        raise Forbidden("本单位未在系统中注册，不能报送信息。")
    with transaction.atomic():
        receiver = _check_receiver(actor, data.receiver)
        title, body, uploads = _validate(actor, data)
        now = timezone.now()
        report = InfoReport.objects.create(
            unit_id=actor.unit_id,
            receiver=receiver,
            category=data.category,
            title=title,
            body=body,
            submitted_by=actor,
            submitted_at=now,
            first_submitted_at=now,
        )
        attach(report.attachments, uploads=uploads)
        audit_record(
            actor=actor,
            action="bulletins.report_submitted",
            target=report,
            details={
                "receiver": receiver.pk,
                "category": report.category,
                "attachments": [u.pk for u in uploads],
            },
        )
        notify(
            _handlers(report),
            title=f"收到报送信息：{title}",
            link=link(report),
            body=f"{actor.unit.full_name}报送了一条{report.get_category_display()}。",
        )
    return report


def report_resubmit(*, actor: User, report: InfoReport, data: ReportInput) -> InfoReport:
    """The unit reworks a returned item: a new version, linked to the returned one, carrying
    its attachments (minus `drop_attachment_ids`, plus the new ones)."""
    _require_sender(actor, report)
    with transaction.atomic():
        old = selectors.report_get(viewer=actor, pk=report.pk, lock=True)
        report_check_resubmit(actor=actor, report=old)
        old.move_to(Status.RESUBMITTED)
        title, body, uploads = _validate(actor, data)
        old.save(update_fields=["status"])
        now = timezone.now()
        new = InfoReport.objects.create(
            unit_id=old.unit_id,
            receiver_id=old.receiver_id,
            category=data.category,
            title=title,
            body=body,
            submitted_by=actor,
            submitted_at=now,
            previous=old,
            version=old.version + 1,
            first_submitted_at=old.first_submitted_at,
        )
        dropped = set(data.drop_attachment_ids)
        carried = [
            a.upload for a in old.attachments.select_related("upload") if a.pk not in dropped
        ]
        attach(new.attachments, uploads=carried + uploads)
        audit_record(
            actor=actor,
            action="bulletins.report_resubmitted",
            target=new,
            details={"previous": old.pk, "version": new.version},
        )
        notify(
            _handlers(new),
            title=f"重报信息：{title}",
            link=link(new),
            body=f"{actor.unit.full_name}修改后重新报送了退回的信息（第 {new.version} 版）。",
        )
    return new


def report_check_resubmit(*, actor: User, report: InfoReport) -> None:
    """Refuse (before showing the rework form) unless the actor may resubmit the item now."""
    _require_sender(actor, report)
    if report.status != Status.RETURNED:
        raise Conflict(
            f"该信息当前为“{report.get_status_display()}”，只有被退回的信息可以修改后重报。"
        )


def report_withdraw(*, actor: User, report: InfoReport) -> InfoReport:
    """The sending unit takes back an item the receiver has not handled yet."""
    _require_sender(actor, report)
    with transaction.atomic():
        locked = selectors.report_get(viewer=actor, pk=report.pk, lock=True)
        locked.move_to(Status.WITHDRAWN)
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="bulletins.report_withdrawn", target=locked)
    return locked


def _decide(actor: User, report: InfoReport, target: str, **fields: Any) -> InfoReport:
    _require_handler(actor, report)
    with transaction.atomic():
        locked = selectors.report_get(viewer=actor, pk=report.pk, lock=True)
        locked.move_to(target)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=f"bulletins.report_{target}",
            target=locked,
            unit=actor.unit,
            details={"from_unit": locked.unit_id, **fields},
        )
        label = locked.get_status_display()
        detail = locked.used_where if target == Status.ADOPTED else locked.opinion
        notify(
            [locked.submitted_by],
            title=f"报送信息{label}：{locked.title}",
            link=link(locked),
            body=f"{actor.unit.full_name}：{label}" + (f"，{detail}" if detail else "。"),
        )
    return locked


def report_adopt(
    *,
    actor: User,
    report: InfoReport,
    used_in: str,
    journal_name: str = "",
    journal_issue: str = "",
    used_note: str = "",
) -> InfoReport:
    """The receiver adopts the item: in a publication (刊物名称 and 期数) or reported upward."""
    journal_name, journal_issue = journal_name.strip(), journal_issue.strip()
    used_note = check_opinion(used_note)[:300]
    if used_in == InfoReport.UsedIn.JOURNAL:
        if not journal_name or not journal_issue:
            raise DomainError("刊物采用时请填写刊物名称和期数。")
    elif used_in == InfoReport.UsedIn.SUPERIOR:
        if not used_note:
            raise DomainError("报送上级时请在采用说明中写明报送给谁、以何种方式。")
        journal_name = journal_issue = ""
    else:
        raise DomainError("请选择采用方式（刊物采用或报送上级）。")
    if len(journal_name) > 100 or len(journal_issue) > 40:
        raise DomainError("刊物名称不能超过 100 字，期数不能超过 40 字。")
    return _decide(
        actor,
        report,
        Status.ADOPTED,
        used_in=used_in,
        journal_name=journal_name,
        journal_issue=journal_issue,
        used_note=used_note,
    )


def report_return(*, actor: User, report: InfoReport, opinion: str) -> InfoReport:
    """The receiver sends the item back for rework; the unit may resubmit a new version."""
    opinion = check_opinion(opinion, required="退回时请填写意见，说明需要怎样修改。")
    return _decide(actor, report, Status.RETURNED, opinion=opinion)


def report_decline(*, actor: User, report: InfoReport, opinion: str = "") -> InfoReport:
    """The receiver does not use the item (final)."""
    return _decide(actor, report, Status.DECLINED, opinion=check_opinion(opinion))


def receiver_set(*, actor: User, unit: Unit, active: bool, note: str = "") -> ReceivingUnit:
    """The digital office flags (or unflags) a unit as a receiver of information reports."""
    if not is_city_admin(actor):
        raise Forbidden("只有市数字办管理员可以设置信息接收单位。")
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("说明不能超过 200 字。")
    if active and unit.status != Unit.Status.REGISTERED:
        raise DomainError(f"{unit.full_name}不是已注册的使用单位，不能接收信息上报。")
    with transaction.atomic():
        row, created = ReceivingUnit.objects.select_for_update().get_or_create(
            unit=unit,
            defaults={
                "active": active,
                "note": note,
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        if not created:
            row.active, row.note, row.updated_by = active, note, actor
            row.updated_at = timezone.now()
            row.save()
        audit_record(
            actor=actor,
            action="bulletins.receiver_set",
            target=unit,
            details={"active": active, "note": note},
        )
    return row
