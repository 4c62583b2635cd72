"""Sending a meeting notice, adding materials, extending the reply deadline, cancelling.

Materials are uploads: the caller runs files.services.file_ingest (virus scan, type,
密级标志) BEFORE calling these services, outside their transaction, and passes the Uploads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.audit.services import audit_record
from wenshu.files.models import Upload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.meetings import selectors
from wenshu.meetings.models import Invitation, Meeting, MeetingMaterial
from wenshu.meetings.services._common import (
    check_markings,
    clean_text,
    invitation_recipients,
    link,
    span,
    unit_repliers,
    when,
)
from wenshu.notify.services import notify_send
from wenshu.org.models import Unit

MAX_INVITEES = 500


@dataclass
class MeetingInput:
    title: str
    start_at: datetime
    end_at: datetime
    place: str
    agenda: str
    reply_deadline: datetime
    requirement: str = ""
    contact_phone: str = ""
    unit_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)


def _require_organiser(actor: User) -> None:
    if not selectors.may_organise(actor):
        raise Forbidden("只有文书或单位负责人可以以本单位名义发出会议通知。")


def _require_manager(actor: User, meeting: Meeting) -> None:
    if not selectors.may_manage(actor, meeting):
        raise NotFound(selectors.NOT_FOUND)


def _check_times(data: MeetingInput, now: datetime) -> None:
    if data.end_at <= data.start_at:
        raise DomainError("会议结束时间必须晚于开始时间。")
    if data.start_at <= now:
        raise DomainError("会议开始时间已过，请重新填写。")
    if data.reply_deadline <= now:
        raise DomainError("回复截止时间已过，请填写一个将来的时间。")
    if data.reply_deadline > data.start_at:
        raise DomainError("回复截止时间不能晚于会议开始时间。")


def _clean(data: MeetingInput, now: datetime) -> MeetingInput:
    data.title = clean_text(data.title, what="会议名称", max_length=200)
    data.place = clean_text(data.place, what="会议地点", max_length=200)
    data.agenda = clean_text(data.agenda, what="会议议程", max_length=20000)
    data.requirement = clean_text(data.requirement, what="参会要求", max_length=200, required=False)
    data.contact_phone = clean_text(
        data.contact_phone, what="联系电话", max_length=40, required=False
    )
    _check_times(data, now)
    check_markings(
        [
            ("会议名称", data.title),
            ("会议议程", data.agenda),
            ("会议地点", data.place),
            ("参会要求", data.requirement),
        ]
    )
    return data


def _invitees(actor: User, data: MeetingInput) -> tuple[list[Unit], list[User]]:
    unit_ids, person_ids = set(data.unit_ids), set(data.person_ids)
    if not unit_ids and not person_ids:
        raise DomainError("请至少选择一个参会单位或参会人员。")
    if len(unit_ids) + len(person_ids) > MAX_INVITEES:
        raise DomainError(f"一次最多邀请 {MAX_INVITEES} 个单位和人员。")
    units = list(selectors.invitable_units(viewer=actor).filter(pk__in=unit_ids))
    people = list(selectors.invitable_people(viewer=actor).filter(pk__in=person_ids))
    if len(units) != len(unit_ids) or len(people) != len(person_ids):
        raise DomainError("所选的单位或人员中有已注销、已停用或不存在的，请刷新页面后重新选择。")
    return units, people


def _check_uploads(actor: User, uploads: Sequence[Upload]) -> None:
    for upload in uploads:
        if upload.uploaded_by_id != actor.pk:
            raise NotFound("找不到该上传文件，或它不是您上传的。")


def meeting_create(*, actor: User, data: MeetingInput, materials: Sequence[Upload] = ()) -> Meeting:
    """Send a meeting notice in the actor's unit's name to the chosen units and people."""
    _require_organiser(actor)
    now = timezone.now()
    data = _clean(data, now)
    units, people = _invitees(actor, data)
    _check_uploads(actor, materials)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            title=data.title,
            organiser_unit_id=actor.unit_id,
            organiser=actor,
            contact_phone=data.contact_phone,
            start_at=data.start_at,
            end_at=data.end_at,
            place=data.place,
            agenda=data.agenda,
            requirement=data.requirement,
            reply_deadline=data.reply_deadline,
            created_at=now,
        )
        Invitation.objects.bulk_create(
            [
                Invitation(meeting=meeting, kind=Invitation.Kind.UNIT, unit=u, created_at=now)
                for u in units
            ]
            + [
                Invitation(
                    meeting=meeting,
                    kind=Invitation.Kind.PERSON,
                    person=p,
                    unit_id=p.unit_id,
                    created_at=now,
                )
                for p in people
            ]
        )
        MeetingMaterial.objects.bulk_create(
            [
                MeetingMaterial(meeting=meeting, upload=u, added_by=actor, added_at=now)
                for u in materials
            ]
        )
        _notify_invited(meeting, units, people)
        audit_record(
            actor=actor,
            action="meetings.sent",
            target=meeting,
            details={
                "start_at": meeting.start_at,
                "place": meeting.place,
                "units": [u.pk for u in units],
                "people": [p.pk for p in people],
                "materials": [u.pk for u in materials],
                "reply_deadline": meeting.reply_deadline,
            },
        )
    return meeting


def _notify_invited(meeting: Meeting, units: Sequence[Unit], people: Sequence[User]) -> None:
    head = (
        f"{meeting.organiser_unit.short_name}定于{span(meeting)}在{meeting.place}"
        f"召开“{meeting.title}”"
    )
    deadline = when(meeting.reply_deadline)
    key = f"meetings:{meeting.pk}:notice"
    notify_send(
        recipients=people,
        title=f"会议通知：{meeting.title}",
        body=f"{head}，请于{deadline}前在系统中回复是否参加。",
        link=link(meeting),
        kind="meetings.notice",
        dedupe_key=key,
    )
    ask = (
        f"参会要求：{meeting.requirement}。请贵单位"
        if meeting.requirement
        else "请贵单位安排人员参加，并"
    )
    repliers = [p for u in units for p in unit_repliers(u.pk)]
    notify_send(
        recipients=repliers,
        title=f"会议通知：{meeting.title}",
        body=f"{head}。{ask}于{deadline}前在系统中回复参会人员。",
        link=link(meeting),
        kind="meetings.notice",
        dedupe_key=key,
    )


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("organiser_unit").get(pk=meeting.pk)


def _require_sent(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.SENT:
        raise Conflict("该会议已取消，不能再修改。")


def meeting_add_materials(*, actor: User, meeting: Meeting, uploads: Sequence[Upload]) -> int:
    """Add materials to a sent meeting; invitees are told in-app. Returns how many were new."""
    _require_manager(actor, meeting)
    _check_uploads(actor, uploads)
    if not uploads:
        raise DomainError("请选择要添加的会议材料。")
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_sent(meeting)
        have = set(meeting.materials.values_list("upload_id", flat=True))
        new = [u for u in uploads if u.pk not in have]
        MeetingMaterial.objects.bulk_create(
            [MeetingMaterial(meeting=meeting, upload=u, added_by=actor) for u in new]
        )
        if new:
            notify_send(
                recipients=_everyone(meeting),
                title=f"会议材料已更新：{meeting.title}",
                body="、".join(u.name for u in new),
                link=link(meeting),
                sms=False,
                kind="meetings.materials",
            )
        audit_record(
            actor=actor,
            action="meetings.materials_added",
            target=meeting,
            details={"uploads": [u.pk for u in new], "names": [u.name for u in new]},
        )
    return len(new)


def _everyone(meeting: Meeting) -> list[User]:
    """Each invited person, each invited unit's repliers, and every named attendee."""
    people: list[User] = []
    for invitation in meeting.invitations.select_related("person"):
        people.extend(invitation_recipients(invitation))
    people.extend(
        User.objects.filter(
            pk__in=meeting.attendees.filter(person__isnull=False).values("person_id")
        )
    )
    return people


