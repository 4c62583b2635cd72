"""Adoption statistics over a period: counted by first submission date (Asia/Shanghai), the
outcome of the latest version as of the query, withdrawn items left out, ranked; and the
Excel export opened with openpyxl."""

from __future__ import annotations

import io
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from conftest import make_person, make_unit
from wenshu.audit.models import AuditEvent
from wenshu.bulletins import selectors, services
from wenshu.bulletins.tests.conftest import adopt, as_user, report
from wenshu.lib.errors import DomainError, Forbidden, NotFound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("receivers")]
SH = ZoneInfo("Asia/Shanghai")
MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def clock():
    with time_machine.travel(at(2, 20), tick=False) as traveller:
        yield traveller


@pytest.fixture
def history(city, clock):
    """March 2026 for receiver 市政府办公室 (and one item to 市委办公室):

    市财政局 (A): adopted in March; returned in March, resubmitted and adopted in April;
        submitted 31 March 23:30 and still waiting; withdrawn; before and after the period.
    市教育局 (B): two items, both adopted.   新区管委会 (D): two items, both adopted.
    市保密局: one item, declined.
    """
    d = make_unit("白银新区管理委员会", "新区管委会", "白新")
    d_clerk = make_person("d_clerk", d, "clerk")
    sec_clerk = make_person("sec_clerk", city.secrecy_bureau, "clerk")
    clock.move_to(at(2, 28, 23, 59))
    report(city, title="二月底报送")  # before the period
    clock.move_to(at(3, 2))
    adopt(city, report(city, title="A1"))
    a2 = report(city, title="A2")
    services.report_return(actor=city.gov_clerk, report=a2, opinion="请补充数据")
    services.report_withdraw(actor=city.a_clerk, report=report(city, title="A撤回"))
    party = report(city, title="A到市委办", receiver=city.party_office)
    adopt(city, party, handler=city.party_clerk)
    for author in (city.b_clerk, city.b_clerk, d_clerk, d_clerk):
        adopt(city, report(city, author=author, title="采用的信息"))
    services.report_decline(actor=city.gov_clerk, report=report(city, author=sec_clerk))
    clock.move_to(at(3, 31, 23, 30))
    report(city, title="A3月末")
    clock.move_to(at(4, 1, 0, 10))  # 16:10 UTC on 31 March, but 1 April in Shanghai
    report(city, title="四月报送")
    city.d = d
    return a2


def figures(stats):
    return {
        r.unit_name: (r.rank, r.submitted, r.adopted, r.returned, r.declined, r.pending)
        for r in stats.rows
    }


def test_figures_count_items_by_first_submission_and_their_outcome_so_far(city, history, clock):
    stats = selectors.report_stats(viewer=city.gov_clerk, **MARCH)
    assert stats.receiver == city.gov_office
    assert figures(stats) == {
        "白银市教育局": (1, 2, 2, 0, 0, 0),
        "白银新区管理委员会": (1, 2, 2, 0, 0, 0),
        "白银市财政局": (3, 3, 1, 1, 0, 1),
        "白银市国家保密局": (4, 1, 0, 0, 1, 0),
    }
    a = next(r for r in stats.rows if r.unit_id == city.a.pk)
    assert a.rate == Fraction(1, 3) and a.rate_text == "33.3%"
    assert (stats.total.submitted, stats.total.adopted) == (8, 5)


def test_an_item_decided_later_counts_in_the_period_it_was_first_submitted(city, history, clock):
    clock.move_to(at(4, 3))
    second = services.report_resubmit(
        actor=city.a_clerk,
        report=history,
        data=services.ReportInput(title="A2修改稿", body="补充", category="work_news"),
    )
    stats = selectors.report_stats(viewer=city.gov_clerk, **MARCH)
    assert figures(stats)["白银市财政局"][1:] == (3, 1, 0, 0, 2)  # resubmitted: one item, waiting
    clock.move_to(at(4, 5))
    adopt(city, second)
    stats = selectors.report_stats(viewer=city.gov_clerk, **MARCH)
    assert figures(stats)["白银市财政局"][1:] == (3, 2, 0, 0, 1)
    april = selectors.report_stats(
        viewer=city.gov_clerk, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)
    )
    assert figures(april) == {"白银市财政局": (1, 1, 0, 0, 0, 1)}  # only the April item


def test_the_digital_office_sees_every_receiver_or_one(city, history):
    everything = selectors.report_stats(viewer=city.shuziban, **MARCH)
    assert everything.receiver is None
    assert figures(everything)["白银市财政局"][1:3] == (4, 2)
    party = selectors.report_stats(viewer=city.shuziban, receiver_id=city.party_office.pk, **MARCH)
    assert figures(party) == {"白银市财政局": (1, 1, 1, 0, 0, 0)}


def test_statistics_are_refused_to_others_and_other_receivers(city, history):
    with pytest.raises(NotFound):
        selectors.report_stats(viewer=city.gov_clerk, receiver_id=city.party_office.pk, **MARCH)
    for person in (city.a_clerk, city.a_leader, city.b_staff, city.gov_staff):
        with pytest.raises(Forbidden):
            selectors.report_stats(viewer=person, **MARCH)
    with pytest.raises(DomainError, match="开始日期不能晚于结束日期"):
        selectors.report_stats(
            viewer=city.gov_clerk, date_from=date(2026, 4, 1), date_to=date(2026, 3, 1)
        )


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_the_excel_export_holds_the_ranked_figures(city, history):
    data, name = services.report_stats_export(actor=city.gov_clerk, **MARCH)
    assert name == "信息采用统计_20260301-20260331.xlsx"
    sheet = _sheet(data)
    assert "白银市人民政府办公室" in sheet["A1"].value
    assert "2026-03-01 至 2026-03-31" in sheet["A2"].value
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3, max_row=8)]
    assert rows[0] == ("名次", "单位", "报送", "采用", "采用率", "退回待重报", "不采用", "待处理")
    assert rows[3] == (3, "白银市财政局", 3, 1, 0.3333, 1, 0, 1)
    assert rows[5] == (None, "合计", 8, 5, 0.625, 1, 1, 1)
    assert sheet["E6"].number_format == "0.0%"
    assert "统计口径" in sheet.cell(row=sheet.max_row, column=1).value
    event = AuditEvent.objects.get(action="bulletins.report_stats_exported")
    assert event.details["rows"] == 4


def test_the_page_and_its_export(city, history):
    c = as_user(city.gov_clerk)
    page = c.get("/bulletins/reports/stats/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    html = page.content.decode()
    assert page.status_code == 200 and "白银市财政局" in html and "33.3%" in html
    xlsx = c.get(
        "/bulletins/reports/stats.xlsx", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert _sheet(xlsx.content)["B7"].value == "白银市国家保密局"
    bad = c.get("/bulletins/reports/stats/", {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert bad.status_code == 400 and "开始日期不能晚于结束日期" in bad.content.decode()
    assert as_user(city.a_clerk).get("/bulletins/reports/stats/").status_code == 403
    assert as_user(city.b_staff).get("/bulletins/reports/stats.xlsx").status_code == 403
