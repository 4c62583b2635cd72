"""Login keys (密钥, S1 chapter 6): the keys, who held them, applications, loss reports,
and the security administrator's policy of who must use one.

State machines sit next to their model as `TRANSITIONS` tables; `services` refuses any
transition not listed there with a `Conflict`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from wenshu.accounts.roles import ROLE_CHOICES


class KeyKind(models.TextChoices):
    WEBAUTHN = "webauthn", "安全密钥（FIDO2/WebAuthn）"
    TOTP = "totp", "动态口令令牌（TOTP）"


class LoginKey(models.Model):
    class Status(models.TextChoices):
        PRODUCED = "produced", "已制作"  # made by the digital office, notice not yet sent
        ISSUED = "issued", "待领取"  # pick-up notice sent (art. 29)
        ACTIVE = "active", "使用中"  # collected: the only state that opens a login
        SUSPENDED = "suspended", "已暂停"  # signature counter went backwards: maybe cloned
        LOST = "lost", "已挂失注销"  # reported lost (art. 32): revoked at once, final
        REVOKED = "revoked", "已注销"  # withdrawn by the digital office, final

    kind = models.CharField("类型", max_length=10, choices=KeyKind.choices)
    serial = models.CharField("密钥编号", max_length=60, unique=True)
    # WebAuthn: base64url credential id, COSE public key, counter, authenticator model, transports.
    credential_id = models.CharField(max_length=1400, null=True, blank=True, unique=True)
    public_key = models.BinaryField(null=True, blank=True)
    sign_count = models.PositiveBigIntegerField(default=0)
    aaguid = models.CharField(max_length=40, blank=True)
    transports = models.JSONField(default=list, blank=True)
    # TOTP: the secret only wrapped (SM4-GCM, see totp.py); the last accepted 30 s step.
    totp_secret_wrapped = models.BinaryField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PRODUCED
    )
    holder = models.ForeignKey(
        "accounts.User", verbose_name="使用人", on_delete=models.PROTECT, related_name="login_keys"
    )
    application = models.OneToOneField(
        "keys.KeyApplication", null=True, blank=True, on_delete=models.PROTECT, related_name="key"
    )
    is_demo = models.BooleanField(default=False)  # demo city only: its code may be printed
    note = models.CharField("备注", max_length=200, blank=True)
    produced_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    produced_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # lost or revoked
    status_reason = models.CharField("状态说明", max_length=300, blank=True)

    class Meta:
        ordering = ("-produced_at", "-id")
        verbose_name = "登录密钥"
        indexes = (models.Index(fields=["holder", "status"]),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE


S = LoginKey.Status
# Key status transitions: (from, to) → the operation that makes it.
KEY_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PRODUCED, S.ISSUED): "发出领取通知",
    (S.ISSUED, S.ACTIVE): "登记领取",
    (S.ACTIVE, S.SUSPENDED): "签名计数异常，暂停使用",
    (S.SUSPENDED, S.ACTIVE): "安全保密管理员核查后恢复",
    (S.PRODUCED, S.LOST): "挂失",
    (S.ISSUED, S.LOST): "挂失",
    (S.ACTIVE, S.LOST): "挂失",
    (S.SUSPENDED, S.LOST): "挂失",
    (S.PRODUCED, S.REVOKED): "注销",
    (S.ISSUED, S.REVOKED): "注销",
    (S.ACTIVE, S.REVOKED): "注销",
    (S.SUSPENDED, S.REVOKED): "注销",
}
KEY_LIVE_STATUSES = (S.PRODUCED, S.ISSUED, S.ACTIVE, S.SUSPENDED)


class KeyHolding(models.Model):
    """Who held a key, when (art. 30: one person at a time; art. 31: changes are filed)."""

    key = models.ForeignKey(LoginKey, on_delete=models.CASCADE, related_name="holdings")
    holder = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    from_at = models.DateTimeField()
    to_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("原因", max_length=300)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("key_id", "from_at", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["key"], condition=Q(to_at__isnull=True), name="key_one_current_holder"
            ),
        )

    def __str__(self) -> str:
        return f"{self.key_id}→{self.holder_id}"


class KeyApplication(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", "待审批"  # filed with the gov office (art. 27)
        WITHDRAWN = "withdrawn", "已撤回"
        APPROVED = "approved", "已批准待制作"  # gov office agreed (art. 28)
        REJECTED = "rejected", "未批准"
        PRODUCED = "produced", "已制作"  # digital office made the key (art. 28)
        NOTIFIED = "notified", "已通知领取"  # pick-up notice sent (art. 29)
        COLLECTED = "collected", "已领取"  # pick-up recorded

    class Method(models.TextChoices):
        BY_HAND = "by_hand", "专人领取"
        CONFIDENTIAL = "confidential", "机要传输"

    applicant = models.ForeignKey(
        "accounts.User", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="申请单位", on_delete=models.PROTECT, related_name="+"
    )
    intended_holder = models.ForeignKey(
        "accounts.User", verbose_name="拟使用人", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("密钥类型", max_length=10, choices=KeyKind.choices)
    reason = models.TextField("申领理由")
    loss_report = models.ForeignKey(
        "keys.KeyLossReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reapplications",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.CharField("审批意见", max_length=500, blank=True)
    produced_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    produced_at = models.DateTimeField(null=True, blank=True)
    notified_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    collected_by_name = models.CharField("领取人", max_length=60, blank=True)
    collected_at = models.DateTimeField("领取时间", null=True, blank=True)
    collection_method = models.CharField(
        "领取方式", max_length=15, choices=Method.choices, blank=True
    )
    collection_recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-applied_at", "-id")
        verbose_name = "密钥申请"
        indexes = (models.Index(fields=["status", "applied_at"]),)

    def __str__(self) -> str:
        return f"密钥申请 #{self.pk}"


A = KeyApplication.Status
APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (A.APPLIED, A.WITHDRAWN): "撤回",
    (A.APPLIED, A.APPROVED): "批准",
    (A.APPLIED, A.REJECTED): "不予批准",
    (A.APPROVED, A.PRODUCED): "制作",
    (A.PRODUCED, A.NOTIFIED): "发出领取通知",
    (A.NOTIFIED, A.COLLECTED): "登记领取",
}
APPLICATION_OPEN_STATUSES = (A.APPLIED, A.APPROVED, A.PRODUCED, A.NOTIFIED)


class KeyLossReport(models.Model):
    """A lost key (art. 32): reported, the key revoked at once; then the unit's findings."""

    class Status(models.TextChoices):
        REPORTED = "reported", "已挂失，待单位查明原因"
        FINDINGS = "findings", "已查明原因"

    key = models.ForeignKey(LoginKey, on_delete=models.PROTECT, related_name="loss_reports")
    holder = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    circumstances = models.TextField("遗失经过")
    sessions_ended = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REPORTED)
    findings = models.TextField("查明的原因", blank=True)
    handling = models.TextField("处理情况", blank=True)
    findings_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    findings_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-reported_at", "-id")
        verbose_name = "密钥挂失"
        constraints = (models.UniqueConstraint(fields=["key"], name="one_loss_report_per_key"),)

    def __str__(self) -> str:
        return f"挂失 #{self.pk}"


