"""Statistics for a period (per unit and category, response and resolution times, breaches)
and their Excel export."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wenshu.lib.errors import DomainError, Forbidden
from wenshu.tickets import services, stats
from wenshu.tickets.tests.conftest import at_office, report

DAY = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture
def april(city, time_machine):
    """In April: unit A has an exchange fault answered in 2 h and resolved in 6 h, and a
    network fault that breached; unit B has a terminal fault fixed locally in 3 h. One more
    unit-A fault was reported in March (outside the period)."""
    time_machine.move_to(DAY - timedelta(days=10), tick=False)
    report(city.a_clerk, category="key", summary="三月的故障")
    time_machine.move_to(DAY, tick=False)
    quick = at_office(city, category="exchange", summary="收不到来文")
    slow = at_office(city, category="network", summary="专网中断")
    local = report(city.b_staff, category="terminal", summary="扫描仪坏了")
    time_machine.move_to(DAY + timedelta(hours=2), tick=False)
    services.ticket_acknowledge(actor=city.shuziban, ticket=quick)
    time_machine.move_to(DAY + timedelta(hours=3), tick=False)
    services.ticket_resolve(actor=city.b_admin, ticket=local, resolution="更换扫描仪")
    time_machine.move_to(DAY + timedelta(hours=6), tick=False)
    services.ticket_resolve(actor=city.shuziban, ticket=quick, resolution="重启交换服务")
    time_machine.move_to(DAY + timedelta(hours=24), tick=False)
    services.tickets_timers_sweep()
    return {"quick": quick, "slow": slow, "local": local}


def test_the_digital_office_sees_every_unit_for_the_period(city, april):
    s = stats.ticket_statistics(viewer=city.shuziban, start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert s.total == 3 and s.breaches == 1
    rows = {r.name: r for r in s.rows}
    assert rows["白银市财政局"].counts == {"exchange": 1, "network": 1}
    assert rows["白银市财政局"].breaches == 1
    assert rows["白银市教育局"].counts == {"terminal": 1}
    assert s.response.count == 1 and s.response.mean_hours == 2.0
    assert s.resolution.count == 2 and s.resolution.mean_hours == 4.5
    assert s.resolution.median_hours == 4.5


def test_the_period_includes_both_end_dates_in_local_time(city, april):
    march = stats.ticket_statistics(
        viewer=city.shuziban, start=date(2026, 3, 22), end=date(2026, 3, 22)
    )
    assert march.total == 1
    first = stats.ticket_statistics(
        viewer=city.shuziban, start=date(2026, 4, 1), end=date(2026, 4, 1)
    )
    assert first.total == 3


def test_a_unit_admin_sees_only_their_unit(city, april):
    s = stats.ticket_statistics(viewer=city.b_admin, start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert [r.name for r in s.rows] == ["白银市教育局"] and s.total == 1


@pytest.mark.parametrize("who", ["a_clerk", "a_staff", "zhengfuban", "auditor"])
def test_others_may_not_see_statistics(city, who):
    with pytest.raises(Forbidden):
        stats.ticket_statistics(
            viewer=getattr(city, who), start=date(2026, 4, 1), end=date(2026, 4, 30)
        )


def test_a_reversed_period_is_refused(city):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        stats.ticket_statistics(viewer=city.shuziban, start=date(2026, 4, 2), end=date(2026, 4, 1))


def test_the_excel_export_has_the_counts_times_and_list(city, april):
    s = stats.ticket_statistics(viewer=city.shuziban, start=date(2026, 4, 1), end=date(2026, 4, 30))
    wb = load_workbook(io.BytesIO(stats.statistics_xlsx(s)))
    assert wb.sheetnames == ["按单位和类别", "时效", "故障清单"]
    units = list(wb["按单位和类别"].iter_rows(values_only=True))
    assert units[0][0] == "单位" and "公文交换" in units[0]
    assert units[-1][0] == "合计" and units[-1][-2:] == (3, 1)
    times = dict(wb["时效"].iter_rows(values_only=True))
    assert times["平均响应时间（小时）"] == 2.0 and times["超过24小时未排除（升级）次数"] == 1
    listed = list(wb["故障清单"].iter_rows(min_row=2, values_only=True))
    assert {r[5] for r in listed} == {"收不到来文", "专网中断", "扫描仪坏了"}


def test_a_summary_that_looks_like_a_formula_stays_text_in_excel(city):
    report(city.a_clerk, summary='=HYPERLINK("http://x")')
    today = timezone.localdate()
    s = stats.ticket_statistics(viewer=city.shuziban, start=today, end=today)
    wb = load_workbook(io.BytesIO(stats.statistics_xlsx(s)))
    cell = wb["故障清单"]["F2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")
