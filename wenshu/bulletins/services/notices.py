"""Notices and public information (S1 art. 4 公共信息; S2 art. 3, 6; S4 art. 9).

An editor drafts → submits → a leader of the same unit (not the drafter) approves, and only
then is the notice published; or returns it with an opinion. The digital office withdraws a
published notice that breaks the rules. The daily clean-up archives expired notices and
reports to each unit's administrators what it removed.

Attachments go through files.services.file_ingest BEFORE these services (the caller's job):
they receive Upload rows the actor made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.audit.services import audit_record
from wenshu.bulletins import selectors
from wenshu.bulletins.models import Notice, NoticeAudience, NoticeRead
from wenshu.bulletins.permissions import is_city_admin, is_editor, is_leader
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
from wenshu.org.models import Unit, UnitGroup

Status = Notice.Status
Audience = Notice.Audience
MAX_VALID_DAYS = 365  # a notice is shown at most a year (S2 art. 6: clean out old information)
EDITOR_ONLY = "只有本单位文书、单位系统管理员或部门信息员可以拟写通知公告。"


@dataclass
class NoticeInput:
    """What the drafter fills in. `units`/`groups` count only for the 部分单位 audience."""

    title: str
    body: str
    expires_on: date | None
    kind: str = Notice.Kind.NOTICE
    audience: str = Audience.OWN
    units: Sequence[Unit] = field(default_factory=list)
    groups: Sequence[UnitGroup] = field(default_factory=list)
    pinned: bool = False
    pinned_until: date | None = None
    attachments: Sequence[Upload] = field(default_factory=list)
    drop_attachment_ids: Sequence[int] = field(default_factory=list)


def link(notice: Notice) -> str:
    return reverse("bulletins:notice", args=[notice.pk])


# --- checks --------------------------------------------------------------------------------


def check_dates(*, expires_on: date | None, pinned: bool, pinned_until: date | None) -> None:
    day = selectors.today()
    if expires_on is None:
        raise DomainError("请填写有效期（到期后通知自动下架并归档）。")
    if expires_on < day:
        raise DomainError("有效期不能早于今天。")
    if expires_on > day + timedelta(days=MAX_VALID_DAYS):
        last = day + timedelta(days=MAX_VALID_DAYS)
        raise DomainError(f"有效期最长一年，最晚可设为 {last:%Y-%m-%d}。")
    if pinned:
        if pinned_until is None:
            raise DomainError("置顶的通知请填写置顶截止日期。")
        if not day <= pinned_until <= expires_on:
            raise DomainError("置顶截止日期须在今天到有效期之间。")


def _check_audience(data: NoticeInput) -> None:
    if data.audience not in Audience.values:
        raise DomainError("请选择发布范围。")
    if data.kind not in Notice.Kind.values:
        raise DomainError("请选择通知类别。")
    if data.audience != Audience.UNITS:
        return
    if not data.units and not data.groups:
        raise DomainError("发布范围为“部分单位”时，请至少选择一个单位或单位分组。")
    for unit in data.units:
        if unit.status != Unit.Status.REGISTERED:
            raise DomainError(f"{unit.full_name}不是已注册的使用单位，不能作为发布对象。")


def _validate(actor: User, data: NoticeInput) -> tuple[str, str, list[Upload]]:
    title, body = check_text(title=data.title, body=data.body)
    _check_audience(data)
    check_dates(expires_on=data.expires_on, pinned=data.pinned, pinned_until=data.pinned_until)
    return title, body, own_uploads(actor, data.attachments)


def _require_drafter(actor: User, notice: Notice) -> None:
    current = selectors.notice_get(viewer=actor, pk=notice.pk)  # a 404 unless visible now
    if current.unit_id != actor.unit_id:
        raise NotFound(selectors.notices.NOT_FOUND)
    if current.drafted_by_id != actor.pk or not is_editor(actor):
        raise Forbidden("只有该通知的拟稿人可以修改、送审或撤回它。")


def _require_reviewer(actor: User, notice: Notice) -> None:
    if notice.unit_id != actor.unit_id:
        raise NotFound(selectors.notices.NOT_FOUND)
    if not is_leader(actor):
        raise Forbidden("只有本单位负责人可以审核通知公告（未经单位负责人同意不得发布信息）。")
    if notice.drafted_by_id == actor.pk:
        raise Forbidden("不能审核自己拟写的通知公告，请由本单位其他负责人审核。")


def _fill(notice: Notice, data: NoticeInput, title: str, body: str) -> None:
    notice.title, notice.body, notice.kind = title, body, data.kind
    notice.audience = data.audience
    notice.expires_on = cast(date, data.expires_on)  # check_dates refused a missing date
    notice.pinned = data.pinned
    notice.pinned_until = data.pinned_until if data.pinned else None


def _save_audience(notice: Notice, data: NoticeInput) -> None:
    units = data.units if data.audience == Audience.UNITS else []
    groups = data.groups if data.audience == Audience.UNITS else []
    notice.audience_units.set(units)
    notice.audience_groups.set(groups)


# --- drafting ------------------------------------------------------------------------------


def notice_create(*, actor: User, data: NoticeInput) -> Notice:
    """An editor starts a draft in the unit's name."""
    if not is_editor(actor):
        raise Forbidden(EDITOR_ONLY)
    with transaction.atomic():
        title, body, uploads = _validate(actor, data)
        now = timezone.now()
        notice = Notice(unit_id=actor.unit_id, drafted_by=actor, created_at=now, updated_at=now)
        _fill(notice, data, title, body)
        notice.save()
        _save_audience(notice, data)
        attach(notice.attachments, uploads=uploads)
        audit_record(
            actor=actor,
            action="bulletins.notice_drafted",
            target=notice,
            details={
                "title": title,
                "audience": notice.audience,
                "attachments": [u.pk for u in uploads],
            },
        )
    return notice


