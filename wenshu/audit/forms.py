from __future__ import annotations

from typing import Any

from django import forms

from wenshu.audit.models import AuditEvent
from wenshu.audit.selectors import EventFilter
from wenshu.lib.errors import DomainError


class EventFilterForm(forms.Form):
    """The audit console's filters (a GET form: the console changes nothing)."""

    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入正确的日期，例如 2026-03-01。"},
    )
    date_to = forms.DateField(
        label="截止日期（含当天）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入正确的日期，例如 2026-03-31。"},
    )
    person = forms.CharField(label="人员（姓名或编号）", required=False, max_length=60)
    unit = forms.CharField(label="单位（名称或编号）", required=False, max_length=100)
    action = forms.CharField(label="操作（代码片段，如 account.）", required=False, max_length=80)
    result = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditEvent.Result.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                self.to_filter(data).check()
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data

    def to_filter(self, data: dict[str, Any] | None = None) -> EventFilter:
        data = self.cleaned_data if data is None else data
        return EventFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            person=data.get("person") or "",
            unit=data.get("unit") or "",
            action=data.get("action") or "",
            result=data.get("result") or "",
        )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="处理说明",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "例如：已核实，系误报"}),
    )
