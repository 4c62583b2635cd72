"""Adoption statistics of information reports per unit for a period (信息采用统计, S2 art. 2).

The rule (shown on the page and in the Excel export, so every office reads the same figures):
an *item* is a report with all its reworked versions; it belongs to the period in which its
first version was submitted (Asia/Shanghai dates, both ends included). Its outcome is that of
its latest version *at the time of the query*: an item submitted in March and adopted in April
counts as adopted for March once it is adopted, and as 待处理 before. Items the unit withdrew do
not count. 采用率 = 采用 ÷ 报送. Ranking: adopted, then rate, then submitted, all descending;
units equal on adopted and rate share a place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.db.models import Count, Q
from django.utils import timezone

from wenshu.accounts.models import User
from wenshu.bulletins.models import InfoReport
from wenshu.bulletins.permissions import is_city_admin
from wenshu.bulletins.selectors.reports import receivers_for_stats
from wenshu.lib.errors import DomainError, NotFound
from wenshu.org.models import Unit

Status = InfoReport.Status
MAX_PERIOD_DAYS = 3660
RULE = (
    "统计口径：按信息首次报送日期归入统计期（含起止日）；退回后重报的信息与原信息合计一条，"
    "以最新版本的处理结果为准；统计期内报送、之后才处理的信息，按查询时的处理结果统计"
    "（尚未处理的计入“待处理”，故近期数字会随处理而变化）；报送单位已撤回的信息不计。"
    "采用率＝采用数÷报送数。排名依次按采用数、采用率、报送数从高到低，采用数与采用率均相同的并列。"
)


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int
    unit_name: str
    submitted: int
    adopted: int
    returned: int
    declined: int
    pending: int
    rank: int = 0

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.adopted, self.submitted) if self.submitted else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{float(self.rate) * 100:.1f}%"


@dataclass(frozen=True)
class ReportStats:
    date_from: date
    date_to: date
    receiver: Unit | None  # None: every receiver (the digital office)
    rows: list[UnitFigures]
    total: UnitFigures
    computed_at: datetime
    rule: str = field(default=RULE)


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start of date_from, start of the day after date_to) in Asia/Shanghai."""
    if date_from > date_to:
        raise DomainError("开始日期不能晚于结束日期。")
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise DomainError("统计期最长十年，请缩短统计期。")
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return start, end


def _receiver(viewer: User, receiver_id: int | None) -> Unit | None:
    allowed = receivers_for_stats(viewer=viewer)  # refuses people who see no statistics
    if receiver_id:
        found = allowed.filter(pk=receiver_id).first()
        if found is None:
            raise NotFound("找不到该信息接收单位，或您无权查看其统计。")
        return found
    return None if is_city_admin(viewer) else allowed.first()


def _ranked(rows: list[UnitFigures]) -> list[UnitFigures]:
    ordered = sorted(rows, key=lambda r: (-r.adopted, -(r.rate or 0), -r.submitted, r.unit_name))
    ranked: list[UnitFigures] = []
    for i, row in enumerate(ordered):
        rank = i + 1
        if ranked and (ranked[-1].adopted, ranked[-1].rate) == (row.adopted, row.rate):
            rank = ranked[-1].rank
        ranked.append(replace(row, rank=rank))
    return ranked


def report_stats(
    *,
    viewer: User,
    date_from: date,
    date_to: date,
    receiver_id: int | None = None,
) -> ReportStats:
    """Per-unit figures for items first submitted in [date_from, date_to], ranked."""
    receiver = _receiver(viewer, receiver_id)
    start, end = period_bounds(date_from, date_to)
    latest = InfoReport.objects.filter(
        next_version__isnull=True,
        first_submitted_at__gte=start,
        first_submitted_at__lt=end,
    ).exclude(status=Status.WITHDRAWN)
    if receiver is not None:
        latest = latest.filter(receiver=receiver)
    grouped = list(
        latest.order_by()
        .values("unit_id")
        .annotate(
            submitted=Count("id"),
            adopted=Count("id", filter=Q(status=Status.ADOPTED)),
            returned=Count("id", filter=Q(status=Status.RETURNED)),
            declined=Count("id", filter=Q(status=Status.DECLINED)),
            pending=Count("id", filter=Q(status=Status.SUBMITTED)),
        )
    )
    names = Unit.objects.in_bulk([g["unit_id"] for g in grouped])
    rows = [
        UnitFigures(
            unit_id=g["unit_id"],
            unit_name=names[g["unit_id"]].full_name,
            submitted=g["submitted"],
            adopted=g["adopted"],
            returned=g["returned"],
            declined=g["declined"],
            pending=g["pending"],
        )
        for g in grouped
    ]
    total = UnitFigures(
        unit_id=0,
        unit_name="合计",
        submitted=sum(r.submitted for r in rows),
        adopted=sum(r.adopted for r in rows),
        returned=sum(r.returned for r in rows),
        declined=sum(r.declined for r in rows),
        pending=sum(r.pending for r in rows),
    )
    return ReportStats(
        date_from=date_from,
        date_to=date_to,
        receiver=receiver,
        rows=_ranked(rows),
        total=total,
        computed_at=timezone.now(),
    )
