"""Forms of the bulletins pages. They check shape only; the rules live in the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone

from wenshu.bulletins.models import InfoReport, Notice
from wenshu.files.forms import MultiUploadField
from wenshu.org.models import Unit, UnitGroup
from wenshu.web.fields import ModelMultipleChoiceField

_BLANK = [("", "全部")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Notice.Kind.choices, initial=Notice.Kind.NOTICE)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文", max_length=50_000, widget=forms.Textarea(attrs={"rows": 10})
    )
    audience = forms.ChoiceField(
        label="发布范围",
        choices=Notice.Audience.choices,
        widget=forms.RadioSelect,
        initial=Notice.Audience.OWN,
    )
    units = ModelMultipleChoiceField(
        label="指定单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="发布范围为“部分单位”时选择（可多选，按住 Ctrl 键点选）",
    )
    groups = ModelMultipleChoiceField(
        label="指定单位分组",
        queryset=UnitGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="分组中的单位在发布时确定",
    )
    expires_on = forms.DateField(
        label="有效期至", widget=DATE, help_text="到期后自动下架并归档，最长一年"
    )
    pinned = forms.BooleanField(label="置顶", required=False)
    pinned_until = forms.DateField(label="置顶截止日期", required=False, widget=DATE)
    attachments = MultiUploadField(
        label="附件", required=False, help_text="上传时进行病毒扫描和密级标志检查"
    )
    drop_attachments = forms.MultipleChoiceField(
        label="删除已有附件", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, units: Any, groups: Any, existing: Any = (), **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault(
            "expires_on", timezone.localdate() + timedelta(days=30)
        )
        super().__init__(*args, **kwargs)
        _set_queryset(self, "units", units)
        _set_queryset(self, "groups", groups)
        choices = [(str(a.pk), a.upload.name) for a in existing]
        if choices:
            cast(forms.MultipleChoiceField, self.fields["drop_attachments"]).choices = choices
        else:
            del self.fields["drop_attachments"]


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label="意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤下原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="将通知发布单位的拟稿人和审核人",
    )


class ReadingFilterForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=100, required=False)
    unit = forms.ModelChoiceField(
        label="发布单位", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    kind = forms.ChoiceField(label="类别", choices=_BLANK + Notice.Kind.choices, required=False)
    unread = forms.BooleanField(label="只看未读", required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "unit", units)


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=_BLANK + Notice.Status.choices, required=False)
    q = forms.CharField(label="关键词", max_length=100, required=False)


class CityFilterForm(ReadingFilterForm):
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=_BLANK
        + [
            (s.value, s.label)
            for s in (Notice.Status.PUBLISHED, Notice.Status.ARCHIVED, Notice.Status.WITHDRAWN)
        ],
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        del self.fields["unread"], self.fields["kind"]


# --- information reports ---------------------------------------------------------------


class ReportForm(forms.Form):
    receiver = forms.ModelChoiceField(
        label="接收单位", queryset=Unit.objects.none(), empty_label="请选择"
    )
    category = forms.ChoiceField(label="类别", choices=InfoReport.Category.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文", max_length=50_000, widget=forms.Textarea(attrs={"rows": 10})
    )
    attachments = MultiUploadField(
        label="附件", required=False, help_text="上传时进行病毒扫描和密级标志检查"
    )
    drop_attachments = forms.MultipleChoiceField(
        label="不再附带的原附件", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, receivers: Any = None, existing: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        if receivers is None:  # a resubmission goes where the item went
            del self.fields["receiver"]
        else:
            _set_queryset(self, "receiver", receivers)
        choices = [(str(a.pk), a.upload.name) for a in existing]
        if choices:
            cast(forms.MultipleChoiceField, self.fields["drop_attachments"]).choices = choices
        else:
            del self.fields["drop_attachments"]


class AdoptForm(forms.Form):
    used_in = forms.ChoiceField(
        label="采用方式", choices=InfoReport.UsedIn.choices, widget=forms.RadioSelect
    )
    journal_name = forms.CharField(
        label="刊物名称",
        max_length=100,
        required=False,
        help_text="刊物采用时填写，如《白银政务信息》",
    )
    journal_issue = forms.CharField(
        label="期数", max_length=40, required=False, help_text="如 2026年第12期"
    )
    used_note = forms.CharField(
        label="采用说明",
        max_length=300,
        required=False,
        help_text="报送上级时写明报送给谁、以何种方式",
    )


class ReturnForm(forms.Form):
    opinion = forms.CharField(
        label="退回意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    opinion = forms.CharField(
        label="不采用说明",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", choices=_BLANK + InfoReport.Status.choices, required=False
    )
    category = forms.ChoiceField(
        label="类别", choices=_BLANK + InfoReport.Category.choices, required=False
    )
    q = forms.CharField(label="关键词", max_length=100, required=False)


class StatsForm(forms.Form):
    date_from = forms.DateField(label="开始日期", widget=DATE)
    date_to = forms.DateField(label="结束日期", widget=DATE)
    receiver = forms.ModelChoiceField(
        label="接收单位", queryset=Unit.objects.none(), required=False, empty_label="全部接收单位"
    )

    def __init__(self, *args: Any, receivers: Any, single: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if single:
            del self.fields["receiver"]
        else:
            _set_queryset(self, "receiver", receivers)


class ReceiverForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), empty_label="请选择")
    active = forms.BooleanField(label="接收信息上报", required=False, initial=True)
    note = forms.CharField(
        label="说明",
        max_length=200,
        required=False,
        help_text="如：市委办公室信息科，编发《白银信息》",
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "unit", units)
