"""The adoption statistics as an Excel workbook (openpyxl), for offices that rank units."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from wenshu.bulletins.selectors import ReportStats, UnitFigures

HEADERS = ("名次", "单位", "报送", "采用", "采用率", "退回待重报", "不采用", "待处理")
WIDTHS = (8, 36, 10, 10, 10, 12, 10, 10)


def _row(row: UnitFigures, rank: int | str) -> list[object]:
    rate = round(float(row.rate), 4) if row.rate is not None else None
    return [
        rank,
        row.unit_name,
        row.submitted,
        row.adopted,
        rate,
        row.returned,
        row.declined,
        row.pending,
    ]


def stats_workbook(stats: ReportStats) -> bytes:
    """One sheet: title, period, receiver, the ranked rows, the total and the counting rule."""
    book = Workbook()
    sheet = book.active
    sheet.title = "信息采用统计"
    receiver = stats.receiver.full_name if stats.receiver else "全部信息接收单位"
    sheet.append([f"信息采用情况统计（{receiver}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    made = timezone.localtime(stats.computed_at)
    sheet.append(
        [
            f"统计期：{stats.date_from:%Y-%m-%d} 至 {stats.date_to:%Y-%m-%d}　"
            f"统计时间：{made:%Y-%m-%d %H:%M}"
        ]
    )
    sheet.append(list(HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in stats.rows:
        sheet.append(_row(row, row.rank))
    sheet.append(_row(stats.total, ""))
    for cells in sheet.iter_rows(min_row=4, min_col=5, max_col=5):
        cells[0].number_format = "0.0%"
    sheet.append([])
    sheet.append([stats.rule])
    rule_cell = sheet.cell(row=sheet.max_row, column=1)
    rule_cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(
        start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(HEADERS)
    )
    sheet.row_dimensions[sheet.max_row].height = 90
    for i, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
