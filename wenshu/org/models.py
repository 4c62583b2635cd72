"""Registered units (使用单位), their name history, departments and addressing groups."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q


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
        APPLIED = "applied", "申请中"          # filed with the superior's opinion
        REJECTED = "rejected", "未通过"        # the digital office declined the application
        REGISTERED = "registered", "已注册"    # in the exchange directory, may log in
        DEREGISTERED = "deregistered", "已注销"  # out of the directory, people disabled

    # The city digital office (市数字办) runs the system; exactly one unit has this flag.
    is_digital_office = models.BooleanField(default=False)
    full_name = models.CharField("单位全称", max_length=200)
    short_name = models.CharField("单位简称", max_length=60)
    agency_code = models.CharField("机关代字", max_length=30, blank=True)
    superior = models.ForeignKey(
        "self", verbose_name="上级主管单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="subordinates",
    )
    kind = models.CharField("单位类别", max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    in_directory = models.BooleanField("在交换目录中", default=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    deregistered_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["full_name"],
                condition=~Q(status__in=["rejected", "deregistered"]),
                name="unit_live_full_name_unique",
            ),
            models.UniqueConstraint(
                fields=["is_digital_office"], condition=Q(is_digital_office=True),
                name="one_digital_office",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_registered(self) -> bool:
        return self.status == self.Status.REGISTERED

    def name_at(self, when: datetime) -> str:
        """The full name the unit had at `when` (history is never rewritten)."""
        record = (
            self.names.filter(valid_from__lte=when)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=when))
            .order_by("-valid_from")
            .first()
        )
        return record.full_name if record else self.full_name


class UnitName(models.Model):
    """One period of a unit's name: [valid_from, valid_to)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names")
    full_name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    agency_code = models.CharField(max_length=30, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_to__isnull=True), name="one_current_name",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Department(models.Model):
    """An internal department (处室/科室) of a unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("部门名称", max_length=100)
    phone = models.CharField("办公电话", max_length=40, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["unit_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_name_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.name


class UnitGroup(models.Model):
    """An addressing group kept by the digital office (市直各部门, 各县区, 四套班子 …)."""

    name = models.CharField("分组名称", max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    units = models.ManyToManyField(Unit, related_name="groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
