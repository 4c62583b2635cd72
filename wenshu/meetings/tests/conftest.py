"""Meeting fixtures: the city government office organises; units A, B and a third unit C
(市卫健委) are invited. Clerks have mobiles so SMS rows appear in the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_unit
from wenshu.meetings import services
from wenshu.meetings.models import Invitation, Meeting


@dataclass
class Cast:
    city: Any
    gov_clerk: Any  # the organiser (clerk of 市政府办)
    gov_leader: Any
    c: Any  # unit C
    c_clerk: Any
    c_leader: Any
    c_staff: Any


@pytest.fixture
def cast(city) -> Cast:
    c = make_unit("白银市卫生健康委员会", "市卫健委", "白卫")
    people = Cast(
        city=city,
        gov_clerk=make_person(
            "gov_clerk", city.gov_office, "clerk", real_name="龚文书", mobile="13900000000"
        ),
        gov_leader=make_person("gov_leader", city.gov_office, "unit_leader", real_name="龚主任"),
        c=c,
        c_clerk=make_person("c_clerk", c, "clerk", real_name="程文书", mobile="13900000003"),
        c_leader=make_person("c_leader", c, "unit_leader", real_name="程主任", post="主任"),
        c_staff=make_person("c_staff", c, "staff", real_name="程科员", post="科员"),
    )
    for person, mobile in ((city.a_clerk, "13900000001"), (city.b_clerk, "13900000002")):
        person.mobile = mobile
        person.save(update_fields=["mobile"])
    city.a_leader.post = "局长"
    city.a_leader.save(update_fields=["post"])
    return people


def times(
    start_in: timedelta = timedelta(days=3),
    *,
    length: timedelta = timedelta(hours=2),
    deadline_in: timedelta = timedelta(days=2),
) -> dict[str, datetime]:
    now = timezone.now().replace(second=0, microsecond=0)
    return {
        "start_at": now + start_in,
        "end_at": now + start_in + length,
        "reply_deadline": now + deadline_in,
    }


def meeting_input(
    *, unit_ids: Sequence[int] = (), person_ids: Sequence[int] = (), **overrides: Any
) -> services.MeetingInput:
    fields: dict[str, Any] = {
        "title": "全市政务信息化工作推进会",
        "place": "市政府三楼第一会议室",
        "agenda": "一、通报全市政务信息化进展\n二、部署下一阶段工作",
        "requirement": "请各单位分管负责人参加",
        "contact_phone": "0943-8220000",
        **times(),
        "unit_ids": list(unit_ids),
        "person_ids": list(person_ids),
    }
    fields.update(overrides)
    return services.MeetingInput(**fields)


@pytest.fixture
def send(cast):
    """send(units=[...], people=[...], **fields) → a meeting sent by the government office clerk."""

    def _send(
        units: Sequence[Any] = (), people: Sequence[Any] = (), actor: Any = None, **fields: Any
    ) -> Meeting:
        data = meeting_input(
            unit_ids=[u.pk for u in units], person_ids=[p.pk for p in people], **fields
        )
        return services.meeting_create(actor=actor or cast.gov_clerk, data=data)

    return _send


@pytest.fixture
def meeting(cast, send) -> Meeting:
    """Units A, B, C invited; a_leader invited by name."""
    return send(units=[cast.city.a, cast.city.b, cast.c], people=[cast.city.a_leader])


def invitation_of(meeting: Meeting, who: Any) -> Invitation:
    """The unit invitation (who is a Unit) or the person invitation (who is a User)."""
    if hasattr(who, "unit_id"):
        return meeting.invitations.get(kind="person", person=who)
    return meeting.invitations.get(kind="unit", unit=who)


def reply(actor: Any, invitation: Invitation, answer: str, **fields: Any) -> Invitation:
    return services.invitation_reply(
        actor=actor, invitation=invitation, data=services.ReplyInput(answer=answer, **fields)
    )


def as_client(user: Any) -> Client:
    c = Client()
    c.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return c
