"""Receipts and replies (会议回执, S2 第二条: received notices are answered promptly so the
organiser knows how each unit received them).

A person answers for themself (or their unit's clerk for them); a unit answers through its
clerk or leader and names who goes. A reply can be changed until the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.lib.errors import Conflict, DomainError, NotFound
from wenshu.meetings import selectors
from wenshu.meetings.models import Attendee, Invitation, Meeting
from wenshu.meetings.services._common import check_markings, clean_text, link, span, when
from wenshu.notify.services import notify_send

R = Invitation.Reply
MAX_ATTENDEES = 50


@dataclass
class ReplyInput:
    answer: str
    reason: str = ""  # absent: required
    attendee_ids: list[int] = field(default_factory=list)  # unit + attend: people of the unit
    extra_attendees: list[tuple[str, str]] = field(default_factory=list)  # (name, post)
    substitute_id: int | None = None  # substitute: a person of the invitee's unit …
    substitute_name: str = ""  # … or a name and post typed in
    substitute_post: str = ""


@dataclass
class _Named:
    person: User | None
    name: str
    post: str
    substitute: bool = False


def invitations_mark_received(*, viewer: User, meeting: Meeting) -> int:
    """Record 已收到 on the invitations the viewer answers for, the first time they open the
    notice. Opening it again changes nothing. Returns how many were newly received."""
    invitations = selectors.invitations_answerable(viewer=viewer, meeting=meeting)
    fresh = [i.pk for i in invitations if i.received_at is None]
    if not fresh:
        return 0
    now = timezone.now()
    with transaction.atomic():
        # Conditional: two tabs opening at once record one receipt. All row updates come before
        # the audit appends, which hold the chain head until commit (audit_record's rule).
        done = [
            pk
            for pk in fresh
            if Invitation.objects.filter(pk=pk, received_at__isnull=True).update(
                received_at=now, received_by=viewer
            )
        ]
        for pk in done:
            audit_record(
                actor=viewer, action="meetings.received", target=meeting, details={"invitation": pk}
            )
    return len(done)


def _person_of_unit(invitation: Invitation, person_id: int) -> User:
    person = selectors.unit_people(unit_id=invitation.unit_id).filter(pk=person_id).first()
    if person is None:
        raise DomainError(f"只能指定{invitation.unit.short_name}在职的人员，请刷新后重新选择。")
    return person


def _substitute(invitation: Invitation, data: ReplyInput) -> _Named:
    if data.substitute_id:
        person = _person_of_unit(invitation, data.substitute_id)
        if person.pk == invitation.person_id:
            raise DomainError("委派他人参加时，代参人不能是受邀人本人。")
        return _Named(person, person.display_name, person.post, substitute=True)
    name = clean_text(data.substitute_name, what="代参人姓名", max_length=60)
    post = clean_text(data.substitute_post, what="代参人职务", max_length=60)
    return _Named(None, name, post, substitute=True)


def _unit_attendees(invitation: Invitation, data: ReplyInput) -> list[_Named]:
    named = [_person_of_unit(invitation, pk) for pk in dict.fromkeys(data.attendee_ids)]
    found = [_Named(p, p.display_name, p.post) for p in named]
    for name, post in data.extra_attendees:
        found.append(
            _Named(
                None,
                clean_text(name, what="参会人员姓名", max_length=60),
                clean_text(post, what="参会人员职务", max_length=60, required=False),
            )
        )
    if not found:
        raise DomainError("请指定本单位的参会人员（至少一人）。")
    if len(found) > MAX_ATTENDEES:
        raise DomainError(f"每个单位最多指定 {MAX_ATTENDEES} 名参会人员。")
    return found


def _named_for(invitation: Invitation, data: ReplyInput) -> tuple[list[_Named], str]:
    """Who goes, and the absence reason, for this answer."""
    if data.answer == R.ABSENT:
        reason = clean_text(data.reason, what="不参加的事由", max_length=300)
        return [], reason
    if data.answer == R.SUBSTITUTE:
        return [_substitute(invitation, data)], ""
    if invitation.kind == Invitation.Kind.PERSON:
        person = invitation.person
        assert person is not None  # a person invitation always has one (constraint)
        return [_Named(person, person.display_name, person.post)], ""
    return _unit_attendees(invitation, data), ""


def _check_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise Conflict("该会议已取消，无需回复。")
    if timezone.now() > meeting.reply_deadline:
        phone = f"（电话 {meeting.contact_phone}）" if meeting.contact_phone else ""
        raise Conflict(
            f"回复截止时间（{when(meeting.reply_deadline)}）已过，不能再回复或修改回执。"
            f"如确需变更，请联系组织单位{meeting.organiser_unit.short_name}"
            f"的{meeting.organiser.display_name}{phone}延长截止时间。",
            code="deadline_passed",
        )


def _check_unique(invitation: Invitation, named: list[_Named]) -> None:
    ids = [n.person.pk for n in named if n.person is not None]
    taken = (
        Attendee.objects.filter(meeting_id=invitation.meeting_id, person_id__in=ids)
        .exclude(invitation=invitation)
        .select_related("person")
        .first()
    )
    if taken is not None:
        raise DomainError(
            f"{taken.name}已在本次会议的参会名单中（个人受邀或已由其他回执指定），不必重复指定。"
        )


def _replace_attendees(invitation: Invitation, named: list[_Named]) -> list[Attendee]:
    if invitation.attendees.filter(signed_in_at__isnull=False).exists():
        raise Conflict("已有参会人员签到，不能再修改回执。如需调整请联系会议组织人。")
    _check_unique(invitation, named)
    invitation.attendees.all().delete()
    rows = [
        Attendee(
            meeting_id=invitation.meeting_id,
            invitation=invitation,
            person=n.person,
            name=n.name,
            post=n.post,
            substitute=n.substitute,
        )
        for n in named
    ]
    try:
        with transaction.atomic():  # a savepoint: the race below leaves the reply undone
            return Attendee.objects.bulk_create(rows)
    except IntegrityError:
        # Another reply named the same person a moment ago (the unique constraint caught it).
        raise Conflict("所指定的人员刚刚已由其他回执指定参会，请刷新页面后重新填写。") from None


def invitation_reply(*, actor: User, invitation: Invitation, data: ReplyInput) -> Invitation:
    """Answer (or change the answer to) one invitation before the reply deadline."""
    if not selectors.can_answer(actor, invitation):
        raise NotFound("找不到该回执，或您无权代为回复。")
    if data.answer not in (R.ATTEND, R.ABSENT, R.SUBSTITUTE):
        raise DomainError("请选择回执：参加、不参加或委派他人参加。")
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("meeting__organiser_unit", "meeting__organiser", "unit", "person")
            .get(pk=invitation.pk)
        )
        _check_open(locked.meeting)
        named, reason = _named_for(locked, data)
        check_markings(
            [("不参加事由", reason), *(("参会人员", f"{n.name} {n.post}") for n in named)]
        )
        before = locked.reply
        locked.move_to(data.answer)
        old_people = set(locked.attendees.exclude(person=None).values_list("person_id", flat=True))
        attendees = _replace_attendees(locked, named)
        now = timezone.now()
        locked.reason, locked.replied_at, locked.replied_by = reason, now, actor
        if locked.received_at is None:
            locked.received_at, locked.received_by = now, actor
        locked.save(
            update_fields=[
                "reply",
                "reason",
                "replied_at",
                "replied_by",
                "received_at",
                "received_by",
            ]
        )
        _tell_named(
            locked,
            [
                a.person
                for a in attendees
                if a.person is not None
                and a.person.pk not in old_people
                and a.person.pk != actor.pk
            ],
        )
        audit_record(
            actor=actor,
            action="meetings.replied",
            target=locked.meeting,
            details={
                "invitation": locked.pk,
                "invitee": locked.invitee_name,
                "from": before,
                "answer": locked.reply,
                "reason": reason,
                "attendees": [f"{a.name} {a.post}".strip() for a in attendees],
            },
        )
    return locked


def _tell_named(invitation: Invitation, people: list[User]) -> None:
    meeting = invitation.meeting
    notify_send(
        recipients=people,
        title=f"参会通知：{meeting.title}",
        body=f"您已被指定参加{span(meeting)}在{meeting.place}召开的“{meeting.title}”，"
        "请准时出席并在会场签到。",
        link=link(meeting),
        kind="meetings.named",
        dedupe_key=f"meetings:{meeting.pk}:named",
    )
