"""Reads of meeting notices, always for a viewer. A meeting the viewer has nothing to do with
does not exist for them (404).

Who sees a meeting:
- the organising unit's clerks and leaders (and the organiser) — they also manage it;
- a person invited by name, and everyone named to attend;
- an invited unit's clerks and leaders (they reply for the unit and name who goes);
- a clerk of a personally invited person's unit (S2 第二条: the unit's clerk handles the
  meeting notices that reach the unit, and may reply for the person).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.errors import NotFound
from wenshu.meetings.models import Attendee, Invitation, Meeting
from wenshu.org.models import Unit

UNIT_HANDLERS = (Role.CLERK, Role.UNIT_LEADER)  # reply for their unit; organise meetings
NOT_FOUND = "找不到该会议通知，或您无权查看。"


def _active(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.is_active)


def may_organise(viewer: Any) -> bool:
    """A clerk or leader may send meeting notices in their unit's name."""
    return _active(viewer) and viewer.has_role(*UNIT_HANDLERS)


def may_manage(viewer: Any, meeting: Meeting) -> bool:
    """The organising unit's clerks and leaders (and the organiser) run the meeting."""
    if not _active(viewer) or viewer.unit_id != meeting.organiser_unit_id:
        return False
    return viewer.pk == meeting.organiser_id or viewer.has_role(*UNIT_HANDLERS)


def _answerable_q(viewer: User) -> Q:
    """Invitations the viewer may reply to (and whose receipt they record)."""
    q = Q(kind=Invitation.Kind.PERSON, person_id=viewer.pk)
    if viewer.has_role(*UNIT_HANDLERS):
        q |= Q(kind=Invitation.Kind.UNIT, unit_id=viewer.unit_id)
    if viewer.has_role(Role.CLERK):
        q |= Q(kind=Invitation.Kind.PERSON, unit_id=viewer.unit_id)
    return q


def can_answer(viewer: Any, invitation: Invitation) -> bool:
    if not _active(viewer):
        return False
    if invitation.kind == Invitation.Kind.PERSON and invitation.person_id == viewer.pk:
        return True
    if invitation.unit_id != viewer.unit_id:
        return False
    if invitation.kind == Invitation.Kind.UNIT:
        return viewer.has_role(*UNIT_HANDLERS)
    return viewer.has_role(Role.CLERK)


def meetings_visible(*, viewer: Any) -> QuerySet[Meeting]:
    if not _active(viewer):
        return Meeting.objects.none()
    invited = Invitation.objects.filter(_answerable_q(viewer)).values("meeting_id")
    named = Attendee.objects.filter(person_id=viewer.pk).values("meeting_id")
    q = Q(pk__in=invited) | Q(pk__in=named) | Q(organiser_id=viewer.pk)
    if viewer.has_role(*UNIT_HANDLERS):
        q |= Q(organiser_unit_id=viewer.unit_id)
    return Meeting.objects.filter(q).select_related("organiser_unit", "organiser")


def meeting_get(*, viewer: Any, pk: int) -> Meeting:
    meeting = meetings_visible(viewer=viewer).filter(pk=pk).first()
    if meeting is None:
        raise NotFound(NOT_FOUND)
    return meeting


def meeting_get_managed(*, viewer: Any, pk: int) -> Meeting:
    """A meeting the viewer runs; to everyone else (invitees included) it is a 404."""
    meeting = meeting_get(viewer=viewer, pk=pk)
    if not may_manage(viewer, meeting):
        raise NotFound(NOT_FOUND)
    return meeting


def _my_invitations(viewer: User) -> Prefetch:
    return Prefetch(
        "invitations",
        queryset=Invitation.objects.filter(_answerable_q(viewer)).select_related("person", "unit"),
        to_attr="my_invitations",
    )


def meetings_received(*, viewer: Any) -> QuerySet[Meeting]:
    """Meetings the viewer is invited to, replies to for their unit, or is named to attend."""
    if not _active(viewer):
        return Meeting.objects.none()
    invited = Invitation.objects.filter(_answerable_q(viewer)).values("meeting_id")
    named = Attendee.objects.filter(person_id=viewer.pk).values("meeting_id")
    return (
        Meeting.objects.filter(Q(pk__in=invited) | Q(pk__in=named))
        .select_related("organiser_unit")
        .prefetch_related(_my_invitations(viewer))
        .order_by("-start_at", "-id")
    )


def meetings_organised(*, viewer: Any) -> QuerySet[Meeting]:
    """Meetings of the viewer's unit, with reply counts, for its clerks and leaders."""
    if not may_organise(viewer):
        return Meeting.objects.none()
    answered = ~Q(invitations__reply=Invitation.Reply.PENDING)
    return (
        Meeting.objects.filter(organiser_unit_id=viewer.unit_id)
        .select_related("organiser_unit", "organiser")
        .annotate(
            invited=Count("invitations", distinct=True),
            replied=Count("invitations", filter=answered, distinct=True),
        )
        .order_by("-start_at", "-id")
    )


