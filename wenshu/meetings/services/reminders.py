"""Reminders through the outbox, run every five minutes by wenshu.ops.schedule.

- 回执提醒: an invitation still unanswered when the reply deadline is near (settings
  MEETINGS_REPLY_REMINDER_HOURS, default 24 h before it — but never earlier than halfway
  between sending and the deadline, so a notice with a short deadline is not followed by a
  reminder minutes later). SMS and in-app to the invited person, or to the invited unit's
  clerks (leaders when it has none).
- 会前提醒: every named attendee with an account, MEETINGS_START_REMINDER_HOURS (default 2 h)
  before the start.

Each is sent once: the row is claimed with a conditional UPDATE before notifying, and
notify_send carries a dedupe key, so a second run (or two workers at once) sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wenshu.audit.services import audit_record
from wenshu.meetings import conf
from wenshu.meetings.models import Attendee, Invitation, Meeting
from wenshu.meetings.services._common import invitation_recipients, link, span, when
from wenshu.notify.services import notify_send


@dataclass
class ReminderCounts:
    reply: int = 0
    start: int = 0


def _reply_due(invitation: Invitation, now: datetime) -> bool:
    deadline = invitation.meeting.reply_deadline
    halfway = invitation.created_at + (deadline - invitation.created_at) / 2
    return now >= max(deadline - conf.reply_reminder_lead(), halfway)


def _remind_reply(invitation: Invitation, now: datetime) -> bool:
    meeting = invitation.meeting
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            reply_reminded_at__isnull=True,
            reply=Invitation.Reply.PENDING,
        ).update(reply_reminded_at=now)
        if not claimed:
            return False
        whom = "贵单位" if invitation.kind == Invitation.Kind.UNIT else "您"
        notify_send(
            recipients=invitation_recipients(invitation),
            title=f"请回复会议通知：{meeting.title}",
            body=f"{whom}尚未回复{span(meeting)}在{meeting.place}召开的会议，"
            f"回复截止时间为{when(meeting.reply_deadline)}，请尽快回复。",
            link=link(meeting),
            kind="meetings.reply_reminder",
            dedupe_key=f"meetings:reply:{invitation.pk}",
        )
    return True


def _remind_start(attendee: Attendee, now: datetime) -> bool:
    meeting = attendee.meeting
    with transaction.atomic():
        claimed = Attendee.objects.filter(pk=attendee.pk, start_reminded_at__isnull=True).update(
            start_reminded_at=now
        )
        if not claimed or attendee.person is None:
            return False
        notify_send(
            recipients=[attendee.person],
            title=f"会议即将开始：{meeting.title}",
            body=f"会议将于{when(meeting.start_at)}在{meeting.place}开始，请准时出席并签到。",
            link=link(meeting),
            kind="meetings.start_reminder",
            dedupe_key=f"meetings:start:{meeting.pk}",
        )
    return True


def reminders_send_due(*, now: datetime | None = None) -> ReminderCounts:
    """Send every reminder that is due and not yet sent; returns how many went out."""
    now = now or timezone.now()
    counts = ReminderCounts()
    unanswered = Invitation.objects.filter(
        reply=Invitation.Reply.PENDING,
        reply_reminded_at__isnull=True,
        meeting__status=Meeting.Status.SENT,
        meeting__reply_deadline__gt=now,
        meeting__reply_deadline__lte=now + conf.reply_reminder_lead(),
    ).select_related("meeting", "person", "unit")
    for invitation in unanswered:
        if _reply_due(invitation, now) and _remind_reply(invitation, now):
            counts.reply += 1
    coming = Attendee.objects.filter(
        person__isnull=False,
        start_reminded_at__isnull=True,
        meeting__status=Meeting.Status.SENT,
        meeting__start_at__gt=now,
        meeting__start_at__lte=now + conf.start_reminder_lead(),
    ).select_related("meeting", "person")
    for attendee in coming:
        if _remind_start(attendee, now):
            counts.start += 1
    if counts.reply or counts.start:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="meetings.reminders_sent",
                details={"reply": counts.reply, "start": counts.start},
            )
    return counts
