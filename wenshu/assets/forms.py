"""Forms of the equipment pages. They check shape only; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from wenshu.accounts.models import User
from wenshu.assets.models import Asset, Category, StockTakeEntry
from wenshu.org.models import Department, Unit
from wenshu.web.fields import ModelMultipleChoiceField

_BLANK = [("", "全部")]
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.real_name}（{obj.username}）"


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class AssetFilterForm(forms.Form):
    q = forms.CharField(
        label="查找",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "编号、型号、序列号、地点、保管人"}),
    )
    category = forms.ChoiceField(label="类别", required=False, choices=_BLANK + Category.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=_BLANK + Asset.Status.choices)
    department = forms.ModelChoiceField(
        label="使用部门", required=False, queryset=Department.objects.none(), empty_label="全部"
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)


class AssetForm(forms.Form):
    asset_number = forms.CharField(
        label="资产编号", max_length=60, help_text="本单位内唯一；盘点时按此编号扫码或输入"
    )
    category = forms.ChoiceField(label="设备类别", choices=Category.choices)
    model = forms.CharField(label="品牌型号", max_length=120)
    serial_number = forms.CharField(label="序列号", max_length=120, required=False)
    purchase_date = forms.DateField(label="购置日期", widget=_DATE)
    purchase_value = forms.DecimalField(
        label="原值（元）", min_value=Decimal("0"), max_digits=14, decimal_places=2
    )
    is_oa_equipment = forms.BooleanField(
        label="办公自动化专用（不得挪作他用，办公自动化管理办法第八条）",
        required=False,
        initial=True,
    )
    note = forms.CharField(label="备注", max_length=300, required=False)


class AssetCreateForm(AssetForm):
    department = forms.ModelChoiceField(
        label="使用部门",
        required=False,
        queryset=Department.objects.none(),
        help_text="不选部门和保管人则登记为在库",
    )
    custodian = PersonChoiceField(label="保管人", required=False, queryset=User.objects.none())
    location = forms.CharField(label="存放地点", max_length=120, required=False)

    def __init__(self, *args: Any, departments: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        _set_queryset(self, "custodian", people)


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label="使用部门", required=False, queryset=Department.objects.none()
    )
    custodian = PersonChoiceField(label="保管人", required=False, queryset=User.objects.none())
    location = forms.CharField(label="存放地点", max_length=120, required=False)
    reason = forms.CharField(
        label="调配事由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, departments: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        _set_queryset(self, "custodian", people)


class StockForm(forms.Form):
    location = forms.CharField(
        label="入库存放地点", max_length=120, required=False, help_text="不填则保持原地点"
    )
    reason = forms.CharField(label="事由", max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RepairRequestForm(forms.Form):
    fault = forms.CharField(
        label="故障现象", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.CharField(
        label="损坏程度和原因",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="设备管理办法第四条：向办公室说明设备损坏的程度和原因",
    )


class RepairRecordForm(forms.Form):
    vendor = forms.CharField(label="维修单位", max_length=120)
    work_done = forms.CharField(
        label="维修内容", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    cost = forms.DecimalField(
        label="维修费用（元）", min_value=Decimal("0"), max_digits=12, decimal_places=2
    )
    repaired_on = forms.DateField(label="维修日期", widget=_DATE)


class DirectRepairForm(RepairRecordForm):
    fault = forms.CharField(
        label="故障现象", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ("fault", "vendor", "work_done", "cost", "repaired_on")


class DecisionForm(forms.Form):
    """The button pressed (name="decision") carries approve or reject."""

    note = forms.CharField(
        label="办公室意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意时必须填写理由",
    )


class InternetDecisionForm(DecisionForm):
    antivirus_product = forms.CharField(
        label="已安装的正版杀毒软件", max_length=120, required=False, help_text="批准时必填"
    )
    antivirus_version = forms.CharField(
        label="杀毒软件版本", max_length=60, required=False, help_text="批准时必填"
    )
    field_order = ("antivirus_product", "antivirus_version", "note")


class AntivirusForm(forms.Form):
    product = forms.CharField(label="杀毒软件", max_length=120)
    version = forms.CharField(label="版本", max_length=60)


class LoanRequestForm(forms.Form):
    borrower_unit = forms.ModelChoiceField(label="借用单位", queryset=Unit.objects.none())
    borrower_contact = forms.CharField(label="借用单位联系人及电话", max_length=120)
    purpose = forms.CharField(
        label="借用事由", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label="约定归还日期", widget=_DATE)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "borrower_unit", units)


class ReturnForm(forms.Form):
    note = forms.CharField(label="归还情况", max_length=300, required=False)


class InternetRequestForm(forms.Form):
    justification = forms.CharField(
        label="接入互联网的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class StockTakeOpenForm(forms.Form):
    title = forms.CharField(
        label="盘点名称", max_length=120, required=False, help_text="不填则为“某年某月某日设备盘点”"
    )


class StockTakeRecordForm(forms.Form):
    code = forms.CharField(
        label="资产编号（扫码或输入）",
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    location = forms.CharField(label="实际存放地点", max_length=120, required=False)
    condition = forms.ChoiceField(label="状况", choices=StockTakeEntry.Condition.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)


class MarkMissingForm(forms.Form):
    assets = ModelMultipleChoiceField(
        label="标记为盘亏的设备", queryset=Asset.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(ModelMultipleChoiceField, self.fields["assets"]).queryset = choices


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）", help_text="按资产编号新增或更新；任何一行有误则整个文件不导入"
    )


class ManagerForm(forms.Form):
    person = PersonChoiceField(label="人员", queryset=User.objects.none())

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", people)
