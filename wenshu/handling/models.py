"""收文办理 (S1 art. 17): a signed-for delivery imported into the unit's shouwen flow, its 承办
departments with deadlines, 传阅 with read receipts, the 归档 record (DA/T 22-2015 档号),
delegations (代办人) and the check-in reminders sent at each window's start."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

_USER = settings.AUTH_USER_MODEL


class Handling(models.Model):
    """One delivery's internal handling (one per delivery)."""

    class Status(models.TextChoices):
        HANDLING = "handling", "办理中"
        ARCHIVED = "archived", "已归档"
        CANCELLED = "cancelled", "已撤销"

    delivery = models.OneToOneField(
        "exchange.Delivery", on_delete=models.PROTECT, related_name="handling"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    process_id = models.PositiveBigIntegerField("流程编号")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.HANDLING)
    imported_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        ordering = ("-imported_at", "-id")
        verbose_name = "收文办理"
        indexes = (models.Index(fields=["unit", "status", "-imported_at"]),)

    def __str__(self) -> str:
        return f"收文办理：{self.delivery_id}"

    def move_to(self, target: str) -> None:
        from wenshu.exchange.models import check_transition

        check_transition(
            HANDLING_TRANSITIONS, dict(self.Status.choices), self.status, target, "该收文办理"
        )
        self.status = target


HANDLING_TRANSITIONS: dict[str, frozenset[str]] = {
    Handling.Status.HANDLING: frozenset({Handling.Status.ARCHIVED, Handling.Status.CANCELLED}),
    Handling.Status.ARCHIVED: frozenset(),
    Handling.Status.CANCELLED: frozenset(),
}


class Assignment(models.Model):
    """承办: one department asked to handle the document by a deadline (督办/催办)."""

    handling = models.ForeignKey(Handling, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    due = models.DateField("办理期限")
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    # The last 催办 date: one reminder per day, claimed with a conditional UPDATE.
    reminded_on = models.DateField("最近催办日期", null=True, blank=True)
    remind_count = models.PositiveIntegerField("催办次数", default=0)

    class Meta:
        ordering = ("due", "id")
        verbose_name = "承办部门"
        constraints = (
            models.UniqueConstraint(
                fields=["handling", "department"], name="handling_assignment_once"
            ),
        )

    def __str__(self) -> str:
        return f"承办：{self.department_id}（{self.due}）"


class Circulation(models.Model):
    """传阅: the document passed to one reader; read_at is the read receipt."""

    handling = models.ForeignKey(Handling, on_delete=models.CASCADE, related_name="circulations")
    reader = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField("传阅时间")
    read_at = models.DateTimeField("阅知时间", null=True, blank=True)

    class Meta:
        ordering = ("sent_at", "id")
        verbose_name = "传阅"
        constraints = (
            models.UniqueConstraint(fields=["handling", "reader"], name="circulation_once"),
        )

    def __str__(self) -> str:
        return f"传阅：{self.reader_id}"


class FondsCode(models.Model):
    """全宗号 of a unit (DA/T 22-2015); default Z + the unit's number, set by its administrator."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("全宗号", max_length=10)

    def __str__(self) -> str:
        return self.code


class DepartmentCode(models.Model):
    """机构（问题）代码 of a department, remembered from its first archiving."""

    department = models.OneToOneField("org.Department", on_delete=models.CASCADE, related_name="+")
    code = models.CharField("机构代码", max_length=10)

    def __str__(self) -> str:
        return self.code


class ArchiveCounter(models.Model):
    """The last 件号 per unit, year and 保管期限 (locked with select_for_update)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    retention = models.CharField(max_length=10)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "year", "retention"], name="archive_counter_once"
            ),
        )

    def __str__(self) -> str:
        return f"{self.unit_id}-{self.year}-{self.retention}: {self.last}"


class ArchiveRecord(models.Model):
    """归档: the 档号 and the 归档章 fields (全宗号、年度、保管期限、件号、机构、页数)."""

    class Retention(models.TextChoices):
        PERMANENT = "永久", "永久"
        D30 = "D30", "定期30年"
        D10 = "D10", "定期10年"

    handling = models.OneToOneField(Handling, on_delete=models.PROTECT, related_name="archive")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    archive_code = models.CharField("档号", max_length=60, unique=True)
    fonds = models.CharField("全宗号", max_length=10)
    category = models.CharField("门类代码", max_length=4, default="WS")
    year = models.PositiveIntegerField("年度")
    retention = models.CharField("保管期限", max_length=10, choices=Retention.choices)
    org_code = models.CharField("机构代码", max_length=10)
    piece_no = models.PositiveIntegerField("件号")
    pages = models.PositiveIntegerField("页数", default=1)
    archived_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived_at = models.DateTimeField("归档时间")

    class Meta:
        verbose_name = "归档记录"
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "year", "retention", "piece_no"], name="archive_piece_once"
            ),
        )

    def __str__(self) -> str:
        return self.archive_code


class Delegation(models.Model):
    """代办人 (S1 art. 17): `delegate` acts for `principal` from starts_at to ends_at.

    It ends by itself: every check compares the period with the current time."""

    principal = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="delegations_out")
    delegate = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="delegations_in")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    reason = models.CharField("事由", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        ordering = ("-starts_at", "-id")
        verbose_name = "代办委托"
        indexes = (models.Index(fields=["delegate", "ends_at"]),)
        constraints = (
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="delegation_period"
            ),
            models.CheckConstraint(
                condition=~Q(principal=F("delegate")), name="delegation_not_self"
            ),
        )

    def __str__(self) -> str:
        return f"代办：{self.delegate_id}（代{self.principal_id}）"


class CheckinReminder(models.Model):
    """One reminder per unit, date and check-in window (the unique row: idempotent task)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    window = models.CharField(max_length=20)
    pending = models.PositiveIntegerField("未签收件数")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ("-sent_at",)
        constraints = (
            models.UniqueConstraint(fields=["unit", "date", "window"], name="checkin_once"),
        )

    def __str__(self) -> str:
        return f"签收提醒：{self.unit_id} {self.date} {self.window}"
