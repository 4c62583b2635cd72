"""Week and month grids: which days to show and which items fall on each (local dates)."""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wenshu.schedules.selectors import Item

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


@dataclass
class Day:
    day: date
    today: bool
    in_month: bool = True
    items: list[Item] = field(default_factory=list)


def parse_day(raw: str | None, today: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else today
    except ValueError:
        return today


def parse_month(raw: str | None, today: date) -> date:
    try:
        return date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, day after last 00:00) in local time, as aware datetimes."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def _days_of(item: Item) -> list[date]:
    first = timezone.localtime(item.start).date()
    end = timezone.localtime(item.end)
    last = end.date()
    if end > timezone.localtime(item.start) and end.time() == time.min:
        last -= timedelta(days=1)  # ends at midnight: not on the next day
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def fill(days: list[Day], items: list[Item]) -> list[Day]:
    by_date = {d.day: d for d in days}
    for item in items:
        for day in _days_of(item):
            if day in by_date:
                by_date[day].items.append(item)
    return days


def week_days(anchor: date, today: date) -> list[Day]:
    monday = anchor - timedelta(days=anchor.weekday())
    return [
        Day(day=monday + timedelta(days=n), today=monday + timedelta(days=n) == today)
        for n in range(7)
    ]


def month_weeks(first: date, today: date) -> list[list[Day]]:
    weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return [
        [Day(day=d, today=d == today, in_month=d.month == first.month) for d in week]
        for week in weeks
    ]


def shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
