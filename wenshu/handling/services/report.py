"""签收情况通报 (S4 art. 10): per unit, for a period — deliveries, signed for within N hours,
average time to receive (delivered → signed), returns. For the digital office, or a unit's own."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from openpyxl import Workbook

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.exchange.models import Delivery
from wenshu.lib.errors import DomainError, Forbidden


@dataclass(frozen=True)
class ComplianceRow:
    unit_id: int
    unit_name: str
    deliveries: int
    signed: int
    signed_within: int
    avg_hours: float | None
    returns: int

    @property
    def within_rate(self) -> str:
        return f"{self.signed_within * 100 / self.deliveries:.1f}%" if self.deliveries else "—"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise DomainError("结束日期不能早于开始日期。")
    if (end - start).days > 366:
        raise DomainError("统计期间不能超过一年。")
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tz),
        datetime.combine(end + timedelta(days=1), time.min, tz),
    )


def compliance_report(
    *, viewer: User, start: date, end: date, hours: int = 24
) -> list[ComplianceRow]:
    """City admins see every unit; a unit's leader/admin/clerk sees their own unit."""
    if not viewer.is_active:
        raise Forbidden("您的账号不可用。")
    if not 1 <= hours <= 720:
        raise DomainError("签收时限须在 1 到 720 小时之间。")
    qs = Delivery.objects.all()
    if not viewer.has_role(Role.CITY_ADMIN):
        if not viewer.has_role(Role.UNIT_LEADER, Role.UNIT_ADMIN, Role.CLERK):
            raise Forbidden("签收情况通报仅供市数字办及本单位负责人、文书查看。")
        qs = qs.filter(recipient_unit_id=viewer.unit_id)
    lo, hi = _bounds(start, end)
    wait = ExpressionWrapper(F("signed_at") - F("delivered_at"), output_field=DurationField())
    rows = (
        qs.filter(delivered_at__gte=lo, delivered_at__lt=hi)
        .values("recipient_unit", "recipient_unit__short_name")
        .annotate(
            deliveries=Count("id"),
            signed=Count("id", filter=Q(signed_at__isnull=False)),
            within=Count("id", filter=Q(signed_at__lte=F("delivered_at") + timedelta(hours=hours))),
            waited=Sum(wait, filter=Q(signed_at__isnull=False)),
            returns=Count("id", filter=Q(returned_at__isnull=False)),
        )
        .order_by("recipient_unit__short_name")
    )
    return [
        ComplianceRow(
            unit_id=r["recipient_unit"],
            unit_name=r["recipient_unit__short_name"],
            deliveries=r["deliveries"],
            signed=r["signed"],
            signed_within=r["within"],
            avg_hours=(
                round(_seconds(r["waited"]) / r["signed"] / 3600, 2) if r["signed"] else None
            ),
            returns=r["returns"],
        )
        for r in rows
    ]


def _seconds(value: timedelta | int | float | None) -> float:
    # SQLite sums durations as microseconds (an int); PostgreSQL returns a timedelta.
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000


HEADERS = (
    "单位",
    "送达件数",
    "已签收",
    "时限内签收",
    "时限内签收率",
    "平均签收用时（小时）",
    "退回件数",
)


def compliance_xlsx(rows: list[ComplianceRow], *, start: date, end: date, hours: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "签收情况通报"
    ws.append([f"签收情况通报 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}（时限 {hours} 小时）"])
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(
            [
                r.unit_name,
                r.deliveries,
                r.signed,
                r.signed_within,
                r.within_rate,
                r.avg_hours if r.avg_hours is not None else "—",
                r.returns,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
