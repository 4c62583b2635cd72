"""Reads, always scoped to the viewer. A leader's schedule the viewer may not see, or another
person's event, is a 404 (NotFound), never a 403."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import NotFound
from wenshu.lib.gm import sm3_hex
from wenshu.meetings.selectors import meetings_for_person
from wenshu.schedules.models import Event, FeedLink, ScheduleKeeper, ScheduleViewer

NOT_FOUND = "找不到该日程，或您无权查看。"


def _active(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.status == User.Status.ACTIVE)


def is_leader(person: Any) -> bool:
    return _active(person) and person.has_role(Role.UNIT_LEADER)


def may_keep(viewer: Any, leader: Any) -> bool:
    """The leader and the people they named keep (add, change, delete) the schedule."""
    if not (_active(viewer) and is_leader(leader)):
        return False
    return (
        viewer.pk == leader.pk
        or ScheduleKeeper.objects.filter(leader_id=leader.pk, person_id=viewer.pk).exists()
    )


def _viewer_rows(viewer: Any) -> QuerySet[ScheduleViewer]:
    return ScheduleViewer.objects.filter(Q(person_id=viewer.pk) | Q(unit_id=viewer.unit_id))


def may_see(viewer: Any, leader: Any) -> bool:
    if may_keep(viewer, leader):
        return True
    return (
        _active(viewer)
        and is_leader(leader)
        and _viewer_rows(viewer).filter(leader_id=leader.pk).exists()
    )


def leader_for_viewer(*, viewer: Any, leader_id: int) -> User:
    """The leader whose schedule the viewer may see, else NotFound."""
    leader = User.objects.select_related("unit").filter(pk=leader_id).first()
    if leader is None or not may_see(viewer, leader):
        raise NotFound(NOT_FOUND)
    return leader


def leaders_for_viewer(*, viewer: Any) -> list[User]:
    """Every leader whose schedule the viewer sees or keeps (themselves first if a leader)."""
    if not _active(viewer):
        return []
    keeps = ScheduleKeeper.objects.filter(person_id=viewer.pk)
    ids = set(keeps.values_list("leader_id", flat=True))
    ids |= set(_viewer_rows(viewer).values_list("leader_id", flat=True))
    if is_leader(viewer):
        ids.add(viewer.pk)
    people = User.objects.filter(pk__in=ids, status=User.Status.ACTIVE).select_related("unit")
    leaders = [p for p in people if is_leader(p)]
    return sorted(leaders, key=lambda p: (p.pk != viewer.pk, p.unit_id, p.real_name, p.pk))


def _visible_leader_ids(viewer: Any) -> tuple[set[int], set[int]]:
    """(leaders the viewer keeps, leaders the viewer only views)."""
    leaders = leaders_for_viewer(viewer=viewer)
    kept = {p.pk for p in leaders if may_keep(viewer, p)}
    return kept, {p.pk for p in leaders} - kept


def _visible_events(viewer: Any) -> QuerySet[Event]:
    if not _active(viewer):
        return Event.objects.none()
    kept, viewed = _visible_leader_ids(viewer)
    mine = Q(calendar=Event.Calendar.PERSONAL, owner_id=viewer.pk)
    keeps = Q(calendar=Event.Calendar.LEADER, owner_id__in=kept)
    views = Q(calendar=Event.Calendar.LEADER, owner_id__in=viewed, private=False)
    return Event.objects.filter(mine | keeps | views).select_related("owner")


def event_for_viewer(*, viewer: Any, event_id: int) -> Event:
    event = _visible_events(viewer).filter(pk=event_id).first()
    if event is None:
        raise NotFound(NOT_FOUND)
    return event


def may_edit(viewer: Any, event: Event) -> bool:
    if event.calendar == Event.Calendar.PERSONAL:
        return _active(viewer) and event.owner_id == viewer.pk
    return may_keep(viewer, event.owner)


@dataclass(frozen=True)
class Item:
    """One line of a calendar: an event or a meeting (read-only, linked to its page)."""

    kind: str  # "personal" | "leader" | "meeting"
    pk: int
    title: str
    start: datetime
    end: datetime
    all_day: bool
    place: str
    link: str
    label: str  # whose calendar: 个人 / 某领导 / 会议
    uid: str
    note: str = ""
    updated_at: datetime | None = None


def _event_item(event: Event) -> Item:
    leader = event.calendar == Event.Calendar.LEADER
    return Item(
        kind=event.calendar,
        pk=event.pk,
        title=event.title,
        start=event.start_at,
        end=event.end_at,
        all_day=event.all_day,
        place=event.place,
        link=reverse("schedules:event", args=[event.pk]),
        label=f"{event.owner.real_name}日程" if leader else "个人",
        uid=f"event-{event.pk}@wenshu",
        note=event.note,
        updated_at=event.updated_at,
    )


def _meeting_items(viewer: Any, start: datetime, end: datetime) -> list[Item]:
    return [
        Item(
            kind="meeting",
            pk=m.pk,
            title=m.title,
            start=m.start_at,
            end=m.end_at,
            all_day=False,
            place=m.place,
            link=reverse("meetings:detail", args=[m.pk]),
            label="会议",
            uid=f"meeting-{m.pk}@wenshu",
            updated_at=m.created_at,
        )
        for m in meetings_for_person(viewer=viewer, start=start, end=end)
    ]


def _overlapping(events: QuerySet[Event], start: datetime, end: datetime) -> QuerySet[Event]:
    return events.filter(start_at__lt=end, end_at__gt=start) | events.filter(
        start_at__gte=start, start_at__lt=end
    )  # zero-length events at `start` count too


def items_for_person(*, viewer: Any, start: datetime, end: datetime) -> list[Item]:
    """Everything the person sees in [start, end): own events, the leader schedules they see
    or keep, and the meetings they are invited to or named for."""
    events = _overlapping(_visible_events(viewer), start, end)
    items = [_event_item(e) for e in events] + _meeting_items(viewer, start, end)
    return sorted(items, key=lambda i: (i.start, i.kind, i.pk))


def items_for_leader(*, viewer: Any, leader: User, start: datetime, end: datetime) -> list[Item]:
    """One leader's schedule as the viewer may see it (private events only for keepers)."""
    if not may_see(viewer, leader):
        raise NotFound(NOT_FOUND)
    events = Event.objects.filter(calendar=Event.Calendar.LEADER, owner_id=leader.pk)
    if not may_keep(viewer, leader):
        events = events.filter(private=False)
    return [_event_item(e) for e in _overlapping(events.select_related("owner"), start, end)]


