"""Registered units (使用单位), their name history, departments and addressing groups."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenshu.lib.errors import Conflict

_USER = settings.AUTH_USER_MODEL


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    """Raise Conflict (in Chinese) unless `current → target` is in the transitions table."""
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前状态为“{labels.get(current, current)}”，"
            f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
        )


class Unit(models.Model):
    class Kind(models.TextChoices):
        PARTY = "party", "党委"
        CONGRESS = "congress", "人大"
        GOVERNMENT = "government", "政府"
        CPPCC = "cppcc", "政协"
        DEPARTMENT = "department", "部门"
        TOWNSHIP = "township", "乡镇"
        INSTITUTION = "institution", "事业单位"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        APPLIED = "applied", "申请中"  # filed with the superior's opinion
        REJECTED = "rejected", "未通过"  # the digital office declined the application
        REGISTERED = "registered", "已注册"  # in the exchange directory, may log in
        DEREGISTERED = "deregistered", "已注销"  # out of the directory, people disabled

    # The city digital office (市数字办) runs the system; exactly one unit has this flag.
    is_digital_office = models.BooleanField(default=False)
    full_name = models.CharField("单位全称", max_length=200)
    short_name = models.CharField("单位简称", max_length=60)
    agency_code = models.CharField("机关代字", max_length=30, blank=True)
    superior = models.ForeignKey(
        "self",
        verbose_name="上级主管单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    kind = models.CharField(
        "单位类别",
        max_length=20,
        choices=Kind.choices,
        default=Kind.DEPARTMENT,
    )
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    in_directory = models.BooleanField("在交换目录中", default=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    deregistered_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(
                fields=["full_name"],
                condition=~Q(status__in=["rejected", "deregistered"]),
                name="unit_live_full_name_unique",
            ),
            models.UniqueConstraint(
                fields=["is_digital_office"],
                condition=Q(is_digital_office=True),
                name="one_digital_office",
            ),
        )

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_registered(self) -> bool:
        return self.status == self.Status.REGISTERED

    def move_to(self, target: str) -> None:
        """Change status through the transitions table (the caller saves and audits)."""
        check_transition(UNIT_TRANSITIONS, dict(self.Status.choices), self.status, target, "该单位")
        self.status = target

    def name_record_at(self, when: datetime) -> UnitName | None:
        return (
            self.names.filter(valid_from__lte=when)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=when))
            .order_by("-valid_from")
            .first()
        )

    def name_at(self, when: datetime) -> str:
        """The full name the unit had at `when` (history is never rewritten)."""
        record = self.name_record_at(when)
        return record.full_name if record else self.full_name

    def short_name_at(self, when: datetime) -> str:
        record = self.name_record_at(when)
        return record.short_name if record else self.short_name


# A unit's lifecycle (S1 art. 8, 10). Rejected and deregistered are final: a unit refused
# may apply again as a new application; a deregistered unit's history stays as it was.
UNIT_TRANSITIONS: dict[str, frozenset[str]] = {
    Unit.Status.APPLIED: frozenset({Unit.Status.REGISTERED, Unit.Status.REJECTED}),
    Unit.Status.REGISTERED: frozenset({Unit.Status.DEREGISTERED}),
    Unit.Status.REJECTED: frozenset(),
    Unit.Status.DEREGISTERED: frozenset(),
}


class UnitName(models.Model):
    """One period of a unit's name: [valid_from, valid_to)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names")
    full_name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    agency_code = models.CharField(max_length=30, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("unit_id", "valid_from")
        constraints = (
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(valid_to__isnull=True),
                name="one_current_name",
            ),
        )

    def __str__(self) -> str:
        return self.full_name