LOSS_TRANSITIONS: dict[tuple[str, str], str] = {
    (KeyLossReport.Status.REPORTED, KeyLossReport.Status.FINDINGS): "记录查明的原因",
}


class PolicyMode(models.TextChoices):
    ALL = "all", "所有账号须使用密钥"
    ADMINS = "admins", "仅管理员须使用密钥"
    NONE = "none", "不要求使用密钥"


class KeyPolicy(models.Model):
    """One row kept by the security administrator. An empty mode follows the deployment's
    WENSHU_KEY_REQUIRED setting, so a fresh installation gets the right default."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    mode = models.CharField("默认要求", max_length=10, choices=PolicyMode.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return "密钥策略"


class KeyPolicyRule(models.Model):
    """An override for a unit, a role, or a role within a unit. The most specific match wins
    (unit+role, then unit, then role); among equals, "required" wins."""

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=30, blank=True, choices=ROLE_CHOICES)
    required = models.BooleanField("须使用密钥", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("unit_id", "role", "id")
        constraints = (
            models.UniqueConstraint(fields=["unit", "role"], name="key_policy_rule_unique"),
            # NULL units are distinct in a plain unique index: role-only rules need their own.
            models.UniqueConstraint(
                fields=["role"], condition=Q(unit__isnull=True), name="key_policy_role_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(role=""), name="key_policy_rule_scope"
            ),
        )

    def __str__(self) -> str:
        return f"密钥策略例外 #{self.pk}"


class HolderHandle(models.Model):
    """The WebAuthn user handle of a person: random, stable, and free of personal data."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="+")
    handle = models.BinaryField(unique=True)

    def __str__(self) -> str:
        return f"WebAuthn 用户标识 {self.user_id}"
