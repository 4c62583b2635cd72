"""The audit log as CSV for Excel: UTF-8 with a BOM (or Excel guesses GBK and garbles the
Chinese), times in Asia/Shanghai, and no cell that Excel would run as a formula."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.utils import timezone

from wenshu.audit.models import AuditEvent

BOM = "\ufeff"
HEADER = [
    "序号",
    "时间",
    "操作人",
    "操作人编号",
    "被代办人",
    "单位",
    "单位编号",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "IP 地址",
    "结果",
    "详情",
    "哈希",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A name like "=HYPERLINK(...)" typed by a user must stay text in Excel (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(event: AuditEvent) -> list[str]:
    values: list[object] = [
        event.seq,
        timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_name,
        event.actor_id,
        event.on_behalf_of_name,
        event.unit_name,
        event.unit_id,
        event.action,
        event.target_type,
        event.target_id,
        event.target_repr,
        event.ip,
        event.get_result_display(),
        json.dumps(event.details, ensure_ascii=False, sort_keys=True),
        event.hash,
    ]
    return [_cell(v) for v in values]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """Yield the file piece by piece (a streaming response): BOM, header, one line per event."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: list[str]) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    yield BOM + line(HEADER)
    for event in events:
        yield line(_row(event))
