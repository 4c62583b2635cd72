"""The person's calendar as RFC 5545 text (icalendar library). Times are written in UTC;
all-day events as DATE values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from wenshu.schedules.selectors import Item

# A subscribed phone calendar shows this window around today.
PAST = timedelta(days=92)
FUTURE = timedelta(days=366)


def feed_window(now: datetime) -> tuple[datetime, datetime]:
    return now - PAST, now + FUTURE


def _vevent(item: Item, *, base_url: str, stamp: datetime) -> VEvent:
    event = VEvent()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    if item.all_day:
        event.add("dtstart", timezone.localtime(item.start).date())
        event.add("dtend", timezone.localtime(item.end).date())
    else:
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
    event.add("summary", item.title)
    if item.place:
        event.add("location", item.place)
    if item.note:
        event.add("description", item.note)
    event.add("categories", [item.label])
    event.add("url", base_url + item.link)
    return event


def calendar_bytes(items: Iterable[Item], *, name: str, base_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Wenshu//wenshu.schedules//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    for item in items:
        cal.add_component(_vevent(item, base_url=base_url, stamp=stamp))
    return cal.to_ical()
