"""Forms of the account pages. They only collect input: the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wenshu.accounts.models import LoginAttempt, PasswordPolicy
from wenshu.accounts.roles import CITY_ROLES, ROLE_LABELS, UNIT_ROLES, Role


def _nothing() -> QuerySet[Any]:
    """An empty queryset the form's __init__ replaces with the viewer's choices."""
    from wenshu.org.models import Unit

    return Unit.objects.none()


def _role_choices(roles: frozenset[Role] | set[Role]) -> list[tuple[str, str]]:
    return [(r.value, ROLE_LABELS[r]) for r in Role if r in roles]


class LoginForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="密码",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class ProfileForm(forms.Form):
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        help_text="用于接收系统短信提醒（《管理办法》第十六条）",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    office_phone = forms.CharField(
        label="办公电话",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    share_mobile = forms.BooleanField(label="在通讯录中公开手机号码", required=False)
    notify_sms = forms.BooleanField(label="接收短信提醒", required=False)
    notify_inapp = forms.BooleanField(label="接收站内提醒", required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：财务系统对接脚本")
    expires_on = forms.DateField(
        label="有效期至（可不填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OpeningForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=_nothing(), required=False)
    username = forms.CharField(
        label="用户名", max_length=60, help_text="全市唯一，字母开头，可含数字、_ . -"
    )
    real_name = forms.CharField(label="姓名", max_length=60)
    department = forms.ModelChoiceField(label="部门", queryset=_nothing(), required=False)
    post = forms.CharField(label="职务", max_length=60, required=False)
    duties = forms.CharField(
        label="工作职责和权限（备案）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    roles = forms.MultipleChoiceField(
        label="申请的角色", widget=forms.CheckboxSelectMultiple, initial=["staff"]
    )
    reason = forms.CharField(label="申请说明", max_length=300, required=False)

    def __init__(self, *args: Any, units: Any, departments: Any, city: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["department"].queryset = departments
        fields["roles"].choices = _role_choices(
            set(UNIT_ROLES) if city else set(UNIT_ROLES) - {Role.UNIT_ADMIN}
        )
        if city:
            fields["unit"].queryset = units
            fields["unit"].required = True
        else:
            del self.fields["unit"]


class FilingForm(forms.Form):
    real_name = forms.CharField(label="姓名", max_length=60)
    department = forms.ModelChoiceField(label="部门", queryset=_nothing(), required=False)
    post = forms.CharField(label="职务", max_length=60, required=False)
    duties = forms.CharField(
        label="工作职责和权限（备案）",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mobile = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["department"].queryset = departments


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", max_length=300, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label="驳回理由", max_length=300)


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="注销原因", max_length=300, required=False, help_text="例如：调离本单位"
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PasswordPolicy
        fields = [  # noqa: RUF012
            "min_length",
            "max_length",
            "require_letter",
            "require_digit",
            "require_symbol",
            "allow_symbols",
            "history_count",
            "max_age_days",
            "lockout_threshold",
            "lockout_minutes",
        ]


class CityRoleForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=60)
    role = forms.ChoiceField(label="角色", choices=_role_choices(CITY_ROLES))


class LoginSearchForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, required=False)
    ip = forms.CharField(label="地址", max_length=64, required=False)
    result = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *LoginAttempt.Result.choices]
    )
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="姓名或用户名", max_length=60, required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[])
    unit = forms.ModelChoiceField(label="单位", queryset=_nothing(), required=False)

    def __init__(self, *args: Any, units: Any, status_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["status"].choices = [("", "全部"), *status_choices]
        if units is None:
            del self.fields["unit"]
        else:
            fields["unit"].queryset = units
