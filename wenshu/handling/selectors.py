"""Reads of 收文办理, always for a viewer: the people of the handling unit (and anyone standing
in for one of them) see its handlings; anyone else gets a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.exchange.models import Delivery
from wenshu.handling.models import Circulation, Delegation, Handling
from wenshu.handling.services.delegation import principals_now, shown_as
from wenshu.lib.errors import NotFound
from wenshu.workflow import selectors as wf
from wenshu.workflow.models import WorkItem

_NOT_FOUND = "找不到该收文办理，或您无权查看。"


def _unit_ids(viewer: User) -> set[int]:
    if not viewer.is_active:
        return set()
    return {p.unit_id for p in [viewer, *principals_now(viewer)] if p.unit_id}


def handlings_for(*, viewer: User, status: str = "") -> QuerySet[Handling]:
    qs = Handling.objects.filter(unit_id__in=_unit_ids(viewer))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("delivery__document", "imported_by", "on_behalf_of")


def awaiting_me(*, viewer: User) -> QuerySet[Handling]:
    """Handlings under way with a step (拟办, 批示, 承办, 办结, 归档) waiting for the viewer or for
    someone they stand in for: the 待办收文 of the workbench, oldest first."""
    waiting = wf.todo_for(viewer=viewer).order_by().values("instance_id")
    return (
        Handling.objects.filter(status=Handling.Status.HANDLING, process_id__in=waiting)
        .select_related("delivery__document", "delivery__dispatch")
        .order_by("imported_at", "id")
    )


def awaiting_me_count(*, viewer: User) -> int:
    return awaiting_me(viewer=viewer).count()


def handling_get(*, viewer: User, pk: int) -> Handling:
    handling = handlings_for(viewer=viewer).filter(pk=pk).first()
    if handling is None:
        raise NotFound(_NOT_FOUND)
    return handling


def importable(*, viewer: User) -> QuerySet[Delivery]:
    """Signed-for deliveries of the units whose clerk the viewer is (or stands in for)."""
    units = {
        p.unit_id
        for p in [viewer, *principals_now(viewer)]
        if p.is_active and p.has_role(Role.CLERK)
    }
    return (
        Delivery.objects.filter(
            recipient_unit_id__in=units, status=Delivery.Status.SIGNED, handling__isnull=True
        )
        .select_related("document")
        .order_by("-signed_at")
    )


def delivery_for_import(*, viewer: User, pk: int) -> Delivery:
    delivery = Delivery.objects.filter(pk=pk, recipient_unit_id__in=_unit_ids(viewer)).first()
    if delivery is None:
        raise NotFound("找不到该收文，或您无权办理。")
    return delivery


@dataclass(frozen=True)
class SheetStep:
    """One line of the 收文处理笺: step, opinion, who (张三（代李四）), when."""

    step: str
    decision: str
    opinion: str
    person: str
    at: datetime | None
    department: str


def sheet(*, viewer: User, handling: Handling) -> list[SheetStep]:
    instance = wf.instance_get(viewer=viewer, pk=handling.process_id)
    return [
        SheetStep(
            step=i.name,
            decision=i.decision_label,
            opinion=i.opinion,
            person=shown_as(i.completed_by, i.on_behalf_of),
            at=i.completed_at,
            department=i.candidate_department.name if i.candidate_department else "",
        )
        for i in wf.history_for(viewer=viewer, instance=instance)
        if i.status == "done" and i.completed_by is not None
    ]


def open_items_for(*, viewer: User, handling: Handling) -> list[WorkItem]:
    """Open items of this handling the viewer may act on (themselves or as a delegate)."""
    items = WorkItem.objects.filter(instance_id=handling.process_id, status=WorkItem.Status.OPEN)
    return [
        i
        for i in items.select_related("candidate_department")
        if wf.acting_for(viewer=viewer, item=i) is not None
    ]


def open_steps(*, handling: Handling) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(
            instance_id=handling.process_id, status=WorkItem.Status.OPEN
        ).select_related("assignee", "candidate_department")
    )


def circulations(*, handling: Handling) -> QuerySet[Circulation]:
    return handling.circulations.select_related("reader", "sent_by")


def delegations_of(*, viewer: User) -> dict[str, list[Delegation]]:
    """The viewer's delegations out (to a delegate) and in (standing in for someone)."""
    rel = ("principal", "delegate")
    return {
        "mine": list(Delegation.objects.filter(principal=viewer).select_related(*rel)[:50]),
        "for_others": list(Delegation.objects.filter(delegate=viewer).select_related(*rel)[:50]),
    }


def delegation_get(*, viewer: User, pk: int) -> Delegation:
    row = Delegation.objects.filter(pk=pk, principal=viewer).first()
    if row is None:
        raise NotFound("找不到该代办委托。")
    return row


def delegation_active(d: Delegation) -> bool:
    now = timezone.now()
    return d.revoked_at is None and d.starts_at <= now < d.ends_at