def meeting_extend_deadline(*, actor: User, meeting: Meeting, reply_deadline: datetime) -> Meeting:
    """Move the reply deadline later; those who have not replied are told."""
    _require_manager(actor, meeting)
    now = timezone.now()
    with transaction.atomic():
        meeting = _lock(meeting)
        _require_sent(meeting)
        if reply_deadline <= meeting.reply_deadline:
            raise DomainError(f"新的截止时间须晚于原截止时间（{when(meeting.reply_deadline)}）。")
        if reply_deadline <= now:
            raise DomainError("新的截止时间已过，请填写一个将来的时间。")
        if reply_deadline > meeting.start_at:
            raise DomainError("回复截止时间不能晚于会议开始时间。")
        before = meeting.reply_deadline
        meeting.reply_deadline = reply_deadline
        meeting.save(update_fields=["reply_deadline"])
        pending = meeting.invitations.filter(reply=Invitation.Reply.PENDING).select_related(
            "person"
        )
        notify_send(
            recipients=[p for i in pending for p in invitation_recipients(i)],
            title=f"会议回执截止时间延长：{meeting.title}",
            body=f"回复截止时间已延长至{when(reply_deadline)}，请尽快回复。",
            link=link(meeting),
            kind="meetings.deadline",
        )
        audit_record(
            actor=actor,
            action="meetings.deadline_extended",
            target=meeting,
            details={"from": before, "to": reply_deadline},
        )
    return meeting


def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel the meeting (final); everyone invited or named is told why."""
    _require_manager(actor, meeting)
    reason = clean_text(reason, what="取消原因", max_length=300)
    check_markings([("取消原因", reason)])
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.move_to(Meeting.Status.CANCELLED)
        meeting.cancel_reason, meeting.cancelled_at = reason, timezone.now()
        meeting.save(update_fields=["status", "cancel_reason", "cancelled_at"])
        notify_send(
            recipients=_everyone(meeting),
            title=f"会议取消：{meeting.title}",
            body=f"原定{span(meeting)}在{meeting.place}召开的会议已取消。原因：{reason}",
            link=link(meeting),
            kind="meetings.cancelled",
        )
        audit_record(
            actor=actor, action="meetings.cancelled", target=meeting, details={"reason": reason}
        )
    return meeting
