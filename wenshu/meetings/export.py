"""The organiser's reply table as an Excel workbook (openpyxl): one sheet of replies, one of
the attendance list. Times are Asia/Shanghai; text typed by people never becomes a formula."""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from wenshu.meetings.models import Attendee, Invitation, Meeting

REPLY_HEADER = [
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
ATTENDANCE_HEADER = ["序号", "姓名", "职务", "单位", "身份", "签到时间", "签到方式"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    # "=HYPERLINK(...)" typed as a name must stay text in Excel (formula injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _time(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def attendee_label(attendee: Attendee) -> str:
    label = f"{attendee.name}（{attendee.post}）" if attendee.post else attendee.name
    return f"{label}［代参］" if attendee.substitute else label


def _reply_row(n: int, row: Invitation) -> list[str]:
    attendees = list(row.attendees.all())
    signed = [a.name for a in attendees if a.signed_in_at]
    return [
        str(n),
        row.invitee_name,
        row.get_kind_display(),
        row.unit.full_name,
        _time(row.received_at),
        row.received_by.display_name if row.received_by else "",
        row.get_reply_display(),
        row.reason,
        "、".join(attendee_label(a) for a in attendees),
        "、".join(signed),
        row.replied_by.display_name if row.replied_by else "",
        _time(row.replied_at),
    ]


def _attendance_rows(rows: list[Invitation]) -> list[list[str]]:
    out: list[list[str]] = []
    for row in rows:
        for a in row.attendees.all():
            role = "代参人" if a.substitute else ("未回复到会" if a.walk_in else "参会人")
            out.append(
                [
                    str(len(out) + 1),
                    a.name,
                    a.post,
                    row.unit.full_name,
                    role,
                    _time(a.signed_in_at),
                    a.get_signin_method_display() if a.signin_method else "未签到",
                ]
            )
    return out


def _sheet(ws: Worksheet, title: str, info: str, header: list[str], rows: list[list[str]]) -> None:
    ws.append([_text(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_text(info)])
    ws.append([])
    ws.append(header)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append([_text(v) for v in values])
    for column in ws.iter_cols(min_row=4):
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(width * 2 + 2, 8), 60)
        for c in column:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A5"


def table_xlsx(meeting: Meeting, rows: list[Invitation]) -> bytes:
    """The workbook's bytes for rows from selectors.meeting_table."""
    info = (
        f"组织单位：{meeting.organiser_unit.full_name}　"
        f"时间：{_time(meeting.start_at)}至{_time(meeting.end_at)}　地点：{meeting.place}　"
        f"回复截止：{_time(meeting.reply_deadline)}　导出时间：{_time(timezone.now())}"
    )
    book = Workbook()
    replies = book.active
    replies.title = "回执情况"
    _sheet(
        replies,
        meeting.title,
        info,
        REPLY_HEADER,
        [_reply_row(n, row) for n, row in enumerate(rows, start=1)],
    )
    _sheet(
        book.create_sheet("签到名单"),
        meeting.title,
        info,
        ATTENDANCE_HEADER,
        _attendance_rows(rows),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
