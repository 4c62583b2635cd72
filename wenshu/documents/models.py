"""Outgoing official documents (发文, S1 art. 33–37): the GB/T 9704-2012 elements, their
attachments, document numbers, and the sealed package that freezes a document for good.

Once a document is sealed (`sealed_at` set) its content columns, its attachments and its
`SealedPackage` can no longer change: the services refuse, and database triggers (migration
0002) refuse a raw UPDATE/DELETE too. Only the status may still move on (sent, cancelled).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenshu.lib.errors import Conflict

_USER = settings.AUTH_USER_MODEL
SEALED_IMMUTABLE = "公文已用印，内容不可更改"
# The workflow subject type of a document's 发文 process (ProcessInstance.subject_type).
SUBJECT_TYPE = "document"
PROCESS_KEY = "fawen"


class DocType(models.TextChoices):
    """The 15 kinds of 《党政机关公文处理工作条例》 (article 8)."""

    JUEYI = "决议", "决议"
    JUEDING = "决定", "决定"
    MINGLING = "命令", "命令（令）"
    GONGBAO = "公报", "公报"
    GONGGAO = "公告", "公告"
    TONGGAO = "通告", "通告"
    YIJIAN = "意见", "意见"
    TONGZHI = "通知", "通知"
    TONGBAO = "通报", "通报"
    BAOGAO = "报告", "报告"
    QINGSHI = "请示", "请示"
    PIFU = "批复", "批复"
    YIAN = "议案", "议案"
    HAN = "函", "函"
    JIYAO = "纪要", "纪要"


# Upward documents (上行文) print the 签发人 beside the 发文字号 (GB/T 9704 7.2.4).
UPWARD_TYPES = frozenset({DocType.QINGSHI, DocType.BAOGAO})


class Series(models.TextChoices):
    """Numbering series: each has its own 机关代字 suffix and counter per unit and year."""

    FILE = "file", "文件"
    LETTER = "letter", "函"
    MINUTES = "minutes", "纪要"


# 机关代字 + suffix: 白财〔2026〕3号, 白财函〔2026〕3号, 白财纪〔2026〕3号.
SERIES_SUFFIX = {Series.FILE: "", Series.LETTER: "函", Series.MINUTES: "纪"}


class Urgency(models.TextChoices):
    NONE = "", "不标注"
    URGENT = "加急", "加急"
    VERY_URGENT = "特急", "特急"


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "拟稿"  # being written, or returned to the drafter (editable)
        IN_FLOW = "in_flow", "审批中"  # 核稿 / 会签 / 签发 under way (frozen for the drafter)
        APPROVED = "approved", "已签发"  # signed off and numbered; waiting for the custodians
        SEALED = "sealed", "已用印"  # the package is sealed: immutable from now on
        SENT = "sent", "已发出"  # the exchange app sent it (document_mark_sent)
        CANCELLED = "cancelled", "已作废"  # stopped for good; its number (if any) is voided

    class BodySource(models.TextChoices):
        TYPED = "typed", "在线编辑"
        DOCX = "docx", "上传 Word 文件"

    unit = models.ForeignKey(
        "org.Unit", verbose_name="发文单位", on_delete=models.PROTECT, related_name="documents"
    )
    drafter = models.ForeignKey(
        _USER, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="drafted_documents"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    doc_type = models.CharField("文种", max_length=10, choices=DocType.choices)
    series = models.CharField(
        "编号序列", max_length=20, choices=Series.choices, default=Series.FILE
    )
    # 版头
    # 份号 belongs to each printed copy (exchange prints it per copy), so nothing is kept here.
    secrecy = models.CharField("密级", max_length=10, default="非密")  # only 非密 is accepted
    secrecy_period = models.CharField("保密期限", max_length=20, blank=True)  # always empty
    urgency = models.CharField("紧急程度", max_length=4, choices=Urgency.choices, blank=True)
    issuer_mark = models.CharField("发文机关标志", max_length=100)
    doc_number = models.CharField("发文字号", max_length=60, blank=True)  # "" until 签发
    number_year = models.PositiveSmallIntegerField("编号年度", null=True, blank=True)
    number_n = models.PositiveIntegerField("编号序号", null=True, blank=True)
    signer_name = models.CharField("签发人", max_length=60, blank=True)  # set at 签发
    # 主体
    title = models.CharField("标题", max_length=200)
    main_recipients = models.CharField("主送机关", max_length=500, blank=True)
    body = models.JSONField("正文", default=list, blank=True)  # [{"kind": …, "text": …}]
    body_source = models.CharField(
        "正文来源", max_length=10, choices=BodySource.choices, default=BodySource.TYPED
    )
    body_original = models.ForeignKey(
        "files.Upload",
        verbose_name="正文原件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer_signature = models.CharField("发文机关署名", max_length=200)
    issue_date = models.DateField("成文日期", null=True, blank=True)  # the 签发 date
    seal = models.ForeignKey(
        "seals.Seal",
        verbose_name="印章",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("附注", max_length=500, blank=True)
    # 版记
    cc = models.CharField("抄送机关", max_length=1000, blank=True)
    printer = models.CharField("印发机关", max_length=200, blank=True)
    print_date = models.DateField("印发日期", null=True, blank=True)  # set when sealing starts
    # The flow and its milestones
    process = models.ForeignKey(
        "workflow.ProcessInstance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by = models.ForeignKey(
        _USER,
        verbose_name="签发人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("送审时间", null=True, blank=True)
    approved_at = models.DateTimeField("签发时间", null=True, blank=True)
    sealed_at = models.DateTimeField("用印时间", null=True, blank=True)
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)  # set by exchange
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=500, blank=True)
    # The sender's full name when sealed: history is never rewritten by a later rename.
    sender_name_at_sealing = models.CharField("用印时发文单位名称", max_length=200, blank=True)

    class Meta:
        ordering = ("-updated_at", "-id")
        verbose_name = "公文"
        indexes = (
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["drafter", "status"]),
            models.Index(fields=["status", "sent_at"]),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "series", "number_year", "number_n"],
                condition=Q(number_n__isnull=False),
                name="documents_number_unique",
            ),
            models.CheckConstraint(condition=Q(secrecy="非密"), name="documents_unclassified"),
        )

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}".strip()

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def is_upward(self) -> bool:
        return self.doc_type in UPWARD_TYPES

    def move_to(self, target: str) -> None:
        check_transition(self.status, target)
        self.status = target


DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    # submitted (or re-submitted after a return) / given up before submitting
    Document.Status.DRAFT: frozenset({Document.Status.IN_FLOW, Document.Status.CANCELLED}),
    # returned or withdrawn to the drafter / signed off / the flow was stopped
    Document.Status.IN_FLOW: frozenset(
        {Document.Status.DRAFT, Document.Status.APPROVED, Document.Status.CANCELLED}
    ),
    # the signer withdrew the sign-off / the custodians approved and it was sealed / stopped
    Document.Status.APPROVED: frozenset(
        {Document.Status.IN_FLOW, Document.Status.SEALED, Document.Status.CANCELLED}
    ),
    # sent by the exchange app / a sealed document that must not go out after all
    Document.Status.SEALED: frozenset({Document.Status.SENT, Document.Status.CANCELLED}),
    Document.Status.SENT: frozenset(),
    Document.Status.CANCELLED: frozenset(),
}


def check_transition(current: str, target: str) -> None:
    """Raise Conflict (in Chinese) unless `current → target` is in DOCUMENT_TRANSITIONS."""
    if target in DOCUMENT_TRANSITIONS.get(current, frozenset()):
        return
    labels = dict(Document.Status.choices)
    if current == Document.Status.SENT and target == Document.Status.SENT:
        raise Conflict("该公文已发出，不能重复发送")
    raise Conflict(
        f"该公文当前状态为“{labels.get(current, current)}”，"
        f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
    )


class DocumentAttachment(models.Model):
    """An attachment (附件): an uploaded file, or a paper-only one (article 34: books and
    drawings that cannot be digitised) recorded with a description and no file."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField("序号")  # its number in the 附件说明
    title = models.CharField("附件名称", max_length=200)
    upload = models.ForeignKey(
        "files.Upload", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paper_only = models.BooleanField("纸质附件", default=False)
    description = models.CharField("说明", max_length=300, blank=True)
    added_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("document", "position")
        verbose_name = "附件"
        constraints = (
            models.UniqueConstraint(
                fields=["document", "position"], name="documents_attachment_position"
            ),
            models.CheckConstraint(
                condition=Q(paper_only=True, upload__isnull=True)
                | Q(paper_only=False, upload__isnull=False),
                name="documents_attachment_file_or_paper",
            ),
        )

    def __str__(self) -> str:
        return f"附件{self.position}：{self.title}"


class NumberCounter(models.Model):
    """The last number given in one (unit, series, year); locked while the next is taken."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20, choices=Series.choices)
    year = models.PositiveSmallIntegerField()
    last_n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "发文编号计数"
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "series", "year"], name="documents_counter_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.series}/{self.year}: {self.last_n}"


class VoidedNumber(models.Model):
    """A number given to a document that was then cancelled: recorded, and never reused."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20, choices=Series.choices)
    year = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField()
    doc_number = models.CharField("发文字号", max_length=60)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="voided_numbers"
    )
    reason = models.CharField("作废原因", max_length=500)
    voided_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-voided_at", "-id")
        verbose_name = "作废的发文字号"
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "series", "year", "n"], name="documents_voided_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.doc_number}（作废）"


