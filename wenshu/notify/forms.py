from __future__ import annotations

from typing import Any

from django import forms

from wenshu.notify.models import OutboxMessage


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *OutboxMessage.Status.choices],
    )
    date_from = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入正确的日期，例如 2026-03-01。"},
    )
    date_to = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入正确的日期，例如 2026-03-31。"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data
