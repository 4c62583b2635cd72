"""Writes: events (personal and leaders'), who keeps and who sees a leader's schedule, the
secret iCalendar links, and the reminder sweep. Every write checks permission first, runs in
one transaction and writes its audit event inside it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.lib.gm import sm3_hex
from wenshu.notify.services import notify_send
from wenshu.org.models import Unit
from wenshu.schedules import selectors
from wenshu.schedules.models import Event, FeedLink, ScheduleKeeper, ScheduleViewer

MAX_REMIND_MINUTES = 7 * 24 * 60
MAX_SPAN = timedelta(days=366)


@dataclass
class EventInput:
    title: str
    start_at: datetime
    end_at: datetime
    all_day: bool = False
    place: str = ""
    note: str = ""
    remind_minutes: int | None = None
    private: bool = False


def _local_midnight(moment: datetime) -> datetime:
    day = timezone.localtime(moment).date()
    return timezone.make_aware(datetime.combine(day, time.min))


def _clean(data: EventInput) -> EventInput:
    """Check the input; an all-day event runs from the first day's midnight to the midnight
    after its last day (as RFC 5545 counts DTEND of a DATE)."""
    title = data.title.strip()
    if not title or len(title) > 200:
        raise DomainError("请填写日程标题（不超过200字）。")
    start, end = data.start_at, data.end_at
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise DomainError("开始和结束时间须带时区。")
    if min(start, end).year < 1900 or max(start, end).year > 9000:  # date arithmetic overflows
        raise DomainError("日期超出可用范围，请检查年份。")
    if data.all_day:
        start, end = _local_midnight(start), _local_midnight(end) + timedelta(days=1)
    if end < start:
        raise DomainError("结束时间不能早于开始时间。")
    if end - start > MAX_SPAN:
        raise DomainError("一项日程最长不超过一年。")
    if data.remind_minutes is not None and not 0 <= data.remind_minutes <= MAX_REMIND_MINUTES:
        raise DomainError("提前提醒时间应在0到10080分钟（7天）之间。")
    if len(data.place) > 200:
        raise DomainError("地点不超过200字。")
    return EventInput(
        title=title,
        start_at=start,
        end_at=end,
        all_day=data.all_day,
        place=data.place.strip(),
        note=data.note.strip(),
        remind_minutes=data.remind_minutes,
        private=data.private,
    )


def _details(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "calendar": event.calendar,
        "owner": event.owner_id,
        "start_at": event.start_at.isoformat(),
        "end_at": event.end_at.isoformat(),
    }


def _on_behalf(actor: User, event: Event) -> User | None:
    return event.owner if event.owner_id != actor.pk else None


def event_create(*, actor: User, data: EventInput, leader: User | None = None) -> Event:
    """A personal event of the actor, or (leader given) an event in that leader's schedule,
    which only the leader and the keepers may add."""
    if leader is not None and not selectors.may_keep(actor, leader):
        if selectors.may_see(actor, leader):
            raise Forbidden("只有领导本人和指定的维护人可以维护领导日程。")
        raise NotFound(selectors.NOT_FOUND)
    clean = _clean(data)
    calendar = Event.Calendar.LEADER if leader is not None else Event.Calendar.PERSONAL
    with transaction.atomic():
        event = Event.objects.create(
            calendar=calendar, owner=leader or actor, created_by=actor, **clean.__dict__
        )
        audit_record(
            actor=actor,
            action="schedules.event_create",
            target=event,
            unit=actor.unit,
            details=_details(event),
            on_behalf_of=_on_behalf(actor, event),
        )
    return event


def _require_editor(actor: User, event: Event) -> None:
    selectors.event_for_viewer(viewer=actor, event_id=event.pk)  # 404 when not visible
    if not selectors.may_edit(actor, event):
        raise Forbidden("只有领导本人和指定的维护人可以修改领导日程。")


def event_update(*, actor: User, event: Event, data: EventInput) -> Event:
    """Change an event; a changed start time re-arms its reminder."""
    _require_editor(actor, event)
    clean = _clean(data)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        moved = locked.start_at != clean.start_at or locked.remind_minutes != clean.remind_minutes
        for name, value in clean.__dict__.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        if moved:
            locked.reminded_at = None
        locked.save()
        audit_record(
            actor=actor,
            action="schedules.event_update",
            target=locked,
            unit=actor.unit,
            details=_details(locked),
            on_behalf_of=_on_behalf(actor, locked),
        )
    return locked


def event_delete(*, actor: User, event: Event) -> None:
    _require_editor(actor, event)
    with transaction.atomic():
        details = _details(event)
        deleted, _ = Event.objects.filter(pk=event.pk).delete()
        if not deleted:
            raise Conflict("该日程已被删除。")
        audit_record(
            actor=actor,
            action="schedules.event_delete",
            unit=actor.unit,
            details={**details, "id": event.pk},
            on_behalf_of=_on_behalf(actor, event),
        )


# --- who keeps and who sees a leader's schedule --------------------------------------------


def _require_leader(actor: User) -> None:
    if not selectors.is_leader(actor):
        raise Forbidden("只有单位负责人可以指定本人日程的维护人和查看人。")


def keeper_add(*, actor: User, person: User) -> ScheduleKeeper:
    """The leader names a person of their own unit (secretary, clerk) to keep the schedule."""
    _require_leader(actor)
    if person.unit_id != actor.unit_id or person.status != User.Status.ACTIVE:
        raise DomainError("维护人须是本单位在用的工作人员。")
    if person.pk == actor.pk:
        raise DomainError("您本人就可以维护自己的日程，无需指定。")
    try:
        with transaction.atomic():
            keeper = ScheduleKeeper.objects.create(leader=actor, person=person)
            audit_record(
                actor=actor,
                action="schedules.keeper_add",
                target=person,
                unit=actor.unit,
                details={"person": person.pk},
            )
    except IntegrityError:
        raise Conflict(f"{person.real_name}已是您日程的维护人。") from None
    return keeper


def keeper_remove(*, actor: User, keeper_id: int) -> None:
    _require_leader(actor)
    with transaction.atomic():
        keeper = ScheduleKeeper.objects.filter(pk=keeper_id, leader_id=actor.pk).first()
        if keeper is None:
            raise NotFound("找不到该维护人。")
        keeper.delete()
        audit_record(
            actor=actor,
            action="schedules.keeper_remove",
            unit=actor.unit,
            details={"person": keeper.person_id},
        )


def viewer_add(
    *, actor: User, person: User | None = None, unit: Unit | None = None
) -> ScheduleViewer:
    """The leader lets one person, or every person of a unit, see the schedule."""
    _require_leader(actor)
    if (person is None) == (unit is None):
        raise DomainError("请选择一位查看人或一个查看单位（二选一）。")
    if person is not None and person.status != User.Status.ACTIVE:
        raise DomainError("查看人须是在用的账号。")
    if unit is not None and unit.status != Unit.Status.REGISTERED:
        raise DomainError("查看单位须是已注册的单位。")
    try:
        with transaction.atomic():
            row = ScheduleViewer.objects.create(leader=actor, person=person, unit=unit)
            audit_record(
                actor=actor,
                action="schedules.viewer_add",
                unit=actor.unit,
                details={"person": getattr(person, "pk", None), "unit": getattr(unit, "pk", None)},
            )
    except IntegrityError:
        raise Conflict("已经是您日程的查看人。") from None
    return row


def viewer_remove(*, actor: User, viewer_id: int) -> None:
    _require_leader(actor)
    with transaction.atomic():
        row = ScheduleViewer.objects.filter(pk=viewer_id, leader_id=actor.pk).first()
        if row is None:
            raise NotFound("找不到该查看人。")
        row.delete()
        audit_record(
            actor=actor,
            action="schedules.viewer_remove",
            unit=actor.unit,
            details={"person": row.person_id, "unit": row.unit_id},
        )


# --- the secret iCalendar link --------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)  # 32 random bytes → 43 characters


def feed_create(*, actor: User) -> str:
    """A new subscription link; the token is returned once and only its SM3 digest kept.
    Creating again while a link is live is refused (regenerate instead)."""
    if not selectors._active(actor):
        raise Forbidden("账号不可用。")
    token = _new_token()
    try:
        with transaction.atomic():
            link = FeedLink.objects.create(person=actor, digest=sm3_hex(token.encode()))
            audit_record(actor=actor, action="schedules.feed_create", target=link, unit=actor.unit)
    except IntegrityError:
        raise Conflict("您已有一个有效的订阅链接；如需新链接，请使用“重新生成”。") from None
    return token


def feed_revoke(*, actor: User) -> int:
    """Revoke the live link (it answers 404 from now on); returns how many were revoked."""
    with transaction.atomic():
        revoked = FeedLink.objects.filter(person_id=actor.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            audit_record(actor=actor, action="schedules.feed_revoke", unit=actor.unit)
    return revoked


def feed_regenerate(*, actor: User) -> str:
    """Revoke the live link and issue a new one in the same transaction."""
    with transaction.atomic():
        feed_revoke(actor=actor)
        return feed_create(actor=actor)


def feed_touch(*, link: FeedLink) -> None:
    """Note when a link was last used, at most once a minute (so a polling phone writes little)."""
    now = timezone.now()
    FeedLink.objects.filter(pk=link.pk).exclude(last_used_at__gt=now - timedelta(minutes=1)).update(
        last_used_at=now
    )


# --- reminders --------------------------------------------------------------------------------


def _remind(event: Event, now: datetime) -> bool:
    with transaction.atomic():
        claimed = Event.objects.filter(
            pk=event.pk, reminded_at__isnull=True, start_at=event.start_at
        ).update(reminded_at=now)
        if not claimed:
            return False
        recipients = [event.owner]
        if event.calendar == Event.Calendar.LEADER:
            recipients += [
                k.person
                for k in ScheduleKeeper.objects.filter(leader_id=event.owner_id).select_related(
                    "person"
                )
            ]
        start = timezone.localtime(event.start_at)
        when = f"{start:%m月%d日}全天" if event.all_day else f"{start:%m月%d日 %H:%M}"
        where = f"，地点：{event.place}" if event.place else ""
        notify_send(
            recipients=recipients,
            title=f"日程提醒：{event.title}",
            body=f"{when}{where}。",
            link=reverse("schedules:event", args=[event.pk]),
            kind="schedules.reminder",
            dedupe_key=f"schedules:event:{event.pk}:{int(event.start_at.timestamp())}",
        )
    return True


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind every event whose reminder time has come and which has not yet ended; each
    event (at a given start time) is reminded once, however often or in parallel this runs."""
    now = now or timezone.now()
    due = Event.objects.filter(
        reminded_at__isnull=True,
        remind_minutes__isnull=False,
        end_at__gte=now,
        start_at__lte=now + timedelta(minutes=MAX_REMIND_MINUTES),
    ).select_related("owner")
    sent = 0
    for event in due:
        if event.start_at - timedelta(minutes=event.remind_minutes or 0) <= now:
            sent += _remind(event, now)
    return sent
