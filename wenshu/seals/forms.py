"""Forms of the seals pages. They check shape only; the rules live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from wenshu.accounts.models import User
from wenshu.lib import sealpic
from wenshu.seals.models import DestructionParty, Seal, SealApplication, SealType
from wenshu.web.fields import ModelMultipleChoiceField

_BLANK = [("", "—")]
MAX_DATA_FILE = 50 * 1024 * 1024


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label="申请类别", choices=SealApplication.Kind.choices)
    seal_type = forms.ChoiceField(
        label="印章类型",
        choices=_BLANK + SealType.choices,
        required=False,
        help_text="新制时必填；变更时不填则沿用原印章类型",
    )
    old_seal = forms.ModelChoiceField(
        label="原印章", queryset=Seal.objects.none(), required=False, help_text="变更或销毁时选择"
    )
    change_reason = forms.ChoiceField(
        label="变更原因", required=False, choices=_BLANK + SealApplication.ChangeReason.choices
    )
    reason = forms.CharField(
        label="申请理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    custodians = ModelMultipleChoiceField(
        label="印章保管人",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="新制或变更时指定；须为本单位的印章保管人",
    )
    threshold_k = forms.IntegerField(
        label="每次用印需几名保管人同意", min_value=1, max_value=20, required=False, initial=1
    )

    def __init__(self, *args: Any, old_seals: Any, custodians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["old_seal"]).queryset = old_seals
        cast(ModelMultipleChoiceField, self.fields["custodians"]).queryset = custodians


class DecisionForm(forms.Form):
    """Agree or not, with an opinion; the button pressed carries the decision."""

    opinion = forms.CharField(
        label="意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProductionForm(forms.Form):
    picture = forms.FileField(
        label="印章图片（PNG 扫描件，可不传）",
        required=False,
        help_text="不上传则按单位名称自动生成圆形红色印章（带五角星）",
    )
    diameter_mm = forms.IntegerField(
        label="印面直径（毫米）", min_value=20, max_value=60, initial=42
    )
    valid_years = forms.IntegerField(label="有效期（年）", min_value=1, max_value=10, initial=5)

    def clean_picture(self) -> bytes | None:
        upload = self.cleaned_data.get("picture")
        if not upload:
            return None
        if upload.size > sealpic.MAX_PNG_BYTES:
            raise forms.ValidationError(f"印章图片不能超过 {sealpic.MAX_PNG_BYTES // 1024} KB")
        return upload.read()


class ConfirmForm(forms.Form):
    party = forms.ChoiceField(label="到场方", choices=DestructionParty.choices)
    attendee_name = forms.CharField(
        label="到场人员姓名（仅所属单位已注销时填写）", max_length=100, required=False
    )

    def __init__(self, *args: Any, parties: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["party"]).choices = [
            c for c in DestructionParty.choices if c[0] in parties
        ]


class LossForm(forms.Form):
    reason = forms.CharField(
        label="挂失原因", max_length=250, widget=forms.Textarea(attrs={"rows": 2})
    )


class UseRequestForm(forms.Form):
    purpose = forms.CharField(label="用印事由", max_length=300)
    data_file = forms.FileField(
        label="待盖章文件", required=False, help_text="系统计算其 SM3 摘要；也可直接填写摘要"
    )
    digest_hex = forms.CharField(
        label="数据摘要（SM3，64 位十六进制）", max_length=64, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("data_file") and not data.get("digest_hex"):
            raise forms.ValidationError("请上传待盖章文件或填写其 SM3 摘要")
        upload = data.get("data_file")
        if upload is not None and upload.size > MAX_DATA_FILE:
            raise forms.ValidationError("文件不能超过 50 MB")
        return data


class RulesForm(forms.Form):
    text = forms.CharField(
        label="本单位电子印章管理办法",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
    )


class VerifyForm(forms.Form):
    signature = forms.FileField(label="电子签章文件（.ses）")
    data_file = forms.FileField(label="原文文件", required=False)
    digest_hex = forms.CharField(label="或原文 SM3 摘要", max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("data_file") and not data.get("digest_hex"):
            raise forms.ValidationError("请上传原文文件或填写其 SM3 摘要")
        for name in ("signature", "data_file"):
            upload = data.get(name)
            if upload is not None and upload.size > MAX_DATA_FILE:
                raise forms.ValidationError("文件不能超过 50 MB")
        return data


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label="名称或编码", required=False, max_length=100)
    unit = forms.IntegerField(label="单位", required=False, widget=forms.Select)
    status = forms.ChoiceField(label="状态", required=False, choices=_BLANK + Seal.Status.choices)
    seal_type = forms.ChoiceField(label="类型", required=False, choices=_BLANK + SealType.choices)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", "全部单位"), *units]
