"""Sending sealed documents to other units (S1 art. 36–37) and what becomes of each copy.

A `Dispatch` is the one sending of a document; it owns one `Delivery` per recipient unit.
A delivery's `status` is where it stands now; `DeliveryEvent` rows are its timeline, never
edited (delivered now; issue 6 adds verified, signed for, returned, printed, imported).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from wenshu.lib.errors import Conflict

_USER = settings.AUTH_USER_MODEL


class Dispatch(models.Model):
    """The sending of one document: one row per document, so a document is sent once.

    `idempotency_key` is the key of the request that sent it: the same request again (a
    retried submit) gets this dispatch back instead of an error.
    """

    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="dispatch"
    )
    idempotency_key = models.CharField(max_length=100)
    sender_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="dispatches")
    # The sender's name when it sent (a later rename does not rewrite history).
    sender_name = models.CharField("发文机关", max_length=200)
    sent_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    # S1 art. 37: the moment the sending completed (taken inside the transaction, see services).
    sent_at = models.DateTimeField("发送时间", db_index=True)
    main_count = models.PositiveIntegerField("主送单位数", default=0)
    copy_count = models.PositiveIntegerField("抄送单位数", default=0)
    # The addressing groups chosen, as named then: [{"id", "name", "kind"}].
    groups = models.JSONField("所选分组", default=list, blank=True)

    class Meta:
        ordering = ("-sent_at", "-id")
        verbose_name = "公文分发"
        indexes = (models.Index(fields=["sender_unit", "-sent_at"]),)

    def __str__(self) -> str:
        return f"分发：{self.document_id}"

    @property
    def recipient_count(self) -> int:
        return self.main_count + self.copy_count


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    """Raise Conflict (in Chinese) unless `current → target` is in the transitions table."""
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前状态为“{labels.get(current, current)}”，"
            f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
        )


class Delivery(models.Model):
    """One copy of a sent document for one recipient unit."""

    class Kind(models.TextChoices):
        MAIN = "main", "主送"
        COPY = "copy", "抄送"

    class Status(models.TextChoices):
        DELIVERED = "delivered", "待签收"  # in the inbox, not opened (verified) yet
        VERIFIED = "verified", "已验证待签收"  # opened and verified; waiting for 签收
        FAILED = "failed", "验证未通过"  # opened, failed verification: only 退回 remains
        SIGNED = "signed", "已签收"  # signed for and registered (收文登记, art. 39)
        RETURNED = "returned", "已退回"  # sent back with a reason (art. 39)

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="deliveries")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient_unit = models.ForeignKey(
        "org.Unit", verbose_name="收文单位", on_delete=models.PROTECT, related_name="deliveries_in"
    )
    # The recipient's name at sending: history is never rewritten by a rename or a merge.
    recipient_name = models.CharField("收文单位名称", max_length=200)
    kind = models.CharField("主送/抄送", max_length=10, choices=Kind.choices)
    # Copies the recipient may print (S1 art. 36); 0 = may not print.
    print_allowed = models.PositiveIntegerField("允许打印份数")
    printed_count = models.PositiveIntegerField("已打印份数", default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DELIVERED)
    delivered_at = models.DateTimeField("送达时间")
    # Filled by the receiving side (issue 6); shown on the sender's tracking page.
    verified_at = models.DateTimeField("验证时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间（首次打印或导入）", null=True, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    # The last 催办, for the one-per-hour limit (claimed with a conditional UPDATE).
    last_reminded_at = models.DateTimeField("最近催办时间", null=True, blank=True)
    # A corrected version sent after this unit returned an earlier delivery (art. 39).
    replaces = models.ForeignKey(
        "self",
        verbose_name="更正前的送达",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    remind_count = models.PositiveIntegerField("催办次数", default=0)

    class Meta:
        ordering = ("kind", "recipient_name", "id")
        verbose_name = "公文送达"
        indexes = (
            models.Index(fields=["recipient_unit", "status", "-delivered_at"]),
            models.Index(fields=["document", "status"]),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["document", "recipient_unit"], name="delivery_one_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(printed_count__lte=F("print_allowed")),
                name="delivery_printed_within_allowed",
            ),
        )

    def __str__(self) -> str:
        return f"{self.recipient_name}（{self.get_kind_display()}）"

    def move_to(self, target: str) -> None:
        """Change status through the transitions table (the caller saves and records the event)."""
        check_transition(
            DELIVERY_TRANSITIONS, dict(self.Status.choices), self.status, target, "该送达"
        )
        self.status = target

    @property
    def awaiting_signature(self) -> bool:
        return self.status in AWAITING_SIGNATURE


_S = Delivery.Status
# Allowed status changes of a delivery. A failed verification may pass later (the stored
# files restored from backup); a signed or returned delivery is final.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.DELIVERED: frozenset({_S.VERIFIED, _S.FAILED, _S.RETURNED}),
    _S.VERIFIED: frozenset({_S.SIGNED, _S.FAILED, _S.RETURNED}),
    _S.FAILED: frozenset({_S.VERIFIED, _S.RETURNED}),
    _S.SIGNED: frozenset(),
    _S.RETURNED: frozenset(),
}
# Deliveries a 催办 applies to, and the inbox tab 待签收: not yet signed for nor returned.
AWAITING_SIGNATURE: frozenset[str] = frozenset({_S.DELIVERED, _S.VERIFIED, _S.FAILED})


class DeliveryEvent(models.Model):
    """One step in a delivery's life, as it happened (append only)."""

    class Kind(models.TextChoices):
        DELIVERED = "delivered", "送达"  # the sending committed
        REMINDED = "reminded", "催办"  # the sender reminded the recipient's clerks
        VERIFIED = "verified", "验证通过"
        VERIFY_FAILED = "verify_failed", "验证未通过"
        SIGNED = "signed", "签收登记"
        RETURNED = "returned", "退回"
        PRINTED = "printed", "打印"
        IMPORTED = "imported", "导入内部办理"
        FAULT = "fault", "上报故障"
        REQUESTED = "requested", "申请"
        APPROVED = "approved", "同意申请"
        REFUSED = "refused", "不同意申请"
        CORRECTED = "corrected", "发送更正版本"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A delegate acting for someone (issue 6): shown as 张三（代李四）.
    on_behalf_of = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("at", "id")
        verbose_name = "送达记录"
        indexes = (models.Index(fields=["delivery", "at"]),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class RegistrationCounter(models.Model):
    """The last 收文登记 number of a unit in a year; locked while the next one is taken."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "收文登记编号计数"
        constraints = (
            models.UniqueConstraint(fields=["unit", "year"], name="exchange_regcounter_unique"),
        )

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last_n}"


class Registration(models.Model):
    """收文登记 (art. 39): the receiving unit's register entry of a signed-for delivery."""

    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="registration")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("登记年度")
    number = models.PositiveIntegerField("登记序号")
    sender_name = models.CharField("来文单位", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=200)
    copies = models.PositiveIntegerField("份数")
    secrecy = models.CharField("密级", max_length=10, default="非密")
    urgency = models.CharField("紧急程度", max_length=4, blank=True)
    received_on = models.DateField("收文日期")
    registered_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ("-year", "-number")
        verbose_name = "收文登记"
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "year", "number"], name="exchange_registration_number_unique"
            ),
        )

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"收〔{self.year}〕{self.number}号"


