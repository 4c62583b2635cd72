"""The Excel export of the organiser's table: what each row says, and who may download it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from wenshu.meetings import services
from wenshu.meetings.tests.conftest import as_client, invitation_of, reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(cast, meeting, time_machine):
    city = cast.city
    reply(
        city.a_clerk,
        invitation_of(meeting, city.a),
        "attend",
        attendee_ids=[city.a_staff.pk],
        extra_attendees=[("司机小王", "驾驶员")],
    )
    reply(city.b_clerk, invitation_of(meeting, city.b), "absent", reason="=1+1 与全省会议冲突")
    reply(
        city.a_leader,
        invitation_of(meeting, city.a_leader),
        "substitute",
        substitute_id=city.a_clerk.pk,
    )
    as_client(cast.c_clerk).get(f"/meetings/{meeting.pk}/")  # C received, did not reply
    time_machine.move_to(meeting.start_at - timedelta(minutes=10), tick=False)
    code = services.signin_screen(actor=cast.gov_clerk, meeting=meeting).code
    services.attendee_sign_in_by_code(actor=city.a_staff, code=code)
    return meeting


def _book(response):
    return load_workbook(io.BytesIO(response.content))


def test_the_export_lists_every_invitation_with_its_reply(cast, replied):
    response = as_client(cast.gov_clerk).get(f"/meetings/{replied.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = _book(response)
    assert book.sheetnames == ["回执情况", "签到名单"]
    sheet = book["回执情况"]
    assert sheet["A1"].value == "全市政务信息化工作推进会"
    assert [c.value for c in sheet[4]] == [
        "序号",
        "受邀对象",
        "类型",
        "所属单位",
        "收到时间",
        "签收人",
        "回执",
        "不参加事由",
        "参会人员",
        "已签到",
        "回复人",
        "回复时间",
    ]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"市财政局", "市教育局", "市卫健委", "艾局长"}
    assert rows["市财政局"][6] == "参加"
    assert rows["市财政局"][8] == "艾科员、司机小王（驾驶员）"
    assert rows["市财政局"][9] == "艾科员"
    assert rows["市教育局"][6] == "不参加"
    assert rows["市教育局"][7] == "'=1+1 与全省会议冲突"  # stays text, never a formula
    assert rows["艾局长"][6] == "委派他人参加" and rows["艾局长"][8] == "艾文书［代参］"
    assert rows["市卫健委"][6] == "未回复" and rows["市卫健委"][5] == "程文书"
    assert rows["市卫健委"][4]  # received time


def test_the_attendance_sheet_shows_who_came(cast, replied):
    book = _book(as_client(cast.gov_leader).get(f"/meetings/{replied.pk}/export.xlsx"))
    rows = list(book["签到名单"].iter_rows(min_row=5, values_only=True))
    came = {r[1]: (r[4], r[6]) for r in rows}
    assert came == {
        "艾科员": ("参会人", "签到码"),
        "司机小王": ("参会人", "未签到"),
        "艾文书": ("代参人", "未签到"),
    }


@pytest.mark.parametrize("who", ["a_clerk", "b_leader", "b_staff", "shuziban"])
def test_only_the_organising_unit_may_export(cast, meeting, who):
    response = as_client(getattr(cast.city, who)).get(f"/meetings/{meeting.pk}/export.xlsx")
    assert response.status_code == 404
