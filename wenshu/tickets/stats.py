"""Ticket statistics for a period and their Excel export.

Definitions (docs/parts/tickets.md):
- a ticket belongs to the period of its report time (Asia/Shanghai dates, both ends included);
- response time: from reaching the digital office to its acknowledgement (office tickets);
- resolution time: from the report to the elimination of the fault (every resolved ticket);
- breaches: tickets that stayed unresolved 24 hours after reaching the digital office.
"""

from __future__ import annotations

import io
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from wenshu.lib.errors import DomainError, Forbidden
from wenshu.tickets import selectors
from wenshu.tickets.models import Category, Ticket, TicketAlarm

if TYPE_CHECKING:
    from wenshu.accounts.models import User
else:
    User = Any

NO_UNIT = "（系统级故障，无单位）"
MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class Durations:
    count: int = 0
    mean_hours: float | None = None
    median_hours: float | None = None

    @classmethod
    def of(cls, spans: list[timedelta]) -> Durations:
        hours = [s.total_seconds() / 3600 for s in spans]
        if not hours:
            return cls()
        return cls(
            len(hours), round(statistics.fmean(hours), 2), round(statistics.median(hours), 2)
        )


@dataclass
class UnitRow:
    name: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    breaches: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(value, 0) for value in Category.values]


@dataclass
class TicketStats:
    start: date
    end: date
    rows: list[UnitRow]
    response: Durations
    resolution: Durations
    breaches: int
    tickets: list[dict[str, Any]]

    @property
    def total(self) -> int:
        return len(self.tickets)

    @property
    def categories(self) -> list[str]:
        return list(Category.labels)

    def category_totals(self) -> list[int]:
        return [sum(r.counts.get(v, 0) for r in self.rows) for v in Category.values]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise DomainError("统计期间的结束日期不能早于开始日期。")
    if (end - start).days > MAX_DAYS:
        raise DomainError("统计期间最长五年，请缩短期间。")
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _rows_for(viewer: User, start: date, end: date) -> list[dict[str, Any]]:
    low, high = _bounds(start, end)
    rows = selectors.visible_tickets(viewer=viewer).filter(
        reported_at__gte=low, reported_at__lt=high
    )
    if not selectors.is_city_admin(viewer):
        rows = rows.filter(unit_id=viewer.unit_id)
    breach = TicketAlarm.objects.filter(ticket=OuterRef("pk"), kind=TicketAlarm.Kind.BREACH)
    values = (
        rows.annotate(ever_breached=Exists(breach))
        .order_by("reported_at", "id")
        .values(
            "pk",
            "unit_id",
            "unit__full_name",
            "category",
            "urgency",
            "summary",
            "status",
            "source",
            "reported_at",
            "reached_office_at",
            "acknowledged_at",
            "resolved_at",
            "ever_breached",
        )
    )
    return [dict(row) for row in values]


def ticket_statistics(*, viewer: User, start: date, end: date) -> TicketStats:
    """Counts per unit and category, response and resolution times, breaches — the whole
    city for the digital office, the own unit for a unit's system administrator."""
    if not selectors.may_see_stats(viewer):
        raise Forbidden("只有市数字办管理员和单位系统管理员可以查看故障统计。")
    tickets = _rows_for(viewer, start, end)
    by_unit: dict[int | None, UnitRow] = {}
    for t in tickets:
        row = by_unit.setdefault(t["unit_id"], UnitRow(t["unit__full_name"] or NO_UNIT))
        row.counts[t["category"]] += 1
        row.breaches += int(t["ever_breached"])
    response = [
        t["acknowledged_at"] - t["reached_office_at"]
        for t in tickets
        if t["acknowledged_at"] and t["reached_office_at"]
    ]
    resolution = [t["resolved_at"] - t["reported_at"] for t in tickets if t["resolved_at"]]
    return TicketStats(
        start=start,
        end=end,
        rows=sorted(by_unit.values(), key=lambda r: (-r.total, r.name)),
        response=Durations.of(response),
        resolution=Durations.of(resolution),
        breaches=sum(int(t["ever_breached"]) for t in tickets),
        tickets=tickets,
    )


# --- Excel -----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STATUS = dict(Ticket.Status.choices)
_CATEGORY = dict(Category.choices)


def _text(value: Any) -> Any:
    # A summary typed as "=HYPERLINK(…)" must stay text in Excel (formula injection).
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _local(when: datetime | None) -> datetime | None:
    return timezone.localtime(when).replace(tzinfo=None) if when else None


def _hours(value: float | None) -> float | str:
    return "—" if value is None else value


def _sheet_units(wb: Workbook, stats: TicketStats) -> None:
    ws = wb.active
    ws.title = "按单位和类别"
    ws.append(["单位", *stats.categories, "合计", "超时升级"])
    for row in stats.rows:
        ws.append([_text(row.name), *row.cells(), row.total, row.breaches])
    ws.append(["合计", *stats.category_totals(), stats.total, stats.breaches])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 30


def _sheet_times(wb: Workbook, stats: TicketStats) -> None:
    ws = wb.create_sheet("时效")
    for line in (
        ["统计期间", f"{stats.start:%Y-%m-%d} 至 {stats.end:%Y-%m-%d}"],
        ["故障总数", stats.total],
        ["已响应的故障数", stats.response.count],
        ["平均响应时间（小时）", _hours(stats.response.mean_hours)],
        ["响应时间中位数（小时）", _hours(stats.response.median_hours)],
        ["已排除的故障数", stats.resolution.count],
        ["平均排除时间（小时）", _hours(stats.resolution.mean_hours)],
        ["排除时间中位数（小时）", _hours(stats.resolution.median_hours)],
        ["超过24小时未排除（升级）次数", stats.breaches],
    ):
        ws.append(line)
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 28


def _sheet_list(wb: Workbook, stats: TicketStats) -> None:
    ws = wb.create_sheet("故障清单")
    ws.append(
        [
            "编号",
            "报修时间",
            "单位",
            "类别",
            "紧急程度",
            "故障简述",
            "状态",
            "上报市数字办时间",
            "响应时间",
            "排除时间",
            "超时升级",
        ]
    )
    urgency = dict(Ticket._meta.get_field("urgency").choices or [])
    for t in stats.tickets:
        ws.append(
            [
                t["pk"],
                _local(t["reported_at"]),
                _text(t["unit__full_name"] or NO_UNIT),
                _CATEGORY.get(t["category"], t["category"]),
                urgency.get(t["urgency"], ""),
                _text(t["summary"]),
                _STATUS.get(t["status"], t["status"]),
                _local(t["reached_office_at"]),
                _local(t["acknowledged_at"]),
                _local(t["resolved_at"]),
                "是" if t["ever_breached"] else "否",
            ]
        )
    for col in "BHIJ":
        ws.column_dimensions[col].width = 18
        for cell in ws[col][1:]:
            cell.number_format = "yyyy-mm-dd hh:mm"
    ws.column_dimensions["F"].width = 40


def statistics_xlsx(stats: TicketStats) -> bytes:
    wb = Workbook()
    _sheet_units(wb, stats)
    _sheet_times(wb, stats)
    _sheet_list(wb, stats)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