class SealAttempt(models.Model):
    """One request to seal a document: the package prepared when 用印 began (its metadata
    and PDF kept byte for byte, so the sealed package is exactly what was approved) and the
    seals app's use request for its digest."""

    class Status(models.TextChoices):
        PENDING = "pending", "待保管人审批"
        SEALED = "sealed", "已用印"
        REFUSED = "refused", "保管人未同意"
        EXPIRED = "expired", "已失效"
        WITHDRAWN = "withdrawn", "已撤销"  # the sign-off was withdrawn, or the flow stopped

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="seal_attempts")
    seal = models.ForeignKey("seals.Seal", on_delete=models.PROTECT, related_name="+")
    use_request = models.OneToOneField(
        "seals.SealUseRequest", on_delete=models.PROTECT, related_name="document_attempt"
    )
    digest_hex = models.CharField("签章摘要（SM3）", max_length=64)
    document_json = models.BinaryField("document.json", editable=False)
    pdf = models.BinaryField("版式文件", editable=False)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "用印申请（公文）"
        constraints = (
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(status="pending"),
                name="documents_one_pending_seal_attempt",
            ),
        )

    def __str__(self) -> str:
        return f"公文用印 #{self.pk}"


class SealedPackage(models.Model):
    """The sealed exchange package of a document (wenshu-package/1). Never changes."""

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="sealed")
    attempt = models.OneToOneField(SealAttempt, on_delete=models.PROTECT, related_name="+")
    package = models.BinaryField("交换包", editable=False)
    manifest = models.JSONField("清单")
    digest_hex = models.CharField("签章摘要（SM3）", max_length=64)
    signature_der = models.BinaryField("签章（SES_Signature）", editable=False)
    seal_der = models.BinaryField("印章（SES_Seal）", editable=False)
    seal = models.ForeignKey("seals.Seal", on_delete=models.PROTECT, related_name="+")
    pdf = models.BinaryField("版式文件", editable=False)
    package_sm3 = models.CharField("交换包 SM3", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "已用印交换包"

    def __str__(self) -> str:
        return f"交换包：{self.document_id}"