class PrintedCopy(models.Model):
    """One printed copy (art. 40: equal to a photocopy of the paper document) and its 份号."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="copies")
    copy_no = models.PositiveIntegerField("份号")
    printed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    printed_at = models.DateTimeField("打印时间")

    class Meta:
        ordering = ("delivery", "copy_no")
        verbose_name = "打印份"
        constraints = (
            models.UniqueConstraint(fields=["delivery", "copy_no"], name="exchange_copy_unique"),
        )

    def __str__(self) -> str:
        return f"{self.copy_no:06d}"


class DeliveryRequest(models.Model):
    """A request of the recipient to the sender (art. 42): resend, or allow more copies."""

    class Kind(models.TextChoices):
        RESEND = "resend", "请求重发"
        MORE_COPIES = "more_copies", "追加打印份数"

    class Status(models.TextChoices):
        PENDING = "pending", "待发文单位处理"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "未同意"

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField("申请事项", max_length=20, choices=Kind.choices)
    count = models.PositiveIntegerField("追加份数", default=0)
    reason = models.TextField("原因")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.TextField("处理意见", blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
        verbose_name = "收文申请"
        constraints = (
            models.UniqueConstraint(
                fields=["delivery", "kind"],
                condition=Q(status="pending"),
                name="exchange_one_pending_request",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def move_to(self, target: str) -> None:
        check_transition(
            REQUEST_TRANSITIONS, dict(self.Status.choices), self.status, target, "该申请"
        )
        self.status = target


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryRequest.Status.PENDING: frozenset(
        {DeliveryRequest.Status.APPROVED, DeliveryRequest.Status.REFUSED}
    ),
    DeliveryRequest.Status.APPROVED: frozenset(),
    DeliveryRequest.Status.REFUSED: frozenset(),
}