class Department(models.Model):
    """An internal department (处室/科室) of a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("部门名称", max_length=100)
    phone = models.CharField("办公电话", max_length=40, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # S4 art. 6: each department names an information officer (部门信息员) who sends and
    # receives its office information.
    info_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="部门信息员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="info_officer_of",
    )

    class Meta:
        ordering = ("unit_id", "order", "id")
        constraints = (
            models.UniqueConstraint(fields=["unit", "name"], name="department_name_unique_in_unit"),
        )

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """An addressing group kept by the digital office (市直各部门, 各县区, 四套班子 …)."""

    name = models.CharField("分组名称", max_length=100, unique=True)
    description = models.CharField("说明", max_length=300, blank=True)
    units = models.ManyToManyField(Unit, related_name="groups", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("order", "name")

    def __str__(self) -> str:
        return self.name


# --- Requests of the unit lifecycle (S1 art. 8, 10) -------------------------------------


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审核"  # filed, waiting for the digital office
    APPROVED = "approved", "已办理"  # approved and carried out
    REJECTED = "rejected", "已退回"  # the digital office refused it, with a reason
    WITHDRAWN = "withdrawn", "已撤回"  # withdrawn by its filer, or void because the unit ended


# Rename and deregistration requests share one small machine: only a pending request moves.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.PENDING: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.WITHDRAWN}
    ),
    RequestStatus.APPROVED: frozenset(),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
}


class UnitApplication(models.Model):
    """The written registration application (登记申请) of an applied unit (S1 art. 8, 9)."""

    class Channel(models.TextChoices):
        PAPER = "paper", "市数字办录入纸质申请"
        SUPERIOR = "superior", "上级主管单位报送"

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="application")
    channel = models.CharField("申请方式", max_length=20, choices=Channel.choices)
    filed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    superior_opinion = models.TextField("上级主管部门意见")
    superior_signer = models.CharField("签署人", max_length=60)
    superior_signed_on = models.DateField("签署日期")
    leader_in_charge = models.CharField("分管领导", max_length=60, blank=True)
    planned_admin_name = models.CharField("拟任系统管理员姓名", max_length=60)
    planned_admin_post = models.CharField("拟任系统管理员职务", max_length=60, blank=True)
    planned_admin_phone = models.CharField("拟任系统管理员联系电话", max_length=40, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ("-filed_at", "-id")

    def __str__(self) -> str:
        return f"登记申请：{self.unit.full_name}"


class RenameRequest(models.Model):
    """名称变更 (S1 art. 10(1)): the unit's letter names the new system administrator and the
    people who keep their accounts; everyone else is listed for closing."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rename_requests")
    status = models.CharField(
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
    )
    old_full_name = models.CharField("原全称", max_length=200)
    old_short_name = models.CharField("原简称", max_length=60)
    new_full_name = models.CharField("新全称", max_length=200)
    new_short_name = models.CharField("新简称", max_length=60)
    new_agency_code = models.CharField("新机关代字", max_length=30, blank=True)
    letter_ref = models.CharField("来函文号", max_length=100, blank=True)
    new_admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="新系统管理员",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kept_people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    # Not on the letter's list: their accounts are disabled here; formal closing is accounts'.
    closing_people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField("意见", blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status="pending"),
                name="one_pending_rename_per_unit",
            ),
        )

    def __str__(self) -> str:
        return f"名称变更：{self.old_full_name} → {self.new_full_name}"

    def move_to(self, target: str) -> None:
        check_transition(
            REQUEST_TRANSITIONS, dict(RequestStatus.choices), self.status, target, "该名称变更申请"
        )
        self.status = target


class UnitMerge(models.Model):
    """One executed merge (S1 art. 10(3)): the sources are deregistered into the target."""

    class PeopleAction(models.TextChoices):
        MOVE = "move", "转入合并后单位"
        DISABLE = "disable", "停用账号"

    target = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="merges_in")
    sources = models.ManyToManyField(Unit, related_name="merges_out")
    target_is_new = models.BooleanField("合并后启用新名称", default=False)
    people_action = models.CharField(max_length=20, choices=PeopleAction.choices)
    # {"moved": [user ids], "disabled": [user ids]}: who went where, as executed.
    people_outcome = models.JSONField(default=dict)
    note = models.TextField("说明", blank=True)
    executed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField()

    class Meta:
        ordering = ("-executed_at", "-id")

    def __str__(self) -> str:
        return f"单位合并 → {self.target.full_name}"


class Deregistration(models.Model):
    """注销 (S1 art. 10(2)): requested by the unit or filed by the digital office, carried out
    by the digital office; records how the unit asked its documents to be disposed of."""

    class Disposal(models.TextChoices):
        TO_SUPERIOR = "to_superior", "移交上级主管单位"
        TO_MERGED = "to_merged", "移交合并后单位"
        ARCHIVE = "archive", "归档保存"
        DESTROY = "destroy", "销毁"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="deregistrations")
    status = models.CharField(
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
    )
    reason = models.TextField("注销原因")
    disposal = models.CharField("文件处理方式", max_length=20, choices=Disposal.choices)
    disposal_note = models.TextField("文件处理说明", blank=True)
    merge = models.ForeignKey(
        UnitMerge,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deregistrations",
    )
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status="pending"),
                name="one_pending_deregistration_per_unit",
            ),
        )

    def __str__(self) -> str:
        return f"注销：{self.unit.full_name}"

    def move_to(self, target: str) -> None:
        check_transition(
            REQUEST_TRANSITIONS, dict(RequestStatus.choices), self.status, target, "该注销申请"
        )
        self.status = target
