"""签收情况通报 (S4 art. 10): per unit for a period — deliveries, signed within N hours, average
time to receive, returns — as figures, on the page and as an Excel file."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from wenshu.handling.services import compliance_report, compliance_xlsx
from wenshu.handling.tests.conftest import deliver
from wenshu.lib.errors import DomainError, Forbidden

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 5, 10, 9, 0, tzinfo=SH)
START, END = date(2026, 5, 1), date(2026, 5, 31)


def _deliveries(city: Any) -> None:
    deliver(city, city.b, at=T0, signed_at=T0 + timedelta(hours=2))
    deliver(city, city.b, at=T0, signed_at=T0 + timedelta(hours=30))
    deliver(city, city.b, at=T0, returned_at=T0 + timedelta(hours=1))
    deliver(city, city.b, at=T0 - timedelta(days=20), signed_at=T0)  # April: outside
    deliver(city, city.gov_office, at=T0, signed_at=T0 + timedelta(hours=1))


def test_it_computes_the_figures_per_unit_for_the_period(city: Any) -> None:
    _deliveries(city)
    rows = {
        r.unit_name: r
        for r in compliance_report(viewer=city.shuziban, start=START, end=END, hours=24)
    }
    b = rows["市教育局"]
    assert (b.deliveries, b.signed, b.signed_within, b.returns) == (3, 2, 1, 1)
    assert b.avg_hours == 16.0
    assert b.within_rate == "33.3%"
    assert rows["市政府办"].avg_hours == 1.0
    wider = {
        r.unit_name: r
        for r in compliance_report(viewer=city.shuziban, start=START, end=END, hours=48)
    }
    assert wider["市教育局"].signed_within == 2


def test_a_unit_sees_only_its_own_row_and_staff_are_refused(city: Any) -> None:
    _deliveries(city)
    rows = compliance_report(viewer=city.b_clerk, start=START, end=END)
    assert [r.unit_name for r in rows] == ["市教育局"]
    with pytest.raises(Forbidden):
        compliance_report(viewer=city.b_staff, start=START, end=END)
    with pytest.raises(DomainError, match="结束日期"):
        compliance_report(viewer=city.shuziban, start=END, end=START)


def test_the_excel_file_carries_the_same_figures(city: Any) -> None:
    _deliveries(city)
    rows = compliance_report(viewer=city.shuziban, start=START, end=END, hours=24)
    wb = load_workbook(io.BytesIO(compliance_xlsx(rows, start=START, end=END, hours=24)))
    ws = wb.active
    values = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert values[0][0] == "单位" and values[0][3] == "时限内签收"
    assert ["市教育局", 3, 2, 1, "33.3%", 16.0, 1] in values


def test_the_page_and_the_excel_download(city: Any, login: Any) -> None:
    _deliveries(city)
    client = login(city.shuziban)
    page = client.get(
        "/handling/compliance/", {"start": "2026-05-01", "end": "2026-05-31", "hours": 24}
    )
    assert page.status_code == 200 and "市教育局" in page.content.decode()
    xlsx = client.get(
        "/handling/compliance/",
        {"start": "2026-05-01", "end": "2026-05-31", "hours": 24, "format": "xlsx"},
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client.get(
        "/handling/compliance/", {"start": "2026-05-31", "end": "2026-05-01", "hours": 24}
    )
    assert bad.status_code == 400 and "结束日期" in bad.content.decode()
    api = client.get(
        "/api/v1/handling/reports/compliance", {"start": "2026-05-01", "end": "2026-05-31"}
    )
    assert api.status_code == 200 and {r["unit_name"] for r in api.json()} >= {"市教育局"}
    assert login(city.b_staff).get("/handling/compliance/").status_code == 403
