"""Forms of the workflow pages. They check shapes only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from wenshu.org.models import Unit
from wenshu.workflow import engine, registry
from wenshu.workflow.services.processes import MAX_OPINION_CHARS

MAX_UPLOAD_BYTES = engine.MAX_XML_BYTES


class StepForm(forms.Form):
    """Decision (as offered by the step's BPMN) and opinion."""

    decision = forms.ChoiceField(label="办理意见", widget=forms.RadioSelect)
    opinion = forms.CharField(
        label="意见",
        required=False,
        max_length=MAX_OPINION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="退回时必须填写理由；意见会写入办理记录（发文稿纸）。",
    )

    def __init__(
        self, *args: Any, decisions: tuple[str, ...] = ("approve",), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d, engine.DECISIONS[d]) for d in decisions]
        field.initial = decisions[0]


class DefinitionUploadForm(forms.Form):
    key = forms.ChoiceField(label="流程类别")
    unit = forms.ModelChoiceField(
        label="适用单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全市默认（未单独设置流程的单位都使用）",
    )
    bpmn_file = forms.FileField(
        label="BPMN 文件", help_text="BPMN 2.0 XML 文件（.bpmn），不超过 1 MB。"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key_field = self.fields["key"]
        assert isinstance(key_field, forms.ChoiceField)
        key_field.choices = [(k.key, k.label) for k in registry.process_keys()]
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.filter(status=Unit.Status.REGISTERED).order_by(
            "full_name"
        )

    def clean_bpmn_file(self) -> bytes:
        upload = self.cleaned_data["bpmn_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件过大：流程文件不超过 1 MB。")
        return upload.read()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="终止原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
