"""People, their roles, password policy and history, login history, sessions and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenshu.accounts.roles import ROLE_CHOICES, Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(username=username, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"  # opening requested, not yet approved
        ACTIVE = "active", "正常"
        DISABLED = "disabled", "已停用"  # e.g. the unit was deregistered
        CLOSED = "closed", "已注销"  # account closed on request
        REJECTED = "rejected", "未通过"  # opening refused by the digital office

    username = models.CharField("用户名", max_length=60, unique=True)
    real_name = models.CharField("姓名", max_length=60)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="people"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    post = models.CharField("职务", max_length=60, blank=True)
    duties = models.TextField("职责权限备案", blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    office_phone = models.CharField("办公电话", max_length=40, blank=True)
    share_mobile = models.BooleanField("在通讯录中公开手机号码", default=False)
    notify_sms = models.BooleanField("短信提醒", default=True)
    notify_inapp = models.BooleanField("站内提醒", default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    must_change_password = models.BooleanField(default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["real_name"]  # noqa: RUF012

    class Meta:
        ordering = ["unit_id", "id"]  # noqa: RUF012
        verbose_name = "人员"

    def __str__(self) -> str:
        return f"{self.real_name}（{self.username}）"

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status == self.Status.ACTIVE

    @property
    def role_set(self) -> frozenset[Role]:
        """Read once per User object with the person's other grants (wenshu.accounts.grants)."""
        from wenshu.accounts.grants import grants_of

        if "role_grants" in getattr(self, "_prefetched_objects_cache", {}):
            # A list page made prefetch_related("role_grants"): no query per person.
            return frozenset(Role(grant.role) for grant in self.role_grants.all())
        return grants_of(self).roles

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set & set(roles))

    def forget_roles(self) -> None:
        """Forget the roles and other grants read so far: call after changing one."""
        from wenshu.accounts.grants import forget_grants

        forget_grants(self)
        getattr(self, "_prefetched_objects_cache", {}).pop("role_grants", None)

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


# Allowed status changes of a person; anything else is refused with a Conflict.
USER_TRANSITIONS: dict[str, frozenset[str]] = {
    User.Status.PENDING: frozenset({User.Status.ACTIVE, User.Status.REJECTED}),
    User.Status.ACTIVE: frozenset({User.Status.DISABLED, User.Status.CLOSED}),
    User.Status.DISABLED: frozenset({User.Status.ACTIVE, User.Status.CLOSED}),
    User.Status.CLOSED: frozenset(),
    User.Status.REJECTED: frozenset(),
}


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique")]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class PasswordPolicy(models.Model):
    """One row, kept by the security administrator. Defaults follow S1 article 14."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    min_length = models.PositiveSmallIntegerField("最短长度", default=6)
    max_length = models.PositiveSmallIntegerField("最长长度（0 为不限）", default=0)
    require_letter = models.BooleanField("须含字母", default=True)
    require_digit = models.BooleanField("须含数字", default=True)
    require_symbol = models.BooleanField("须含符号", default=True)
    allow_symbols = models.BooleanField("允许符号", default=True)
    history_count = models.PositiveSmallIntegerField("不得与最近几次相同", default=5)
    max_age_days = models.PositiveSmallIntegerField("提醒修改周期（天，0 为不提醒）", default=90)
    lockout_threshold = models.PositiveSmallIntegerField("连续失败几次锁定", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定分钟数", default=30)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "密码策略"


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)  # the hash, as Django stores it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d}"


class LoginAttempt(models.Model):
    """Login history: every attempt, successful or not (visible to the person and auditors)."""

    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        BAD_PASSWORD = "bad_password", "密码错误"
        UNKNOWN_USER = "unknown_user", "用户不存在"
        LOCKED = "locked", "账号已锁定"
        INACTIVE = "inactive", "账号不可用"
        THROTTLED = "throttled", "来源地址受限"
        SECOND_FACTOR_FAILED = "second_factor_failed", "密钥验证失败"

    username = models.CharField(max_length=150)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_attempts"
    )
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    result = models.CharField(max_length=30, choices=Result.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]  # noqa: RUF012
        indexes = [models.Index(fields=["ip", "at"]), models.Index(fields=["user", "at"])]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.username} {self.result} {self.at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A live login: lets a service end a person's sessions (e.g. when a login key is lost)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    login_key_id = models.BigIntegerField(null=True, blank=True)  # keys.LoginKey used, if any
    ip = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]  # noqa: RUF012
        indexes = [  # noqa: RUF012
            models.Index(fields=["user"], condition=Q(ended_at__isnull=True), name="live_sessions")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:8]}…"


class ApiToken(models.Model):
    """A personal API token for integrations. Only its SM3 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]  # noqa: RUF012

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AccountRequest(models.Model):
    """A unit administrator's filing to open or close an account (S1 art. 12), decided by
    the digital office. Opening creates the person only on approval, so a refused or
    withdrawn request leaves the username free."""

    class Kind(models.TextChoices):
        OPEN = "open", "开设账号"
        CLOSE = "close", "注销账号"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"  # filed, waiting for the digital office
        APPROVED = "approved", "已批准"  # done: account opened / closed
        REJECTED = "rejected", "已驳回"  # the digital office refused, with a reason
        WITHDRAWN = "withdrawn", "已撤回"  # the requesting unit took it back

    kind = models.CharField("申请类别", max_length=10, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="account_requests"
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="account_requests_filed"
    )
    person = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_requests",
        help_text="closing: the account to close; opening: the account created on approval",
    )
    username = models.CharField("用户名", max_length=60)
    real_name = models.CharField("姓名", max_length=60)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    post = models.CharField("职务", max_length=60, blank=True)
    duties = models.TextField("职责权限备案", blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    roles = models.JSONField("申请的角色", default=list, blank=True)
    reason = models.CharField("申请说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012
        constraints = [  # noqa: RUF012
            # Two pending openings may not reserve the same username.
            models.UniqueConstraint(
                fields=["username"],
                condition=Q(kind="open", status="pending"),
                name="account_request_one_pending_open_per_username",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="close", status="pending"),
                name="account_request_one_pending_close_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.real_name}（{self.username}）"

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles]


# The request's state machine: only a pending request can be decided or withdrawn.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    AccountRequest.Status.PENDING: frozenset(
        {
            AccountRequest.Status.APPROVED,
            AccountRequest.Status.REJECTED,
            AccountRequest.Status.WITHDRAWN,
        }
    ),
    AccountRequest.Status.APPROVED: frozenset(),
    AccountRequest.Status.REJECTED: frozenset(),
    AccountRequest.Status.WITHDRAWN: frozenset(),
}