def keepers_of(*, viewer: Any, leader: User) -> QuerySet[ScheduleKeeper]:
    if not may_see(viewer, leader):
        raise NotFound(NOT_FOUND)
    return ScheduleKeeper.objects.filter(leader_id=leader.pk).select_related("person")


def viewers_of(*, viewer: Any, leader: User) -> QuerySet[ScheduleViewer]:
    if not may_see(viewer, leader):
        raise NotFound(NOT_FOUND)
    return ScheduleViewer.objects.filter(leader_id=leader.pk).select_related("person", "unit")


def keeper_candidates(*, viewer: Any) -> QuerySet[User]:
    """A leader names keepers from their own unit."""
    if not is_leader(viewer):
        return User.objects.none()
    return (
        User.objects.filter(unit_id=viewer.unit_id, status=User.Status.ACTIVE)
        .exclude(pk=viewer.pk)
        .order_by("real_name", "id")
    )


def live_feed(*, viewer: Any) -> FeedLink | None:
    if not _active(viewer):
        return None
    return FeedLink.objects.filter(person_id=viewer.pk, revoked_at__isnull=True).first()


def feed_by_token(*, token: str) -> FeedLink:
    """The live link for a token, else NotFound (revoked, regenerated, unknown or inactive)."""
    link = (
        FeedLink.objects.select_related("person")
        .filter(digest=sm3_hex(token.encode()), revoked_at__isnull=True)
        .first()
    )
    if link is None or not _active(link.person):
        raise NotFound("该订阅链接不存在或已失效。")
    return link
