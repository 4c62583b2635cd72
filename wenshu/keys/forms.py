from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from wenshu.accounts.roles import ROLE_CHOICES
from wenshu.keys.models import KeyApplication, KeyKind, LoginKey, PolicyMode
from wenshu.org.models import Unit


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.username}）"


class ApplyForm(forms.Form):
    intended_holder = PersonChoiceField(label="拟使用人", queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label="密钥类型",
        choices=KeyKind.choices,
        initial=KeyKind.WEBAUTHN,
        help_text="安全密钥为 USB/NFC 硬件密钥；动态口令令牌可用手机验证器应用。",
    )
    reason = forms.CharField(
        label="申领理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明申领密钥的理由（第二十七条），如新任岗位、需要登录系统办理公文等。",
    )

    def __init__(self, *args: Any, people: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["intended_holder"]).queryset = people


class ReapplyForm(forms.Form):
    kind = forms.ChoiceField(label="密钥类型", choices=KeyKind.choices)
    reason = forms.CharField(
        label="重新申领理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批结论",
        choices=[("approve", "同意"), ("reject", "不同意")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="审批意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不同意时须写明理由。",
    )


class SerialForm(forms.Form):
    serial = forms.CharField(
        label="密钥编号",
        max_length=60,
        required=False,
        help_text="硬件密钥上印的序列号；留空则由系统编号。",
    )


class CollectForm(forms.Form):
    collected_by_name = forms.CharField(label="领取人姓名", max_length=60)
    collection_method = forms.ChoiceField(
        label="领取方式", choices=KeyApplication.Method.choices, widget=forms.RadioSelect
    )
    collected_at = forms.DateTimeField(
        label="领取时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="留空为当前时间。",
    )

    def clean_collected_at(self) -> Any:
        value = self.cleaned_data.get("collected_at")
        return value or timezone.now()


class LossForm(forms.Form):
    circumstances = forms.CharField(
        label="遗失经过",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="遗失的时间、地点和经过。提交后该密钥立即停用，使用它登录的会话立即结束。",
    )


class FindingsForm(forms.Form):
    findings = forms.CharField(
        label="查明的原因", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    handling = forms.CharField(
        label="处理情况", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class HolderChangeForm(forms.Form):
    new_holder = PersonChoiceField(label="新使用人", queryset=None)
    reason = forms.CharField(
        label="变更原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如岗位调整。新使用人下次登录时须修改密码（第三十一条）。",
    )

    def __init__(self, *args: Any, people: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["new_holder"]).queryset = people


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class PolicyForm(forms.Form):
    mode = forms.ChoiceField(
        label="默认要求",
        required=False,
        choices=[("", "跟随部署设置（WENSHU_KEY_REQUIRED）"), *PolicyMode.choices],
    )


class PolicyRuleForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="（所有单位）"
    )
    role = forms.ChoiceField(
        label="角色", required=False, choices=[("", "（所有角色）"), *ROLE_CHOICES]
    )
    required = forms.TypedChoiceField(
        label="要求", coerce=lambda v: v == "1", choices=[("1", "须使用密钥"), ("0", "免用密钥")]
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = Unit.objects.filter(
            status=Unit.Status.REGISTERED
        ).order_by("id")


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label="编号或姓名", required=False, max_length=60)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *LoginKey.Status.choices]
    )
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *KeyKind.choices])
    unit = forms.ModelChoiceField(
        label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部"
    )

    def __init__(self, *args: Any, units: QuerySet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        else:
            del self.fields["unit"]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *KeyApplication.Status.choices]
    )
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部"), *KeyKind.choices])


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )
