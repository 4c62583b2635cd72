"""收文办理: import a signed-for delivery, 拟办, 批示/承办/办结, 传阅 and 归档 (DA/T 22-2015)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.exchange.models import Delivery
from wenshu.handling.models import (
    ArchiveCounter,
    ArchiveRecord,
    Assignment,
    Circulation,
    DepartmentCode,
    FondsCode,
    Handling,
)
from wenshu.handling.services.delegation import acting_as, on_behalf
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.services import notify_send
from wenshu.org.models import Department
from wenshu.workflow import services as workflow
from wenshu.workflow.models import WorkItem

SUBJECT_TYPE = "exchange.delivery"
_CODE = re.compile(r"^[A-Z0-9]{1,10}$")
ACT_TASKS = ("instruct", "handle", "conclude")


def _clerk_of(unit_id: int):
    return lambda p: p.is_active and p.unit_id == unit_id and p.has_role(Role.CLERK)


def _mark_imported(*, actor: User, principal: User, delivery: Delivery) -> None:
    """The receive time is the first import (S1 art. 40): the exchange records it. A delegate
    outside the exchange's reader roles records it as the clerk they stand in for (the audit
    context names both)."""
    from wenshu.exchange.services import delivery_mark_imported

    readers = (Role.CLERK, Role.UNIT_LEADER, Role.UNIT_ADMIN)
    same_unit = actor.unit_id == delivery.recipient_unit_id
    who = actor if same_unit and actor.has_role(*readers) else principal
    delivery_mark_imported(actor=who, delivery=delivery)


def delivery_import(*, actor: User, delivery: Delivery) -> Handling:
    """导入办理: a clerk of the recipient unit (or their delegate) starts the shouwen flow."""
    principal = acting_as(actor, _clerk_of(delivery.recipient_unit_id))
    if principal is None:
        raise NotFound("找不到该收文，或您无权办理。")
    if delivery.status != Delivery.Status.SIGNED:
        raise Conflict("该公文尚未签收（或已退回），签收后才能导入办理。")
    with transaction.atomic(), on_behalf(actor, principal) as behalf:
        Delivery.objects.select_for_update().get(pk=delivery.pk)
        if Handling.objects.filter(delivery=delivery).exists():
            raise Conflict("该公文已导入办理，请勿重复导入。")
        instance = workflow.process_start(
            actor=actor,
            key="shouwen",
            unit=delivery.recipient_unit,
            subject_type=SUBJECT_TYPE,
            subject_id=delivery.pk,
            data={"registrar": principal.pk},
            title=delivery.document.title,
        )
        handling = Handling.objects.create(
            delivery=delivery,
            unit=delivery.recipient_unit,
            process_id=instance.pk,
            imported_by=actor,
            on_behalf_of=behalf,
            imported_at=timezone.now(),
        )
        _mark_imported(actor=actor, principal=principal, delivery=delivery)
        audit_record(
            actor=actor,
            action="handling.import",
            target=handling,
            unit=handling.unit,
            on_behalf_of=behalf,
            details={"delivery_id": delivery.pk, "process_id": instance.pk},
        )
    return handling


def _open_item(handling: Handling, task: str, actor: User, item_id: int | None = None) -> WorkItem:
    items = WorkItem.objects.filter(
        instance_id=handling.process_id, task_spec_id=task, status=WorkItem.Status.OPEN
    )
    if item_id is not None:
        items = items.filter(pk=item_id)
    item = items.order_by("id").first()
    if item is None:
        raise Conflict("该环节当前不在办理中，请刷新页面查看最新状态。")
    return item


@dataclass(frozen=True)
class HandlerInput:
    department_id: int
    due: date


def _check_plan(handling: Handling, leader_ids: list[int], handlers: list[HandlerInput]) -> None:
    if not leader_ids:
        raise DomainError("请至少选择一位批示领导。")
    if not handlers:
        raise DomainError("请至少选择一个承办部门，并填写办理期限。")
    leaders = User.objects.filter(
        pk__in=leader_ids,
        unit_id=handling.unit_id,
        status=User.Status.ACTIVE,
        role_grants__role=Role.UNIT_LEADER,
    )
    if leaders.distinct().count() != len(set(leader_ids)):
        raise DomainError("批示领导须是本单位在岗的单位负责人。")
    ids = [h.department_id for h in handlers]
    if len(set(ids)) != len(ids):
        raise DomainError("承办部门不能重复选择。")
    if Department.objects.filter(
        pk__in=ids, unit_id=handling.unit_id, is_active=True
    ).count() != len(ids):
        raise DomainError("承办部门须是本单位启用的部门。")
    today = timezone.localdate()
    if any(h.due < today for h in handlers):
        raise DomainError("办理期限不能早于今天。")


def handling_propose(
    *,
    actor: User,
    handling: Handling,
    opinion: str,
    leader_ids: list[int],
    handlers: list[HandlerInput],
) -> Handling:
    """拟办: the clerk proposes how to handle it, which leaders instruct, which departments act."""
    _check_plan(handling, leader_ids, handlers)
    item = _open_item(handling, "propose", actor)
    data = {
        "leaders": sorted(set(leader_ids)),
        "handlers": [{"department": h.department_id, "due": h.due.isoformat()} for h in handlers],
    }
    with transaction.atomic():
        workflow.work_item_complete(actor=actor, item=item, opinion=opinion, data=data)
        Assignment.objects.bulk_create(
            [
                Assignment(handling=handling, department_id=h.department_id, due=h.due)
                for h in handlers
            ]
        )
    return handling


def handling_act(
    *, actor: User, handling: Handling, item_id: int, decision: str = "approve", opinion: str = ""
) -> WorkItem:
    """批示 / 承办 / 办结 on one open item (the workflow checks who may act, delegates too)."""
    item = WorkItem.objects.filter(
        pk=item_id, instance_id=handling.process_id, task_spec_id__in=ACT_TASKS
    ).first()
    if item is None:
        raise NotFound("找不到该办理环节。")
    with transaction.atomic():
        done = workflow.work_item_complete(
            actor=actor, item=item, decision=decision, opinion=opinion
        )
        if item.task_spec_id == "handle" and item.candidate_department_id:
            Assignment.objects.filter(
                handling=handling,
                department_id=item.candidate_department_id,
                done_at__isnull=True,
            ).update(done_at=timezone.now())
    return done


def _next_piece(unit_id: int, year: int, retention: str) -> int:
    counter, _ = ArchiveCounter.objects.get_or_create(
        unit_id=unit_id, year=year, retention=retention
    )
    counter = ArchiveCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def fonds_code(unit_id: int) -> str:
    row = FondsCode.objects.filter(unit_id=unit_id).first()
    return row.code if row else f"Z{unit_id:03d}"


def _org_code(handling: Handling, org_code: str) -> str:
    code = (org_code or "").strip().upper()
    first = handling.assignments.order_by("id").first()
    if not code and first is not None:
        saved = DepartmentCode.objects.filter(department_id=first.department_id).first()
        code = saved.code if saved else ""
    if not _CODE.match(code):
        raise DomainError("请填写机构代码（1–10 位大写字母或数字，如 BGS）。")
    if first is not None:
        DepartmentCode.objects.get_or_create(
            department_id=first.department_id, defaults={"code": code}
        )
    return code


def handling_archive(
    *, actor: User, handling: Handling, retention: str, org_code: str = "", pages: int = 1
) -> ArchiveRecord:
    """归档: complete the last step and give the document its 档号 (件号 counted under a lock)."""
    if retention not in ArchiveRecord.Retention.values:
        raise DomainError("保管期限只能是：永久、D30（30年）、D10（10年）。")
    if not 1 <= pages <= 100000:
        raise DomainError("页数须为正整数。")
    item = _open_item(handling, "archive", actor)
    with transaction.atomic():
        locked = Handling.objects.select_for_update().get(pk=handling.pk)
        locked.move_to(Handling.Status.ARCHIVED)
        code = _org_code(handling, org_code)
        now = timezone.now()
        year = timezone.localdate(now).year
        # The counter is locked before the step writes its audit event (see audit_record).
        piece = _next_piece(handling.unit_id, year, retention)
        done = workflow.work_item_complete(actor=actor, item=item, opinion="归档")
        fonds = fonds_code(handling.unit_id)
        record = ArchiveRecord.objects.create(
            handling=locked,
            unit_id=handling.unit_id,
            fonds=fonds,
            year=year,
            retention=retention,
            org_code=code,
            piece_no=piece,
            pages=pages,
            archive_code=f"{fonds}-WS·{year}-{retention}-{code}-{piece:04d}",
            archived_by=actor,
            on_behalf_of=done.on_behalf_of,
            archived_at=now,
        )
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="handling.archive",
            target=record,
            unit=handling.unit,
            on_behalf_of=done.on_behalf_of,
            details={"archive_code": record.archive_code},
        )
    handling.refresh_from_db()
    return record


def circulation_send(*, actor: User, handling: Handling, reader_ids: list[int]) -> int:
    """传阅: the unit's clerk (or a delegate) passes the document to leaders; returns new count."""
    principal = acting_as(actor, _clerk_of(handling.unit_id))
    if principal is None:
        raise Forbidden("只有本单位文书可以发起传阅。")
    readers = list(
        User.objects.filter(pk__in=reader_ids, unit_id=handling.unit_id, status=User.Status.ACTIVE)
    )
    if not readers or len(readers) != len(set(reader_ids)):
        raise DomainError("请选择本单位在岗人员传阅。")
    with transaction.atomic(), on_behalf(actor, principal) as behalf:
        now = timezone.now()
        before = handling.circulations.count()
        Circulation.objects.bulk_create(
            [Circulation(handling=handling, reader=r, sent_by=actor, sent_at=now) for r in readers],
            ignore_conflicts=True,
        )
        added = handling.circulations.count() - before
        notify_send(
            recipients=readers,
            title="请阅：" + handling.delivery.document.title[:60],
            body="有一份收文请您传阅。",
            link=f"/handling/{handling.pk}/",
            kind="handling",
            sms=False,
        )
        audit_record(
            actor=actor,
            action="handling.circulate",
            target=handling,
            unit=handling.unit,
            on_behalf_of=behalf,
            details={"readers": reader_ids},
        )
    return added


def circulation_read(*, actor: User, handling: Handling) -> Circulation:
    """阅知: the reader (or their delegate) confirms reading; the first time is kept."""
    rows = {c.reader_id: c for c in handling.circulations.all()}
    principal = acting_as(actor, lambda p: p.pk in rows)
    if principal is None:
        raise Forbidden("该收文未传阅给您。")
    row = rows[principal.pk]
    with transaction.atomic(), on_behalf(actor, principal) as behalf:
        Circulation.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
        audit_record(
            actor=actor,
            action="handling.read",
            target=handling,
            unit=handling.unit,
            on_behalf_of=behalf,
        )
    row.refresh_from_db()
    return row