def notice_update(*, actor: User, notice: Notice, data: NoticeInput) -> Notice:
    """The drafter changes a draft or a returned notice."""
    _require_drafter(actor, notice)
    with transaction.atomic():
        locked = selectors.notice_get(viewer=actor, pk=notice.pk, lock=True)
        notice_check_editable(actor=actor, notice=locked)
        title, body, uploads = _validate(actor, data)
        _fill(locked, data, title, body)
        locked.updated_at = timezone.now()
        locked.save()
        _save_audience(locked, data)
        attach(locked.attachments, uploads=uploads, drop_ids=data.drop_attachment_ids)
        audit_record(
            actor=actor,
            action="bulletins.notice_edited",
            target=locked,
            details={
                "title": title,
                "added": [u.pk for u in uploads],
                "dropped": list(data.drop_attachment_ids),
            },
        )
    return locked


def notice_check_editable(*, actor: User, notice: Notice) -> None:
    """Refuse (before showing an edit form) unless the actor may edit the notice now."""
    _require_drafter(actor, notice)
    if not notice.editable:
        raise Conflict(
            f"该通知当前为“{notice.get_status_display()}”，不能修改。送审中的通知请先撤回。"
        )


def notice_submit(*, actor: User, notice: Notice) -> Notice:
    """The drafter sends the notice to the unit's leaders for approval."""
    _require_drafter(actor, notice)
    with transaction.atomic():
        locked = selectors.notice_get(viewer=actor, pk=notice.pk, lock=True)
        locked.move_to(Status.SUBMITTED)
        check_dates(
            expires_on=locked.expires_on, pinned=locked.pinned, pinned_until=locked.pinned_until
        )
        locked.submitted_at = locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(actor=actor, action="bulletins.notice_submitted", target=locked)
        leaders = [p for p in unit_people(locked.unit_id, Role.UNIT_LEADER) if p.pk != actor.pk]
        notify(
            leaders,
            title=f"待审核通知：{locked.title}",
            sms=True,
            link=link(locked),
            body=f"{actor.display_name}拟写的通知公告等待您审核后发布。",
        )
    return locked


def notice_recall(*, actor: User, notice: Notice) -> Notice:
    """The drafter takes a submitted notice back to draft (before a leader decided)."""
    _require_drafter(actor, notice)
    with transaction.atomic():
        locked = selectors.notice_get(viewer=actor, pk=notice.pk, lock=True)
        locked.move_to(Status.DRAFT)
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="bulletins.notice_recalled", target=locked)
    return locked


# --- review --------------------------------------------------------------------------------


