"""Reads of notices, always for a viewer: a notice the viewer may not see is a 404.

Who sees a notice:
- its drafter, while it is a draft;
- the publishing unit's editors and leaders, in every other state;
- while published and not past its expiry date: the publishing unit's people and its
  audience (every unit for 全市; the units fixed at publication otherwise);
- the digital office: published, archived and withdrawn notices of every unit (oversight).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.bulletins.models import Notice, NoticeAttachment, NoticeAudience, NoticeRead
from wenshu.bulletins.permissions import (
    is_active_person,
    is_city_admin,
    is_leader,
    is_manager,
)
from wenshu.lib.errors import Forbidden, NotFound
from wenshu.org.models import Unit

Status = Notice.Status
NOT_FOUND = "找不到该通知，或您无权查看。"
OVERSIGHT_STATUSES = (Status.PUBLISHED, Status.ARCHIVED, Status.WITHDRAWN)


def today() -> date:
    """Today in Asia/Shanghai: expiry and pinning are calendar dates there."""
    return timezone.localdate()


def _reaches(viewer: User) -> Q:
    reached = NoticeAudience.objects.filter(notice=OuterRef("pk"), unit_id=viewer.unit_id)
    return (Q(audience=Notice.Audience.CITY) | Q(unit_id=viewer.unit_id)) | Q(Exists(reached))


def _search(qs: QuerySet[Notice], q: str) -> QuerySet[Notice]:
    q = (q or "").strip()
    return qs.filter(Q(title__icontains=q) | Q(body__icontains=q)) if q else qs


def notices_for_reading(
    *,
    viewer: User,
    q: str = "",
    unit_id: int | None = None,
    kind: str = "",
    unread: bool = False,
) -> QuerySet[Notice]:
    """Published, unexpired notices addressed to the viewer's unit: pinned first, newest next.
    Each row carries `is_read` and `pinned_now`."""
    if not is_active_person(viewer):
        return Notice.objects.none()
    day = today()
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), reader_id=viewer.pk)
    qs = (
        Notice.objects.filter(status=Status.PUBLISHED, expires_on__gte=day)
        .filter(_reaches(viewer))
        .annotate(
            is_read=Exists(read),
            pinned_now=Case(
                When(pinned=True, pinned_until__gte=day, then=True),
                default=False,
                output_field=BooleanField(),
            ),
        )
        .select_related("unit")
    )
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if kind:
        qs = qs.filter(kind=kind)
    if unread:
        qs = qs.filter(is_read=False)
    return _search(qs, q).order_by(F("pinned_now").desc(), "-published_at", "-id")


def notices_unread_count(*, viewer: User) -> int:
    return notices_for_reading(viewer=viewer, unread=True).count()


def is_addressed_to(viewer: User, notice: Notice) -> bool:
    """Published, not expired, and reaching the viewer's unit (its audience or publisher)."""
    if not is_active_person(viewer):
        return False
    if notice.status != Status.PUBLISHED or notice.expires_on < today():
        return False
    if notice.unit_id == viewer.unit_id or notice.audience == Notice.Audience.CITY:
        return True
    return NoticeAudience.objects.filter(notice=notice, unit_id=viewer.unit_id).exists()


def may_view_notice(viewer: User, notice: Notice) -> bool:
    if not is_active_person(viewer):
        return False
    if notice.unit_id == viewer.unit_id and is_manager(viewer):
        return notice.status != Status.DRAFT or notice.drafted_by_id == viewer.pk
    if is_city_admin(viewer) and notice.status in OVERSIGHT_STATUSES:
        return True
    return is_addressed_to(viewer, notice)


