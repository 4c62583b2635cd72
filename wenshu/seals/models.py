"""Electronic seals (S1 chapter 5, articles 18–24): the seal-making authority, the seals, their
custodians, the applications that create, change or destroy them, every use of a seal and
each unit's own seal rules.

Private keys are stored only wrapped (SM4-GCM under the KEK from the settings); no model
method ever returns them unwrapped. State machines sit next to their model as tables of
allowed transitions; `check_transition` raises `Conflict` for anything else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenshu.lib.errors import Conflict


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    """Raise `Conflict` unless `current → target` is in `table`."""
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前状态为“{labels.get(current, current)}”，不能{_VERBS.get(target, '办理')}"
        )


_VERBS = {
    "suspended": "挂失停用",
    "retired": "交回停用",
    "destroyed": "销毁",
    "in_use": "启用",
    "signed": "签字同意",
    "approved": "批准",
    "rejected": "不同意",
    "withdrawn": "撤回",
    "done": "办结",
    "cancelled": "作废",
    "used": "用印",
    "refused": "拒绝",
    "expired": "作废",
}


class SealMaker(models.Model):
    """The city seal-making authority (制章机构) of the digital office: its SM2 key pair and
    self-signed CA certificate. Its key signs every SES_Seal and issues every signer
    certificate. Old makers stay (is_current=False) so that old seals still verify."""

    key_ref = models.CharField(max_length=40, unique=True)  # names the record in the wrap AAD
    common_name = models.CharField("制章机构名称", max_length=100)
    organization = models.CharField("所属单位", max_length=200)
    wrapped_key = models.BinaryField(editable=False)
    cert_der = models.BinaryField(editable=False)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-id",)
        constraints = (
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="seal_maker_one_current"
            ),
        )

    def __str__(self) -> str:
        return self.common_name

    @property
    def wrap_aad(self) -> bytes:
        return f"wenshu:seal-maker:{self.key_ref}".encode()


class SealType(models.TextChoices):
    OFFICIAL = "official", "公章"
    DOCUMENT = "document", "公文专用章"
    FINANCE = "finance", "财务专用章"
    CONTRACT = "contract", "合同专用章"


class Seal(models.Model):
    class Status(models.TextChoices):
        IN_USE = "in_use", "在用"  # may sign, with k custodian approvals per use
        SUSPENDED = "suspended", "已挂失"  # reported lost or flagged: signs nothing, at once
        RETIRED = "retired", "已交回"  # replaced by a changed seal: signs nothing
        DESTROYED = "destroyed", "已销毁"  # key material overwritten, four parties present

    unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="seals"
    )
    name = models.CharField("印章名称", max_length=200)
    seal_type = models.CharField("印章类型", max_length=20, choices=SealType.choices)
    es_id = models.CharField("印章编码", max_length=40, unique=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.IN_USE)
    maker = models.ForeignKey(SealMaker, on_delete=models.PROTECT, related_name="seals")
    # Wrapped SM2 private key; NULL once destroyed (overwritten first, see seal_destroy).
    wrapped_key = models.BinaryField(null=True, editable=False)
    signer_cert_der = models.BinaryField(editable=False)
    seal_der = models.BinaryField(editable=False)
    picture_png = models.BinaryField(editable=False)
    picture_uploaded = models.BooleanField("图片为上传扫描件", default=False)
    diameter_mm = models.PositiveSmallIntegerField("印面直径（毫米）", default=42)
    threshold_k = models.PositiveSmallIntegerField("用印所需保管人同意数", default=1)
    valid_start = models.DateTimeField("有效期起")
    valid_end = models.DateTimeField("有效期止")
    produced_at = models.DateTimeField("制作时间")
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField("挂失时间", null=True, blank=True)
    suspend_reason = models.CharField("挂失原因", max_length=300, blank=True)
    retired_at = models.DateTimeField("交回时间", null=True, blank=True)
    destroyed_at = models.DateTimeField("销毁时间", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        ordering = ("unit_id", "-produced_at", "-id")
        constraints = (
            models.CheckConstraint(condition=Q(threshold_k__gte=1), name="seal_k_at_least_one"),
            models.CheckConstraint(
                condition=~Q(status="destroyed") | Q(wrapped_key__isnull=True),
                name="seal_destroyed_has_no_key",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name}（{self.es_id}）"

    @property
    def wrap_aad(self) -> bytes:
        return f"wenshu:seal:{self.es_id}".encode()

    def transition(self, target: str) -> None:
        check_transition(SEAL_TRANSITIONS, dict(self.Status.choices), self.status, target, "印章")
        self.status = target


SEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    Seal.Status.IN_USE: frozenset(
        {Seal.Status.SUSPENDED, Seal.Status.RETIRED, Seal.Status.DESTROYED}
    ),
    Seal.Status.SUSPENDED: frozenset({Seal.Status.RETIRED, Seal.Status.DESTROYED}),
    Seal.Status.RETIRED: frozenset({Seal.Status.DESTROYED}),
    Seal.Status.DESTROYED: frozenset(),
}


class SealCustodian(models.Model):
    """A person who keeps a seal (article 22); k of the active ones approve each use."""

    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, related_name="custodians")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seal_custodianships"
    )
    active = models.BooleanField(default=True)
    since = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("seal_id", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["seal", "person"],
                condition=Q(active=True),
                name="seal_custodian_active_unique",
            ),
        )

    def __str__(self) -> str:
        return f"{self.seal_id}:{self.person_id}"


class SealApplication(models.Model):
    """A unit's written application (article 20) to have a seal made, changed or destroyed:
    signed off by its head, approved by the government office, carried out by the digital
    office (production) or by the four parties present (destruction)."""

    class Kind(models.TextChoices):
        NEW = "new", "新制"
        CHANGE = "change", "变更"
        DESTROY = "destroy", "销毁"

    class ChangeReason(models.TextChoices):
        RENAME = "rename", "单位名称变更"
        MERGE = "merge", "单位合并"
        DAMAGE = "damage", "印章损坏"
        LOSS = "loss", "印章遗失"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待单位负责人签字"
        SIGNED = "signed", "待市政府办公室审批"
        APPROVED = "approved", "已批准，待市数字办办理"
        DONE = "done", "已办结"
        REJECTED = "rejected", "未获同意"
        WITHDRAWN = "withdrawn", "已撤回"
        CANCELLED = "cancelled", "已作废"  # the unit left the system before it was carried out

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="申请单位",
        on_delete=models.PROTECT,
        related_name="seal_applications",
    )
    kind = models.CharField("申请类别", max_length=20, choices=Kind.choices)
    change_reason = models.CharField(
        "变更原因", max_length=20, choices=ChangeReason.choices, blank=True
    )
    old_seal = models.ForeignKey(
        Seal,
        verbose_name="原印章",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    seal_type = models.CharField("印章类型", max_length=20, choices=SealType.choices, blank=True)
    reason = models.TextField("申请理由")
    custodians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="保管人"
    )
    threshold_k = models.PositiveSmallIntegerField("用印所需保管人同意数", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader_at = models.DateTimeField(null=True, blank=True)
    leader_opinion = models.CharField("负责人意见", max_length=500, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approver_opinion = models.CharField("审批意见", max_length=500, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    new_seal = models.OneToOneField(
        Seal, null=True, blank=True, on_delete=models.PROTECT, related_name="made_by_application"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            # One open application per existing seal: a double click files one, not two.
            models.UniqueConstraint(
                fields=["old_seal"],
                condition=Q(status__in=["submitted", "signed", "approved"]),
                name="seal_application_one_open_per_seal",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}印章申请 #{self.pk}"

    def transition(self, target: str) -> None:
        check_transition(
            APPLICATION_TRANSITIONS, dict(self.Status.choices), self.status, target, "该申请"
        )
        self.status = target

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES


OPEN_APPLICATION_STATUSES = frozenset({"submitted", "signed", "approved"})
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    SealApplication.Status.SUBMITTED: frozenset({"signed", "rejected", "withdrawn", "cancelled"}),
    SealApplication.Status.SIGNED: frozenset({"approved", "rejected", "cancelled"}),
    SealApplication.Status.APPROVED: frozenset({"done", "cancelled"}),
    SealApplication.Status.DONE: frozenset(),
    SealApplication.Status.REJECTED: frozenset(),
    SealApplication.Status.WITHDRAWN: frozenset(),
    SealApplication.Status.CANCELLED: frozenset(),
}


class SealUseRequest(models.Model):
    """One use of a seal on one digest: k custodians approve, then it signs exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", "待保管人审批"
        APPROVED = "approved", "已同意，待用印"
        USED = "used", "已用印"
        REFUSED = "refused", "未同意"
        EXPIRED = "expired", "已失效"  # 24 h passed, or the seal stopped being in use
        CANCELLED = "cancelled", "已撤销"  # its document left the 用印 step, or its requester

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="use_requests")
    purpose = models.CharField("用印事由", max_length=300)
    digest_hex = models.CharField("数据摘要（SM3）", max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature_der = models.BinaryField(null=True, editable=False)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField("撤销原因", max_length=300, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=["status", "expires_at"]),)

    def __str__(self) -> str:
        return f"用印申请 #{self.pk}"

    def transition(self, target: str) -> None:
        check_transition(
            USE_TRANSITIONS, dict(self.Status.choices), self.status, target, "该用印申请"
        )
        self.status = target


