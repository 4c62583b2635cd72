"""Forms of the exchange pages. They check shapes only; the rules live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from wenshu.exchange.models import Delivery, DeliveryRequest
from wenshu.exchange.services import DEFAULT_PRINT_COPIES, MAX_PRINT_COPIES
from wenshu.web.fields import is_id_out_of_range


class IdsField(forms.TypedMultipleChoiceField):
    """Ids chosen from a list. Any whole number passes the form, so an id that is no longer
    offered (a unit deregistered after the page was drawn) reaches the service, which refuses
    it by name instead of the form's anonymous "not a valid choice"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, required=False, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and not is_id_out_of_range(value)


class SendForm(forms.Form):
    main_units = IdsField(
        label="主送机关",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="可多选（按住 Ctrl 或 Shift）。只列出已注册并在公文交换目录中的单位。",
    )
    main_groups = IdsField(
        label="主送分组",
        widget=forms.CheckboxSelectMultiple,
        help_text="分组展开为其中已注册的单位；本单位不会收到。",
    )
    copy_units = IdsField(
        label="抄送机关",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="同时列入主送和抄送的单位按主送发送。",
    )
    copy_groups = IdsField(label="抄送分组", widget=forms.CheckboxSelectMultiple)
    print_default = forms.IntegerField(
        label="允许打印份数（默认）",
        min_value=0,
        max_value=MAX_PRINT_COPIES,
        initial=DEFAULT_PRINT_COPIES,
        help_text="每个收文单位可打印的份数，0 表示不允许打印。预览后可逐个单位调整。",
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, units: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_choices = [(u.pk, u.full_name) for u in units]
        group_choices = [(g.pk, f"{g.name}（{len(g.units.all())} 个单位）") for g in groups]
        for name in ("main_units", "copy_units"):
            cast(IdsField, self.fields[name]).choices = unit_choices
        for name in ("main_groups", "copy_groups"):
            cast(IdsField, self.fields[name]).choices = group_choices

    def print_overrides(self) -> dict[int, str]:
        """Per-unit copies typed on the preview (fields print_<unit id>), as typed."""
        found: dict[int, str] = {}
        for key, value in self.data.items():
            if key.startswith("print_") and key[6:].isdigit():
                found[int(key[6:])] = value
        return found


STATUS_FILTERS = [("", "全部状态"), ("lagging", "未签收（可催办）"), *Delivery.Status.choices]


class TrackingFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_FILTERS)
    kind = forms.ChoiceField(
        label="主送/抄送", required=False, choices=[("", "全部"), *Delivery.Kind.choices]
    )
    q = forms.CharField(label="单位名称", required=False, max_length=100)


class SentFilterForm(forms.Form):
    q = forms.CharField(label="标题或文号", required=False, max_length=100)


# --- the receiving side --------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    q = forms.CharField(label="标题或文号", required=False, max_length=100)
    sender = forms.CharField(label="来文单位", required=False, max_length=100)


class RegisterForm(forms.Form):
    """签收 and 收文登记 (art. 39): prefilled from the document, checked by the clerk."""

    sender_name = forms.CharField(label="来文单位", max_length=200)
    doc_number = forms.CharField(label="文号", max_length=60, required=False)
    title = forms.CharField(label="标题", max_length=200)
    copies = forms.IntegerField(label="份数", min_value=1, max_value=9999)
    secrecy = forms.CharField(
        label="密级",
        initial="非密",
        disabled=True,
        required=False,
        help_text="涉密公文不得进入本系统。",
    )
    urgency = forms.ChoiceField(
        label="紧急程度",
        required=False,
        choices=[("", "不标注"), ("加急", "加急"), ("特急", "特急")],
    )
    received_on = forms.DateField(
        label="收文日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="发文单位将看到此原因，并可据此发送更正版本。",
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label="申请事项", choices=DeliveryRequest.Kind.choices)
    count = forms.IntegerField(
        label="追加份数",
        min_value=0,
        max_value=MAX_PRINT_COPIES,
        required=False,
        initial=1,
        help_text="申请追加打印份数时填写。",
    )
    reason = forms.CharField(
        label="申请原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(forms.Form):
    note = forms.CharField(
        label="处理意见",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意时必须填写理由。",
    )
