"""Forms of the unit pages. They check shape only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wenshu.org.models import Deregistration, Unit, UnitMerge
from wenshu.web.fields import ModelMultipleChoiceField

STATUS_FILTER = [("", "全部状态"), *Unit.Status.choices]
KIND_FILTER = [("", "全部类别"), *Unit.Kind.choices]


def _choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Scope a choice field to what the viewer may pick (the selector's queryset)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        dept = f" · {obj.department.name}" if obj.department_id else ""
        return f"{obj.real_name}（{obj.username}）{dept}"


class PeopleField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.real_name}（{obj.username}）"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class UnitsField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class RegistryFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=STATUS_FILTER, required=False)
    kind = forms.ChoiceField(label="类别", choices=KIND_FILTER, required=False)
    q = forms.CharField(
        label="名称",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "全称、简称、曾用名或代字"}),
    )


class DirectoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=KIND_FILTER, required=False)
    q = forms.CharField(
        label="名称",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label="单位全称", max_length=200)
    short_name = forms.CharField(label="单位简称", max_length=60)
    agency_code = forms.CharField(
        label="机关代字", max_length=30, required=False, help_text="发文字号中使用，如“白财”。"
    )
    kind = forms.ChoiceField(
        label="单位类别", choices=Unit.Kind.choices, initial=Unit.Kind.DEPARTMENT
    )
    superior = UnitChoiceField(label="上级主管单位", queryset=Unit.objects.none(), required=False)
    superior_opinion = forms.CharField(
        label="上级主管部门意见", max_length=2000, widget=forms.Textarea
    )
    superior_signer = forms.CharField(label="意见签署人", max_length=60)
    superior_signed_on = forms.DateField(
        label="签署日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    leader_in_charge = forms.CharField(
        label="分管领导",
        max_length=60,
        required=False,
        help_text="本单位分管系统工作的领导（第九条）。",
    )
    planned_admin_name = forms.CharField(label="拟任系统管理员姓名", max_length=60)
    planned_admin_post = forms.CharField(label="拟任系统管理员职务", max_length=60, required=False)
    planned_admin_phone = forms.CharField(
        label="拟任系统管理员联系电话", max_length=40, required=False
    )
    contact_person = forms.CharField(label="联系人", max_length=60, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)

    def __init__(self, *args: Any, superiors: QuerySet[Unit] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if superiors is None:  # a unit's administrator files for its own subordinate
            del self.fields["superior"]
        else:
            _choices(self, "superior", superiors)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "通过"), ("reject", "退回")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="审核意见",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="退回时必须填写理由。",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea)


class RenameForm(forms.Form):
    new_full_name = forms.CharField(label="新单位全称", max_length=200)
    new_short_name = forms.CharField(label="新单位简称", max_length=60)
    new_agency_code = forms.CharField(
        label="新机关代字", max_length=30, required=False, help_text="留空则沿用原机关代字。"
    )
    letter_ref = forms.CharField(label="来函文号", max_length=100, required=False)
    new_admin = PersonChoiceField(label="新系统管理员", queryset=None)
    kept_people = PeopleField(
        label="保留账号的使用人员",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="未勾选的人员将列入注销名单，账号在变更办理后停用。",
    )

    def __init__(
        self, *args: Any, admins: QuerySet[Any], people: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "new_admin", admins)
        _choices(self, "kept_people", people)


class MergeForm(forms.Form):
    sources = UnitsField(
        label="被合并单位",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="这些单位将被注销，其文件移交合并后单位。",
    )
    target = UnitChoiceField(
        label="合并后保留的单位",
        queryset=None,
        required=False,
        help_text="沿用已有单位名称时选择；启用新名称时留空并填写下方新名称。",
    )
    new_full_name = forms.CharField(label="新单位全称", max_length=200, required=False)
    new_short_name = forms.CharField(label="新单位简称", max_length=60, required=False)
    new_agency_code = forms.CharField(label="新机关代字", max_length=30, required=False)
    new_kind = forms.ChoiceField(
        label="新单位类别", choices=Unit.Kind.choices, initial=Unit.Kind.DEPARTMENT
    )
    people_action = forms.ChoiceField(
        label="被合并单位人员的处理",
        choices=UnitMerge.PeopleAction.choices,
        widget=forms.RadioSelect,
        initial=UnitMerge.PeopleAction.MOVE,
    )
    exceptions = forms.CharField(
        label="例外人员（用户名，每行一个）",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="这些人员按与上面相反的方式处理（例如整体转入时，列出的人员停用）。",
    )
    note = forms.CharField(label="合并说明", max_length=2000, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "sources", units)
        _choices(self, "target", units)

    def exception_usernames(self) -> list[str]:
        raw = self.cleaned_data.get("exceptions") or ""
        return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]


class DeregisterForm(forms.Form):
    reason = forms.CharField(label="注销原因", max_length=2000, widget=forms.Textarea)
    disposal = forms.ChoiceField(
        label="系统中文件的处理方式",
        choices=[
            c for c in Deregistration.Disposal.choices if c[0] != Deregistration.Disposal.TO_MERGED
        ],
        widget=forms.RadioSelect,
    )
    disposal_note = forms.CharField(
        label="文件处理说明",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="如移交的接收人、归档地点、销毁监督人等。",
    )


class DepartmentForm(forms.Form):
    name = forms.CharField(label="部门名称", max_length=100)
    phone = forms.CharField(label="办公电话", max_length=40, required=False)
    order = forms.IntegerField(label="排序", min_value=0, max_value=9999, initial=0)
    info_officer = PersonChoiceField(
        label="部门信息员",
        queryset=None,
        required=False,
        help_text="负责本部门办公信息的收发、处理和存档。",
    )

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "info_officer", people)


class GroupForm(forms.Form):
    name = forms.CharField(label="分组名称", max_length=100)
    description = forms.CharField(label="说明", max_length=300, required=False)
    order = forms.IntegerField(label="排序", min_value=0, max_value=9999, initial=0)


class GroupMembersForm(forms.Form):
    units = UnitsField(
        label="成员单位", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "units", units)
