"""Forms of the document pages. They check shapes; the services decide (and refuse)."""

from __future__ import annotations

from typing import Any

from django import forms

from wenshu.accounts.models import User
from wenshu.accounts.roles import Role
from wenshu.documents import body as body_text
from wenshu.documents import selectors
from wenshu.documents.models import DocType, Document, Series, Urgency
from wenshu.documents.services import DraftInput, FlowPlan
from wenshu.files.forms import UploadField
from wenshu.web.fields import ModelMultipleChoiceField

DECISION_LABELS = {"approve": "同意", "return": "退回拟稿人", "reject": "不同意"}
MAX_OPINION = 2000


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        department = f"（{obj.department.name}）" if obj.department_id else ""
        return f"{obj.display_name}{department}"


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(label="文种", choices=DocType.choices, initial=DocType.TONGZHI)
    series = forms.ChoiceField(
        label="编号序列",
        choices=Series.choices,
        initial=Series.FILE,
        help_text=(
            "发文字号在签发时按单位、序列和年度依次编号，如 白财〔2026〕12号、白财函〔2026〕3号。"
        ),
    )
    title = forms.CharField(label="标题", max_length=200)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, required=False)
    secrecy = forms.CharField(
        label="密级",
        max_length=20,
        initial="非密",
        help_text="涉密文件不得进入本系统（《办公自动化管理办法》第四十五条、第五十条），只能为“非密”。",
    )
    secrecy_period = forms.CharField(
        label="保密期限", max_length=20, required=False, help_text="非密公文不标注保密期限。"
    )
    main_recipients = forms.CharField(
        label="主送机关",
        max_length=500,
        required=False,
        help_text="印在正文之前的主送机关名称，如“市直各部门、各单位”；实际接收单位在发送时选择。",
    )
    body_text = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "gw-body"}),
        help_text="每行一段。以“一、”“（一）”“1.”“（1）”开头的行为各级标题。",
    )
    body_docx = UploadField(
        label="或上传正文 Word 文件（.docx）",
        required=False,
        allowed_types=["docx"],
        help_text="上传后以文件中的文字为正文，原文件随公文保存；会进行病毒扫描和密级标志检查。",
    )
    seal: forms.ModelChoiceField = forms.ModelChoiceField(
        label="用印的电子印章", queryset=None, required=False, empty_label="（请选择）"
    )
    issuer_mark = forms.CharField(
        label="发文机关标志",
        max_length=100,
        required=False,
        help_text="留空则为“单位全称 + 文件”。",
    )
    issuer_signature = forms.CharField(
        label="发文机关署名", max_length=200, required=False, help_text="留空则为单位全称。"
    )
    note = forms.CharField(label="附注", max_length=500, required=False)
    cc = forms.CharField(
        label="抄送机关",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一个。",
    )
    printer = forms.CharField(
        label="印发机关", max_length=200, required=False, help_text="留空则为“单位全称 + 办公室”。"
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seals = selectors.unit_seals_in_use(viewer=viewer)
        field = self.fields["seal"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = seals
        if seals.count() == 1 and not self.is_bound and not self.initial.get("seal"):
            self.initial["seal"] = seals.first()

    @classmethod
    def initial_for(cls, document: Document) -> dict[str, Any]:
        return {
            "doc_type": document.doc_type,
            "series": document.series,
            "title": document.title,
            "urgency": document.urgency,
            "secrecy": document.secrecy,
            "secrecy_period": document.secrecy_period,
            "main_recipients": document.main_recipients,
            "body_text": body_text.to_text(document.body),
            "seal": document.seal_id,
            "issuer_mark": document.issuer_mark,
            "issuer_signature": document.issuer_signature,
            "note": document.note,
            "cc": "\n".join(document.cc.split("、")) if document.cc else "",
            "printer": document.printer,
        }

    def draft_input(self) -> DraftInput:
        data = self.cleaned_data
        seal = data.get("seal")
        return DraftInput(
            doc_type=data["doc_type"],
            series=data["series"],
            title=data["title"],
            urgency=data.get("urgency") or "",
            secrecy=data.get("secrecy") or "",
            secrecy_period=data.get("secrecy_period") or "",
            main_recipients=data.get("main_recipients") or "",
            body_text=None if data.get("body_docx") else data.get("body_text") or "",
            seal_id=seal.pk if seal else None,
            issuer_mark=data.get("issuer_mark") or "",
            issuer_signature=data.get("issuer_signature") or "",
            note=data.get("note") or "",
            cc=data.get("cc") or "",
            printer=data.get("printer") or "",
        )


class SubmitForm(forms.Form):
    """送审: who takes each step of the flow."""

    reviewer = PersonChoice(
        label="核稿人", queryset=None, required=False, empty_label="本单位文书（任一人办理）"
    )
    countersign_departments: ModelMultipleChoiceField = ModelMultipleChoiceField(
        label="会签部门（可多选，可不选）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countersign_units: ModelMultipleChoiceField = ModelMultipleChoiceField(
        label="会签单位（可多选，可不选）",
        queryset=None,
        required=False,
        help_text="按住 Ctrl 可多选；会签单位由其负责人办理。",
    )
    signer = PersonChoice(
        label="签发人", queryset=None, required=False, empty_label="本单位负责人（任一人签发）"
    )
    dispatcher = PersonChoice(
        label="用印和分发经办文书",
        queryset=None,
        required=False,
        empty_label="本单位文书（任一人办理）",
    )
    opinion = forms.CharField(
        label="拟稿说明",
        required=False,
        max_length=MAX_OPINION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, viewer: User, first: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = selectors.unit_people(viewer=viewer).select_related("department")
        self._set("reviewer", people.exclude(pk=viewer.pk))
        self._set("countersign_departments", selectors.unit_departments(viewer=viewer))
        self._set("countersign_units", selectors.other_units(viewer=viewer))
        self._set("signer", people.filter(role_grants__role=Role.UNIT_LEADER.value))
        self._set("dispatcher", people.filter(role_grants__role=Role.CLERK.value))
        if not first:  # a re-submission keeps the people chosen the first time
            for name in (
                "reviewer",
                "countersign_departments",
                "countersign_units",
                "signer",
                "dispatcher",
            ):
                del self.fields[name]

    def _set(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def plan(self) -> FlowPlan | None:
        data = self.cleaned_data
        if "reviewer" not in self.fields:
            return None
        return FlowPlan(
            reviewer_id=data["reviewer"].pk if data.get("reviewer") else None,
            countersign_departments=[d.pk for d in data.get("countersign_departments") or []],
            countersign_units=[u.pk for u in data.get("countersign_units") or []],
            signer_id=data["signer"].pk if data.get("signer") else None,
            dispatcher_id=data["dispatcher"].pk if data.get("dispatcher") else None,
        )


class StepForm(forms.Form):
    decision = forms.ChoiceField(label="办理意见", widget=forms.RadioSelect)
    opinion = forms.CharField(
        label="意见",
        required=False,
        max_length=MAX_OPINION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回时必须填写理由；意见写入发文稿纸。",
    )

    def __init__(self, *args: Any, decisions: tuple[str, ...] = ("approve",), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d, DECISION_LABELS.get(d, d)) for d in decisions]
        field.initial = decisions[0]


class AttachmentForm(forms.Form):
    file = UploadField(label="附件文件")
    title = forms.CharField(
        label="附件名称", max_length=200, required=False, help_text="留空则用文件名。"
    )


class PaperAttachmentForm(forms.Form):
    title = forms.CharField(label="纸质附件名称", max_length=200)
    description = forms.CharField(
        label="说明",
        max_length=300,
        help_text="无法电子化的附件（如书籍、图纸）：写明内容、数量和纸质送达方式。",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="作废原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SealDecisionForm(forms.Form):
    opinion = forms.CharField(
        label="意见", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
