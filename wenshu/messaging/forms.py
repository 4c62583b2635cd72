"""Forms of the mail pages: compose (three address forms, to / cc / bcc, beside the message
form), search, and the actions on selected mail. Plain selects: a person picker is grouped by
unit, and a small static script adds a unit filter above it when JavaScript runs."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms

from wenshu.files.forms import MultiUploadField
from wenshu.messaging import selectors
from wenshu.messaging.addressing import Addressing, address_set
from wenshu.messaging.models import ACTION_LABELS, Folder, MailAttachment
from wenshu.messaging.services import MAX_BODY_CHARS, MAX_SUBJECT, MailContent

Choices = list[tuple[Any, Any]]

HELP_NO_SMTP = (
    "站内邮件只在文枢系统内部传递，不会发往任何外部邮箱（系统不连接外部邮件服务器），"
    "因此不会误发到系统外。严禁发送涉密内容。"
)


def address_choices(viewer: Any) -> dict[str, Choices]:
    """The options of the pickers, built once per page for the three address forms."""
    grouped: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for person in selectors.addressable_people(viewer=viewer):
        label = person.display_name + (f"（{person.post}）" if person.post else "")
        grouped.setdefault(person.unit_id, (person.unit.short_name, []))[1].append(
            (person.pk, label)
        )
    own = grouped.pop(viewer.unit_id, None)
    people: Choices = ([own] if own else []) + list(grouped.values())
    return {
        "people": people,
        "units": [(u.pk, u.short_name) for u in selectors.units_to_address(viewer=viewer)],
        "groups": [(g.pk, g.name) for g in selectors.groups_to_address(viewer=viewer)],
        "departments": [(d.pk, d.name) for d in selectors.own_departments(viewer=viewer)],
    }


def _multi(label: str, help_text: str = "") -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label=label,
        required=False,
        coerce=int,
        help_text=help_text,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class AddressForm(forms.Form):
    people = _multi("人员", "按住 Ctrl（手机上直接点选）可选多人；人员按单位分组。")
    units = _multi("单位", "发给单位 = 发给该单位发送时在岗的全部文书（不含其他工作人员）。")
    groups = _multi("单位分组", "发给分组 = 发给分组内每个已注册单位的文书。")
    departments = _multi("本单位部门", "发给本单位某部门的全部在岗人员。")

    def __init__(self, *args: Any, choices: dict[str, Choices], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        self.fields["people"].widget.attrs["data-unit-filter"] = "1"
        if not choices["departments"]:
            del self.fields["departments"]

    def address_set(self) -> Any:
        data = self.cleaned_data
        return address_set(
            **{name: data.get(name) or () for name in ("people", "units", "groups", "departments")}
        )


class ComposeForm(forms.Form):
    subject = forms.CharField(label="主题", max_length=MAX_SUBJECT, required=False)
    body = forms.CharField(
        label="正文",
        required=False,
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=HELP_NO_SMTP,
    )
    attachments = MultiUploadField(
        label="添加附件",
        required=False,
        help_text="附件经病毒扫描和密级标志检查；被拒绝时需重新选择附件（浏览器不保留已选文件）。",
    )
    keep_attachments = forms.TypedMultipleChoiceField(
        label="保留已有附件",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="取消勾选即从这封草稿中去掉该附件。",
    )
    urgent = forms.BooleanField(label="紧急（收件人同时收到短信提醒）", required=False)
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self, *args: Any, attachments: list[MailAttachment] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = cast(forms.ChoiceField, self.fields["keep_attachments"])
        if attachments:
            keep.choices = [
                (a.pk, f"{a.upload.name}（{selectors.mb_text(a.upload.stored_file.size)}）")
                for a in attachments
            ]
            keep.initial = [a.pk for a in attachments]
        else:
            del self.fields["keep_attachments"]
        if not self.is_bound:
            self.fields["client_token"].initial = uuid.uuid4().hex

    def content(self, addressing: Addressing) -> MailContent:
        data = self.cleaned_data
        keep = (
            tuple(data.get("keep_attachments") or ()) if "keep_attachments" in self.fields else None
        )
        return MailContent(
            subject=data["subject"],
            body=data["body"],
            urgent=data["urgent"],
            addressing=addressing,
            keep_attachment_ids=keep,
            client_token=data.get("client_token") or "",
        )

    def attachment_files(self) -> list[tuple[str, Any]]:
        return [(f.name, f) for f in self.cleaned_data.get("attachments") or []]


class SearchForm(forms.Form):
    sender = forms.CharField(
        label="发件人", required=False, max_length=60, help_text="姓名、用户名或单位名称"
    )
    subject = forms.CharField(label="主题包含", required=False, max_length=100)
    body = forms.CharField(label="正文包含", required=False, max_length=100)
    date_from = forms.DateField(
        label="日期起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="日期止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    folder = forms.ChoiceField(
        label="邮件夹", required=False, choices=[("", "全部邮件夹"), *Folder.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data

    @property
    def searched(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class IntegerListField(forms.Field):
    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return [int(v) for v in values]
        except (TypeError, ValueError):
            raise forms.ValidationError("所选邮件不正确，请刷新页面后重试。") from None


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTION_LABELS.items()))
    entry = IntegerListField(required=False, widget=forms.MultipleHiddenInput)