USE_TRANSITIONS: dict[str, frozenset[str]] = {
    SealUseRequest.Status.PENDING: frozenset({"approved", "refused", "expired", "cancelled"}),
    SealUseRequest.Status.APPROVED: frozenset({"used", "expired", "cancelled"}),
    SealUseRequest.Status.USED: frozenset(),
    SealUseRequest.Status.REFUSED: frozenset(),
    SealUseRequest.Status.EXPIRED: frozenset(),
    SealUseRequest.Status.CANCELLED: frozenset(),
}


class SealUseApproval(models.Model):
    request = models.ForeignKey(SealUseRequest, on_delete=models.CASCADE, related_name="approvals")
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approve = models.BooleanField()
    opinion = models.CharField("意见", max_length=300, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("decided_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["request", "custodian"], name="seal_use_one_decision_each"
            ),
        )

    def __str__(self) -> str:
        return f"{self.request_id}:{self.custodian_id}:{'同意' if self.approve else '不同意'}"


class DestructionParty(models.TextChoices):
    GOV_OFFICE = "gov_office", "市政府办公室"
    SECRECY_BUREAU = "secrecy_bureau", "市保密局"
    DIGITAL_OFFICE = "digital_office", "市数字办"
    OWNER_UNIT = "owner_unit", "印章所属单位"


class DestructionConfirmation(models.Model):
    """One party's presence at a destruction (article 21); all four before the key goes."""

    seal = models.ForeignKey(
        Seal, on_delete=models.PROTECT, related_name="destruction_confirmations"
    )
    application = models.ForeignKey(
        SealApplication, on_delete=models.PROTECT, related_name="confirmations"
    )
    party = models.CharField("到场方", max_length=20, choices=DestructionParty.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who stood there, when the person recording it is not that party's own member (the owner
    # unit was deregistered without a successor: its people can no longer log in).
    attendee_name = models.CharField("到场人员", max_length=100, blank=True)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("confirmed_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["seal", "party"], name="seal_destruction_one_per_party"
            ),
        )

    def __str__(self) -> str:
        return f"{self.seal_id}:{self.party}"


class SealRules(models.Model):
    """A unit's own seal management rules (article 24), shown to its custodians."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="seal_rules")
    text = models.TextField("印章管理办法", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.unit}印章管理办法"
