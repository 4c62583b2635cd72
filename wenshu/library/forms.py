"""Forms of the library pages. They check the shape of input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wenshu.accounts.models import User
from wenshu.files.forms import UploadField
from wenshu.library.models import FOLDER_DEFAULT_SCOPES, Access, Scope
from wenshu.org.models import Department, Unit
from wenshu.web.fields import ModelMultipleChoiceField


def _choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Scope a choice field to what the viewer may pick (the selector's queryset)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}（{obj.username}）{'，' + obj.post if obj.post else ''}"


class FolderForm(forms.Form):
    name = forms.CharField(label="文件夹名称", max_length=100)
    default_scope = forms.ChoiceField(
        label="新文档的默认发布范围",
        required=False,
        choices=[(s.value, s.label) for s in FOLDER_DEFAULT_SCOPES],
        help_text="放入该文件夹的新文档先按此范围可见；文档管理员可逐件调整。",
    )

    def __init__(self, *args: Any, personal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if personal:
            del self.fields["default_scope"]


class ItemFilterForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "标题、说明或文件名"}),
    )
    scope = forms.ChoiceField(
        label="发布范围", required=False, choices=[("", "全部"), *Scope.choices]
    )
    checked_out = forms.BooleanField(label="只看已签出", required=False)
    mine = forms.BooleanField(label="只看我上传的", required=False)


class ItemUploadForm(forms.Form):
    file = UploadField(label="文件")
    title = forms.CharField(
        label="标题", max_length=200, required=False, help_text="不填则使用文件名。"
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea)
    note = forms.CharField(label="版本说明", max_length=300, required=False)


class VersionForm(forms.Form):
    file = UploadField(label="新版本文件")
    note = forms.CharField(
        label="版本说明",
        max_length=300,
        required=False,
        help_text="例如：根据局务会意见修改第三部分。",
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CheckinForm(forms.Form):
    file = UploadField(label="修改后的文件（可不选）", required=False)
    note = forms.CharField(label="版本说明", max_length=300, required=False)


class ItemEditForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea)


class BreakLockForm(forms.Form):
    reason = forms.CharField(
        label="解除签出的原因", max_length=300, help_text="将通知签出人，并记入审计日志。"
    )


class ShareForm(forms.Form):
    username = forms.CharField(
        label="共享给人员（用户名）",
        required=False,
        max_length=60,
        help_text="可在通讯录中查到用户名。与“共享给单位”只填其一。",
    )
    unit = forms.ModelChoiceField(
        label="共享给单位（单位内所有人员）",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="（不选）",
    )
    access = forms.ChoiceField(
        label="权限", choices=Access.choices, initial=Access.READ, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "unit", units)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool((data.get("username") or "").strip()) == bool(data.get("unit")):
            raise forms.ValidationError("请填写一位人员的用户名，或选择一个单位（只选其一）。")
        return data


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(label="发布范围", choices=Scope.choices, widget=forms.RadioSelect)
    department = forms.ModelChoiceField(
        label="部门（本部门时）",
        required=False,
        queryset=Department.objects.none(),
        empty_label="（文档所属部门）",
    )
    units = ModelMultipleChoiceField(
        label="指定单位",
        required=False,
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(
        self, *args: Any, departments: QuerySet[Any], units: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "department", departments)
        _choices(self, "units", units)


class AdminAssignForm(forms.Form):
    person = PersonChoiceField(label="人员", queryset=User.objects.none(), empty_label="请选择")

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "person", people)
