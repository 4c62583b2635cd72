"""Schedule fixtures: `event(...)` makes an event through the service; `meeting_for(...)`
sends a real meeting notice (organised by unit A's clerk) inviting people by name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from wenshu.meetings import services as meeting_services
from wenshu.meetings.models import Meeting
from wenshu.schedules import services
from wenshu.schedules.models import Event


def soon(days: int = 1, hour: int = 9) -> datetime:
    """A local time `days` from today at `hour`:00."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def event():
    def _event(
        actor: Any,
        title: str = "处务会",
        *,
        leader: Any = None,
        days: int = 1,
        hour: int = 9,
        hours: int = 1,
        **fields: Any,
    ) -> Event:
        start = soon(days, hour)
        data = services.EventInput(
            title=title, start_at=start, end_at=start + timedelta(hours=hours), **fields
        )
        return services.event_create(actor=actor, data=data, leader=leader)

    return _event


@pytest.fixture
def meeting_for(city):
    def _meeting(people: Sequence[Any], title: str = "全市财政工作会议", days: int = 2) -> Meeting:
        start = soon(days, 14)
        data = meeting_services.MeetingInput(
            title=title,
            start_at=start,
            end_at=start + timedelta(hours=2),
            place="市财政局三楼会议室",
            agenda="一、通报情况",
            reply_deadline=start - timedelta(hours=3),
            person_ids=[p.pk for p in people],
        )
        return meeting_services.meeting_create(actor=city.a_clerk, data=data)

    return _meeting
