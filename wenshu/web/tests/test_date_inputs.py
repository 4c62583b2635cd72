"""Every <input type="date"> / "datetime-local" in Wenshu's forms shows its value in ISO form.

A browser shows an <input type="date"> as empty unless its value is "YYYY-MM-DD" (and
"YYYY-MM-DDTHH:MM" for datetime-local). Under zh-hans Django used to render "2026/12/06",
so a saved or initial date vanished and a required date blocked the form.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation

import wenshu

ISO = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$"),
}
SAMPLE = {"date": date(2026, 12, 6), "datetime-local": datetime(2026, 12, 6, 9, 30)}


def _date_widgets():
    found = []
    for info in pkgutil.iter_modules(wenshu.__path__):
        try:
            module = importlib.import_module(f"wenshu.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                kind = field.widget.attrs.get("type") or getattr(field.widget, "input_type", "")
                if kind in ISO:
                    found.append((f"{module.__name__}.{name}.{field_name}", field.widget, kind))
    return found


WIDGETS = _date_widgets()


def test_the_forms_have_date_inputs_to_check():
    assert len(WIDGETS) >= 10


@pytest.mark.parametrize(("where", "widget", "kind"), WIDGETS, ids=[w[0] for w in WIDGETS])
def test_a_date_input_renders_its_value_in_iso_form(where, widget, kind):
    with translation.override("zh-hans"):
        html = widget.render("d", SAMPLE[kind])
    value = re.search(r'value="([^"]*)"', html)
    assert value, f"{where}: {html}"
    assert ISO[kind].match(value.group(1)), f"{where} renders {value.group(1)!r}"


@pytest.mark.parametrize("typed", ["2026-12-06", "2026/12/06", "2026年12月06日"])
def test_a_date_field_still_accepts_the_chinese_forms(typed):
    with translation.override("zh-hans"):
        assert forms.DateField().clean(typed) == date(2026, 12, 6)
