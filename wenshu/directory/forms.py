"""The address book's search form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wenshu.org.models import Department, Unit


def _choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class SearchForm(forms.Form):
    q = forms.CharField(
        label="姓名、单位、部门或电话",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    unit = forms.ModelChoiceField(
        label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部单位"
    )
    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.none(), empty_label="全部部门"
    )

    def __init__(
        self, *args: Any, units: QuerySet[Any], departments: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "unit", units)
        _choices(self, "department", departments)
        if not departments.exists():
            del self.fields["department"]  # chosen only within a unit