def notice_get(*, viewer: User, pk: int, lock: bool = False) -> Notice:
    """One notice the viewer may see (`lock`: row-locked for a service's transaction)."""
    qs = Notice.objects.select_related("unit", "drafted_by", "reviewed_by", "withdrawn_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    notice = qs.filter(pk=pk).first()
    if notice is None or not may_view_notice(viewer, notice):
        raise NotFound(NOT_FOUND)
    return notice


def notices_of_unit(*, viewer: User, status: str = "", q: str = "") -> QuerySet[Notice]:
    """The viewer's unit's notices in every state (editors and leaders); others' drafts hidden."""
    if not is_manager(viewer):
        raise Forbidden("只有本单位文书、信息员、单位系统管理员和负责人可以管理本单位的通知公告。")
    qs = Notice.objects.filter(unit_id=viewer.unit_id).exclude(
        Q(status=Status.DRAFT) & ~Q(drafted_by_id=viewer.pk)
    )
    if status:
        qs = qs.filter(status=status)
    return _search(qs, q).select_related("drafted_by", "reviewed_by").order_by("-updated_at", "-id")


def notices_pending_review(*, viewer: User) -> QuerySet[Notice]:
    """Submitted notices of the leader's unit that someone else drafted."""
    if not is_leader(viewer):
        raise Forbidden("只有单位负责人可以审核通知公告。")
    return (
        Notice.objects.filter(unit_id=viewer.unit_id, status=Status.SUBMITTED)
        .exclude(drafted_by_id=viewer.pk)
        .select_related("drafted_by")
        .order_by("submitted_at", "id")
    )


def notices_pending_count(*, viewer: User) -> int:
    return notices_pending_review(viewer=viewer).count() if is_leader(viewer) else 0


def notices_city(
    *,
    viewer: User,
    status: str = "",
    unit_id: int | None = None,
    q: str = "",
) -> QuerySet[Notice]:
    """Every unit's published, archived and withdrawn notices (the digital office)."""
    if not is_city_admin(viewer):
        raise Forbidden("此页面仅供市数字办管理员使用。")
    qs = Notice.objects.filter(status__in=OVERSIGHT_STATUSES)
    if status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return _search(qs, q).select_related("unit").order_by("-published_at", "-id")


def notice_attachments(*, notice: Notice) -> QuerySet[NoticeAttachment]:
    """The attachments of a notice the caller already fetched through notice_get."""
    return notice.attachments.select_related("upload__stored_file")


def notice_attachment_get(*, viewer: User, notice_pk: int, attachment_pk: int) -> NoticeAttachment:
    notice = notice_get(viewer=viewer, pk=notice_pk)
    found = notice_attachments(notice=notice).filter(pk=attachment_pk).first()
    if found is None:
        raise NotFound("找不到该附件，或您无权查看。")
    return found


def notice_reached_units(*, notice: Notice) -> QuerySet[Unit]:
    """The units a published notice reached (every registered unit for 全市)."""
    if notice.audience == Notice.Audience.CITY:
        return Unit.objects.filter(status=Unit.Status.REGISTERED).order_by("id")
    return Unit.objects.filter(pk__in=notice.reached.values("unit_id")).order_by("id")


# --- read statistics ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitReads:
    unit_id: int
    unit_name: str
    readers: int
    people: int  # active people of the unit now


@dataclass(frozen=True)
class ReadStats:
    units: list[UnitReads]  # empty unless the viewer is on the publishing side
    total_readers: int
    own_unit_readers: list[Any]  # NoticeRead rows of the viewer's own unit


def _per_unit(notice: Notice) -> list[UnitReads]:
    units = list(notice_reached_units(notice=notice).only("id", "full_name"))
    ids = [u.pk for u in units]
    reads = dict(
        notice.reads.filter(unit_id__in=ids)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    people = dict(
        User.objects.filter(unit_id__in=ids, status=User.Status.ACTIVE)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    rows = [UnitReads(u.pk, u.full_name, reads.get(u.pk, 0), people.get(u.pk, 0)) for u in units]
    return sorted(rows, key=lambda r: (-r.readers, r.unit_id))


def notice_read_stats(*, viewer: User, notice: Notice) -> ReadStats:
    """Counts per unit for the publishing unit's editors and leaders and the digital office;
    the names of the readers of their own unit for every unit's editors and leaders."""
    publisher_side = (notice.unit_id == viewer.unit_id and is_manager(viewer)) or is_city_admin(
        viewer
    )
    if not (publisher_side or is_manager(viewer)):
        raise Forbidden("阅读情况只供发布单位及各单位的文书、信息员和负责人查看。")
    own = (
        list(notice.reads.filter(unit_id=viewer.unit_id).select_related("reader"))
        if is_manager(viewer)
        else []
    )
    return ReadStats(
        units=_per_unit(notice) if publisher_side else [],
        total_readers=notice.reads.count() if publisher_side else len(own),
        own_unit_readers=own,
    )
