"""Forms of the tickets pages. They check shape only; the rules live in the services."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from wenshu.files.forms import MultiUploadField
from wenshu.tickets import selectors
from wenshu.tickets.models import Category, Ticket, Urgency
from wenshu.tickets.services._common import MAX_ATTACHMENTS, MAX_REF, MAX_SUMMARY, MAX_TEXT
from wenshu.web.fields import ModelMultipleChoiceField

_BLANK = [("", "全部")]


def _area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


class ReportForm(forms.Form):
    category = forms.ChoiceField(label="故障类别", choices=Category.choices)
    urgency = forms.ChoiceField(
        label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="故障简述",
        max_length=MAX_SUMMARY,
        help_text="一句话说明什么不能用了，例如“无法接收市政府办公室的来文”",
    )
    details = forms.CharField(
        label="故障描述",
        max_length=MAX_TEXT,
        required=False,
        widget=_area(5),
        help_text="出现时间、提示信息、已经尝试过的办法",
    )
    affected = forms.CharField(
        label="影响范围",
        max_length=MAX_TEXT,
        required=False,
        widget=_area(2),
        help_text="受影响的人员、科室、设备或业务",
    )
    related_ref = forms.CharField(
        label="相关编号",
        max_length=MAX_REF,
        required=False,
        help_text="如发文字号、收文编号、设备资产编号（可不填）",
    )
    attachments = MultiUploadField(
        label="附件（截图、日志等）",
        required=False,
        help_text=f"最多 {MAX_ATTACHMENTS} 个；上传时进行病毒扫描",
    )
    to_office = forms.BooleanField(label="直接上报市数字办（本单位无法排除时）", required=False)

    def __init__(self, *args: Any, may_send_to_office: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_send_to_office:
            del self.fields["to_office"]


class NoteForm(forms.Form):
    text = forms.CharField(label="记录内容", max_length=MAX_TEXT, widget=_area(3))
    attachments = MultiUploadField(label="附件", required=False)


class StepForm(forms.Form):
    """A step with an optional explanation (受理, 上报, 响应, 开始处理, 关闭, 撤回)."""

    note = forms.CharField(label="说明", max_length=MAX_TEXT, required=False, widget=_area(2))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="处理结果", max_length=MAX_TEXT, widget=_area(3), help_text="故障原因和排除办法"
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新打开的原因", max_length=MAX_TEXT, widget=_area(2))


class SolutionForm(forms.Form):
    solution = forms.CharField(
        label="解决办法",
        max_length=MAX_TEXT,
        widget=_area(5),
        help_text="将写入纸质通知的“解决办法”部分，并报告市政府办公室",
    )
    units = ModelMultipleChoiceField(
        label="接收纸质通知的单位",
        queryset=selectors.notice_unit_choices().none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="不选则沿用当前名单（公文交换故障默认为全部使用单位，其他为报修单位）",
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"units": list(ticket.notice_units.values_list("pk", flat=True))}
        )
        super().__init__(*args, **kwargs)
        field = cast(ModelMultipleChoiceField, self.fields["units"])
        field.queryset = selectors.notice_unit_choices()


class FilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=_BLANK + Ticket.Status.choices, required=False)
    category = forms.ChoiceField(label="类别", choices=_BLANK + Category.choices, required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=_BLANK + Urgency.choices, required=False)
    q = forms.CharField(label="关键词", max_length=100, required=False)


def _month_start() -> date:
    return timezone.localdate().replace(day=1)


class StatsForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        return data

    @staticmethod
    def defaults() -> dict[str, date]:
        return {"start": _month_start(), "end": timezone.localdate()}