def _fix_audience(notice: Notice) -> int:
    """Record the units the notice reaches now (groups resolved; the publisher included)."""
    if notice.audience == Audience.CITY:
        return 0
    ids = {notice.unit_id}
    if notice.audience == Audience.UNITS:
        ids |= set(notice.audience_units.values_list("pk", flat=True))
        ids |= set(
            Unit.objects.filter(groups__in=notice.audience_groups.all()).values_list(
                "pk", flat=True
            )
        )
    ids = set(
        Unit.objects.filter(pk__in=ids, status=Unit.Status.REGISTERED).values_list("pk", flat=True)
    ) | {notice.unit_id}
    NoticeAudience.objects.bulk_create(
        [NoticeAudience(notice=notice, unit_id=i) for i in sorted(ids)], ignore_conflicts=True
    )
    return len(ids)


def notice_approve(*, actor: User, notice: Notice, opinion: str = "") -> Notice:
    """A leader of the unit (not the drafter) agrees: the notice is published now."""
    _require_reviewer(actor, notice)
    opinion = check_opinion(opinion)
    with transaction.atomic():
        locked = selectors.notice_get(viewer=actor, pk=notice.pk, lock=True)
        locked.move_to(Status.PUBLISHED)
        if locked.expires_on < selectors.today():
            raise Conflict("该通知的有效期已过，不能发布。请退回拟稿人修改有效期。")
        now = timezone.now()
        locked.reviewed_by, locked.reviewed_at, locked.review_opinion = actor, now, opinion
        locked.published_at = locked.updated_at = now
        locked.save()
        units = _fix_audience(locked)
        audit_record(
            actor=actor,
            action="bulletins.notice_published",
            target=locked,
            details={
                "opinion": opinion,
                "audience": locked.audience,
                "units": units,
                "expires_on": locked.expires_on,
            },
        )
        notify(
            [locked.drafted_by],
            title=f"通知已发布：{locked.title}",
            link=link(locked),
            body=f"{actor.display_name}已审核同意，通知公告已发布。",
        )
    return locked


def notice_return(*, actor: User, notice: Notice, opinion: str) -> Notice:
    """A leader of the unit sends the notice back to its drafter with an opinion."""
    _require_reviewer(actor, notice)
    opinion = check_opinion(opinion, required="退回时请填写意见，说明需要修改的地方。")
    with transaction.atomic():
        locked = selectors.notice_get(viewer=actor, pk=notice.pk, lock=True)
        locked.move_to(Status.RETURNED)
        now = timezone.now()
        locked.reviewed_by, locked.reviewed_at, locked.review_opinion = actor, now, opinion
        locked.updated_at = now
        locked.save()
        audit_record(
            actor=actor,
            action="bulletins.notice_returned",
            target=locked,
            details={"opinion": opinion},
        )
        notify(
            [locked.drafted_by],
            title=f"通知被退回：{locked.title}",
            link=link(locked),
            body=f"{actor.display_name}退回了通知公告，意见：{opinion}",
        )
    return locked


def notice_withdraw(*, actor: User, notice: Notice, reason: str) -> Notice:
    """The digital office takes down a published notice that breaks the rules (S2 art. 3)."""
    if not is_city_admin(actor):
        raise Forbidden("只有市数字办管理员可以撤下违规信息。")
    reason = check_opinion(reason, required="请填写撤下原因。")
    with transaction.atomic():
        locked = selectors.notice_get(viewer=actor, pk=notice.pk, lock=True)
        locked.move_to(Status.WITHDRAWN)
        now = timezone.now()
        locked.withdrawn_by, locked.withdrawn_at, locked.withdraw_reason = actor, now, reason
        locked.updated_at = now
        locked.save()
        audit_record(
            actor=actor,
            action="bulletins.notice_withdrawn",
            target=locked,
            unit=locked.unit,
            details={"reason": reason, "title": locked.title},
        )
        publishers = [p for p in (locked.drafted_by, locked.reviewed_by) if p is not None]
        notify(
            publishers,
            title=f"通知已被市数字办撤下：{locked.title}",
            link=link(locked),
            sms=True,
            body=f"撤下原因：{reason}",
        )
    return locked


def notice_mark_read(*, viewer: User, notice: Notice) -> None:
    """Record the viewer's first reading of a notice addressed to them (later readings change
    nothing; the digital office looking at another unit's notice is not a reader)."""
    if not selectors.is_addressed_to(viewer, notice):
        return
    NoticeRead.objects.bulk_create(
        [NoticeRead(notice=notice, reader=viewer, unit_id=viewer.unit_id, read_at=timezone.now())],
        ignore_conflicts=True,
    )
