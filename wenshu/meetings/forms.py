"""Forms of the meeting pages. They only type and shape input; the rules (times, deadline,
who may be named, markings) live in the services, whose refusals come back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wenshu.files.forms import MultiUploadField
from wenshu.meetings.models import Invitation
from wenshu.meetings.services import MeetingInput, ReplyInput
from wenshu.web.fields import ModelMultipleChoiceField

MATERIAL_TYPES = (
    "pdf",
    "ofd",
    "docx",
    "doc",
    "wps",
    "xlsx",
    "xls",
    "et",
    "pptx",
    "ppt",
    "dps",
    "txt",
    "png",
    "jpg",
    "jpeg",
    "zip",
)


def _when(label: str, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        **kwargs,
    )


class PersonChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        post = f"，{obj.post}" if obj.post else ""
        return f"{obj.unit.short_name} · {obj.real_name}（{obj.username}{post}）"


class ColleagueChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.real_name}（{obj.post}）" if obj.post else obj.real_name


class ColleagueField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.real_name}（{obj.post}）" if obj.post else obj.real_name


class UnitChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    start_at = _when("开始时间")
    end_at = _when("结束时间")
    place = forms.CharField(label="会议地点", max_length=200)
    agenda = forms.CharField(
        label="会议议程", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    requirement = forms.CharField(
        label="参会要求", max_length=200, required=False, help_text="例如：请各单位分管负责人参加"
    )
    reply_deadline = _when("回复截止时间", help_text="不能晚于会议开始时间")
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)
    units = UnitChoiceField(
        label="参会单位（由单位指定参会人员）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = PersonChoiceField(
        label="参会人员（点名邀请）",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl 可多选",
    )
    materials = MultiUploadField(label="会议材料", required=False, allowed_types=MATERIAL_TYPES)

    def __init__(
        self, *args: Any, units: QuerySet[Any], people: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["people"].queryset = people  # type: ignore[attr-defined]

    def to_input(self) -> MeetingInput:
        d = self.cleaned_data
        return MeetingInput(
            title=d["title"],
            start_at=d["start_at"],
            end_at=d["end_at"],
            place=d["place"],
            agenda=d["agenda"],
            reply_deadline=d["reply_deadline"],
            requirement=d.get("requirement", ""),
            contact_phone=d.get("contact_phone", ""),
            unit_ids=[u.pk for u in d.get("units") or []],
            person_ids=[p.pk for p in d.get("people") or []],
        )


class MaterialsForm(forms.Form):
    materials = MultiUploadField(label="补充会议材料", required=True, allowed_types=MATERIAL_TYPES)


class DeadlineForm(forms.Form):
    reply_deadline = _when("新的回复截止时间")


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=300)


class SigninCodeForm(forms.Form):
    code = forms.CharField(
        label="签到码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _parse_people(text: str) -> list[tuple[str, str]]:
    """Lines of "姓名 职务" (a space, comma or 、 between them)."""
    out = []
    for line in (text or "").splitlines():
        parts = [
            p for p in line.replace("，", " ").replace(",", " ").replace("、", " ").split() if p
        ]
        if parts:
            out.append((parts[0], " ".join(parts[1:])))
    return out


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label="回执",
        widget=forms.RadioSelect,
        choices=[
            (Invitation.Reply.ATTEND, "参加"),
            (Invitation.Reply.ABSENT, "不参加"),
            (Invitation.Reply.SUBSTITUTE, "委派他人参加"),
        ],
    )
    attendees = ColleagueChoiceField(
        label="参会人员（本单位人员）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="回执为“参加”时至少指定一人",
    )
    extra_attendees = forms.CharField(
        label="其他参会人员",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="未在系统中开户的人员，每行一人：姓名 职务",
    )
    reason = forms.CharField(
        label="不参加事由", max_length=300, required=False, help_text="回执为“不参加”时必填"
    )
    substitute = ColleagueField(
        label="代参人（本单位人员）",
        queryset=None,
        required=False,
        empty_label="（不在列表中，下面填写）",
    )
    substitute_name = forms.CharField(label="代参人姓名", max_length=60, required=False)
    substitute_post = forms.CharField(label="代参人职务", max_length=60, required=False)

    def __init__(
        self, *args: Any, invitation: Invitation, people: QuerySet[Any], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"inv{invitation.pk}")
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = people  # type: ignore[attr-defined]
        if invitation.kind == Invitation.Kind.UNIT:
            self.fields["attendees"].queryset = people  # type: ignore[attr-defined]
        else:
            del self.fields["attendees"]
            del self.fields["extra_attendees"]
            self.fields["substitute"].queryset = people.exclude(pk=invitation.person_id)  # type: ignore[attr-defined]

    def to_input(self) -> ReplyInput:
        d = self.cleaned_data
        substitute = d.get("substitute")
        return ReplyInput(
            answer=d["answer"],
            reason=d.get("reason", ""),
            attendee_ids=[p.pk for p in d.get("attendees") or []],
            extra_attendees=_parse_people(d.get("extra_attendees", "")),
            substitute_id=substitute.pk if substitute else None,
            substitute_name=d.get("substitute_name", ""),
            substitute_post=d.get("substitute_post", ""),
        )
