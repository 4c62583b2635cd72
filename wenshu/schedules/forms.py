"""Forms of the schedule pages; they only parse input — the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from wenshu.accounts.models import User
from wenshu.org.models import Unit
from wenshu.schedules.services import EventInput

DT_FORMAT = "%Y-%m-%dT%H:%M"


def _dt_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT),
    )


class EventForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    start_at = _dt_field("开始时间")
    end_at = _dt_field("结束时间")
    all_day = forms.BooleanField(label="全天（只看日期）", required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    remind_minutes = forms.IntegerField(
        label="提前提醒（分钟）",
        required=False,
        min_value=0,
        max_value=7 * 24 * 60,
        help_text="到时通过站内消息和短信提醒；留空则不提醒。",
    )
    private = forms.BooleanField(
        label="不公开（领导日程：只有领导本人和维护人可见）", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_at"), data.get("end_at")
        if start and end and end < start and not data.get("all_day"):
            self.add_error("end_at", "结束时间不能早于开始时间。")
        return data

    def to_input(self) -> EventInput:
        return EventInput(**self.cleaned_data)


class KeeperForm(forms.Form):
    person = forms.ModelChoiceField(
        label="维护人", queryset=User.objects.none(), empty_label="（请选择本单位人员）"
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda p: p.real_name  # type: ignore[attr-defined]


class ViewerForm(forms.Form):
    person = forms.ModelChoiceField(
        label="查看人", queryset=User.objects.none(), required=False, empty_label="（不选）"
    )
    unit = forms.ModelChoiceField(
        label="或查看单位（该单位全体人员）",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="（不选）",
    )

    def __init__(self, *args: Any, people: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.real_name}（{p.unit.short_name or p.unit.full_name}）"
        )
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("unit")):
            raise forms.ValidationError("请选择一位查看人或一个查看单位（二选一）。")
        return data