def invitations_answerable(*, viewer: Any, meeting: Meeting) -> list[Invitation]:
    if not _active(viewer):
        return []
    return list(
        meeting.invitations.filter(_answerable_q(viewer))
        .select_related("person", "unit", "replied_by", "received_by")
        .prefetch_related("attendees")
    )


def invitation_get(*, viewer: Any, meeting: Meeting, pk: int) -> Invitation:
    """One invitation of `meeting` the viewer may answer; any other is a 404."""
    found = next(
        (i for i in invitations_answerable(viewer=viewer, meeting=meeting) if i.pk == pk), None
    )
    if found is None:
        raise NotFound("找不到该回执，或您无权代为回复。")
    return found


def attendance_of(*, viewer: Any, meeting: Meeting) -> Attendee | None:
    """The viewer's own place on the attendance list, if they have one."""
    if not _active(viewer):
        return None
    return meeting.attendees.filter(person_id=viewer.pk).first()


def meeting_table(*, viewer: Any, meeting: Meeting) -> list[Invitation]:
    """Every invitation with its reply and attendees: the organiser's live table."""
    if not may_manage(viewer, meeting):
        raise NotFound(NOT_FOUND)
    attendees = Attendee.objects.select_related("person").order_by("id")
    return list(
        meeting.invitations.select_related("person", "unit", "received_by", "replied_by")
        .prefetch_related(Prefetch("attendees", queryset=attendees))
        .order_by("kind", "unit_id", "id")
    )


def table_summary(rows: list[Invitation]) -> dict[str, int]:
    """Counts over the rows of meeting_table (no queries)."""
    attendees = [a for row in rows for a in row.attendees.all()]
    return {
        "invited": len(rows),
        "received": sum(1 for r in rows if r.received_at),
        "replied": sum(1 for r in rows if r.reply != Invitation.Reply.PENDING),
        "pending": sum(1 for r in rows if r.reply == Invitation.Reply.PENDING),
        "absent": sum(1 for r in rows if r.reply == Invitation.Reply.ABSENT),
        "attendees": len(attendees),
        "signed_in": sum(1 for a in attendees if a.signed_in_at),
    }


def materials_of(*, viewer: Any, meeting: Meeting) -> list[Any]:
    meeting_get(viewer=viewer, pk=meeting.pk)
    return list(meeting.materials.select_related("upload", "upload__stored_file"))


def material_get(*, viewer: Any, meeting: Meeting, upload_id: int) -> Any:
    found = next(
        (m for m in materials_of(viewer=viewer, meeting=meeting) if m.upload_id == upload_id), None
    )
    if found is None:
        raise NotFound("找不到该会议材料，或您无权查看。")
    return found.upload


def pending_reply_count(*, viewer: Any) -> int:
    """Invitations waiting for the viewer's reply (their own, or their unit's)."""
    if not _active(viewer):
        return 0
    return Invitation.objects.filter(
        _answerable_q(viewer),
        reply=Invitation.Reply.PENDING,
        meeting__status=Meeting.Status.SENT,
        meeting__reply_deadline__gte=timezone.now(),
    ).count()


def meetings_for_person(*, viewer: Any, start: datetime, end: datetime) -> QuerySet[Meeting]:
    """Meetings the person is invited to by name or named to attend, overlapping
    [start, end), cancelled ones left out — for the schedules (calendars, iCalendar feed)."""
    if not _active(viewer):
        return Meeting.objects.none()
    invited = Invitation.objects.filter(kind=Invitation.Kind.PERSON, person_id=viewer.pk)
    named = Attendee.objects.filter(person_id=viewer.pk)
    return (
        Meeting.objects.filter(
            Q(pk__in=invited.values("meeting_id")) | Q(pk__in=named.values("meeting_id"))
        )
        .filter(status=Meeting.Status.SENT, start_at__lt=end, end_at__gt=start)
        .select_related("organiser_unit")
        .order_by("start_at", "id")
    )


def invitable_units(*, viewer: Any) -> QuerySet[Unit]:
    """Registered units in the exchange directory."""
    if not _active(viewer):
        return Unit.objects.none()
    return Unit.objects.filter(status=Unit.Status.REGISTERED, in_directory=True).order_by(
        "kind", "full_name"
    )


def invitable_people(*, viewer: Any) -> QuerySet[User]:
    """Active people of registered units (a meeting may invite anyone in the city)."""
    if not _active(viewer):
        return User.objects.none()
    return (
        User.objects.filter(status=User.Status.ACTIVE, unit__status=Unit.Status.REGISTERED)
        .select_related("unit")
        .order_by("unit_id", "real_name", "id")
    )


def unit_people(*, unit_id: int) -> QuerySet[User]:
    """Active people of one unit: whom a reply may name."""
    return User.objects.filter(unit_id=unit_id, status=User.Status.ACTIVE).order_by(
        "real_name", "id"
    )
