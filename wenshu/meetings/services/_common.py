"""Pieces the meeting services share: who hears about an invitation, the marking guard, and
how times read in messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.lib.classification import find_marking, refusal_message
from wenshu.lib.errors import DomainError
from wenshu.meetings.models import Invitation, Meeting


def when(moment: datetime) -> str:
    """'5月12日 09:30' in the city's time zone, for notifications and messages."""
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def span(meeting: Meeting) -> str:
    start, end = timezone.localtime(meeting.start_at), timezone.localtime(meeting.end_at)
    if start.date() == end.date():
        return f"{when(meeting.start_at)}—{end:%H:%M}"
    return f"{when(meeting.start_at)}—{when(meeting.end_at)}"


def link(meeting: Meeting) -> str:
    return f"/meetings/{meeting.pk}/"


def check_markings(fields: Iterable[tuple[str, str]]) -> None:
    """Refuse text carrying a classification marking (S1 第四十五、五十条)."""
    for where, text in fields:
        marking = find_marking(text or "")
        if marking is not None:
            raise DomainError(refusal_message(marking, where), code="classified")


def unit_repliers(unit_id: int) -> list[User]:
    """Who answers for a unit: its active clerks, or its leaders when it has no clerk."""
    people = User.objects.filter(unit_id=unit_id, status=User.Status.ACTIVE)
    clerks = list(people.filter(role_grants__role=Role.CLERK).distinct().order_by("id"))
    if clerks:
        return clerks
    return list(people.filter(role_grants__role=Role.UNIT_LEADER).distinct().order_by("id"))


def invitation_recipients(invitation: Invitation) -> list[User]:
    """The person invited, or the invited unit's clerks (leaders if it has none)."""
    if invitation.kind == Invitation.Kind.PERSON:
        return [invitation.person] if invitation.person is not None else []
    return unit_repliers(invitation.unit_id)


def clean_text(value: str, *, what: str, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{what}。")
    if len(text) > max_length:
        raise DomainError(f"{what}不能超过 {max_length} 个字。")
    return text
