"""The search box and its filters (page and API share the same rules via selectors)."""

from __future__ import annotations

from typing import Any

from django import forms

from wenshu.org.models import Unit
from wenshu.search.registry import kind_choices
from wenshu.search.segment import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=MAX_QUERY_CHARS,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )
    kind = forms.ChoiceField(label="类别", required=False)
    unit = forms.ModelChoiceField(
        label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部单位"
    )
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类别"), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data
