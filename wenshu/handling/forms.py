"""Forms of 收文办理 pages (Chinese labels; the services re-check everything)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone

from wenshu.handling.models import ArchiveRecord

# <input type="date"> and "datetime-local" take only ISO values; the zh-hans default output
# format (2026/12/06) leaves the browser's field empty, and a required one blocks the form.
ISO_DATE = "%Y-%m-%d"
ISO_MINUTE = "%Y-%m-%dT%H:%M"


class ProposeForm(forms.Form):
    opinion = forms.CharField(
        label="拟办意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    leaders = forms.TypedMultipleChoiceField(
        label="批示领导", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    departments = forms.TypedMultipleChoiceField(
        label="承办部门", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    due = forms.DateField(
        label="办理期限",
        widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"}),
        help_text="每个承办部门的期限（接口可为各部门分别设置）",
    )

    def __init__(self, *args: Any, leaders: Any = (), departments: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(Any, self.fields["leaders"]).choices = [(u.pk, u.display_name) for u in leaders]
        cast(Any, self.fields["departments"]).choices = [(d.pk, d.name) for d in departments]
        self.fields["due"].initial = timezone.localdate() + timedelta(days=10)


class ActForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ArchiveForm(forms.Form):
    retention = forms.ChoiceField(
        label="保管期限",
        choices=ArchiveRecord.Retention.choices,
        initial=ArchiveRecord.Retention.D30,
    )
    org_code = forms.CharField(
        label="机构代码",
        max_length=10,
        required=False,
        help_text="如 BGS；留空则用承办部门上次归档时的代码",
    )
    pages = forms.IntegerField(label="页数", min_value=1, max_value=100000, initial=1)


class CirculateForm(forms.Form):
    readers = forms.TypedMultipleChoiceField(
        label="传阅人", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, readers: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(Any, self.fields["readers"]).choices = [(u.pk, u.display_name) for u in readers]


class DelegationForm(forms.Form):
    delegate = forms.TypedChoiceField(label="代办人", coerce=int)
    starts_at = forms.DateTimeField(
        label="开始时间",
        widget=forms.DateTimeInput(format=ISO_MINUTE, attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label="结束时间",
        widget=forms.DateTimeInput(format=ISO_MINUTE, attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(label="事由", max_length=200, required=False)

    def __init__(self, *args: Any, people: Any = (), **kw: Any) -> None:
        super().__init__(*args, **kw)
        cast(Any, self.fields["delegate"]).choices = [(u.pk, u.display_name) for u in people]


class ComplianceForm(forms.Form):
    start = forms.DateField(
        label="开始日期", widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    end = forms.DateField(
        label="结束日期", widget=forms.DateInput(format=ISO_DATE, attrs={"type": "date"})
    )
    hours = forms.IntegerField(label="签收时限（小时）", min_value=1, max_value=720, initial=24)
