"""Office-automation equipment of a unit (S3 设备管理办法; S2 第八条、第九条).

The register is the unit's state property, managed and dispatched by its office (办公室): the
unit's system administrators and the equipment managers they appoint (AssetManager). Each
request (repair, loan, internet connection) has its own small state machine; each table of
allowed transitions sits right after its model.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenshu.org.models import check_transition

_USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    COMPUTER = "computer", "计算机"
    COPIER = "copier", "复印机"
    PRINTER = "printer", "打印机"
    FAX = "fax", "传真机"
    DUPLICATOR = "duplicator", "速印机"
    SCANNER = "scanner", "扫描仪"
    NETWORK = "network", "网络设备"
    OTHER = "other", "其他"


class AssetManager(models.Model):
    """A person the unit's system administrator appointed to act as the office for equipment."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="asset_manager_of")
    appointed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("unit_id", "id")
        constraints = (
            models.UniqueConstraint(fields=["unit", "person"], name="asset_manager_unique"),
        )

    def __str__(self) -> str:
        return f"设备管理员 {self.person_id}@{self.unit_id}"


class Asset(models.Model):
    class Status(models.TextChoices):
        IN_USE = "in_use", "在用"  # assigned to a department or a custodian
        IN_STOCK = "in_stock", "在库"  # kept by the office, not assigned
        UNDER_REPAIR = "under_repair", "维修中"  # a repair the office arranged is under way
        ON_LOAN = "on_loan", "外借中"  # lent to another unit with the office's approval
        RETIRED = "retired", "已报废"  # final: nothing more happens to it
        MISSING = "missing", "盘亏"  # not found at a stock-take

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    asset_number = models.CharField("资产编号", max_length=60)
    category = models.CharField("设备类别", max_length=20, choices=Category.choices)
    model = models.CharField("品牌型号", max_length=120)
    serial_number = models.CharField("序列号", max_length=120, blank=True)
    purchase_date = models.DateField("购置日期")
    purchase_value = models.DecimalField("原值（元）", max_digits=14, decimal_places=2)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="使用部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    custodian = models.ForeignKey(
        _USER,
        verbose_name="保管人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.CharField("存放地点", max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_STOCK)
    # S2 第八条: equipment installed for the OA system is for OA work only.
    is_oa_equipment = models.BooleanField("办公自动化专用", default=True)
    # S2 第九条: set only by an approved internet request, with the antivirus in place.
    internet_approved = models.BooleanField("已批准接入互联网", default=False)
    internet_approved_at = models.DateTimeField("联网批准时间", null=True, blank=True)
    antivirus_product = models.CharField("杀毒软件", max_length=120, blank=True)
    antivirus_version = models.CharField("杀毒软件版本", max_length=60, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retire_reason = models.CharField("报废原因", max_length=300, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("unit_id", "asset_number")
        constraints = (
            models.UniqueConstraint(fields=["unit", "asset_number"], name="asset_number_unique"),
            models.CheckConstraint(
                condition=Q(purchase_value__gte=0), name="asset_value_not_negative"
            ),
        )

    def __str__(self) -> str:
        return f"{self.asset_number} {self.get_category_display()} {self.model}"

    def move_to(self, target: str) -> None:
        """Change status through the transitions table (the caller saves and audits)."""
        check_transition(
            ASSET_TRANSITIONS,
            dict(self.Status.choices),
            self.status,
            target,
            f"设备 {self.asset_number} ",
        )
        self.status = target

    @property
    def is_computer(self) -> bool:
        return self.category == Category.COMPUTER


S = Asset.Status
# Back from repair or loan goes to in_use when it still has a department or custodian,
# otherwise to in_stock; a retired asset is final (报废后不能再调配、外借或维修).
ASSET_TRANSITIONS: dict[str, frozenset[str]] = {
    S.IN_STOCK: frozenset({S.IN_USE, S.UNDER_REPAIR, S.ON_LOAN, S.RETIRED, S.MISSING}),
    S.IN_USE: frozenset({S.IN_USE, S.IN_STOCK, S.UNDER_REPAIR, S.ON_LOAN, S.RETIRED, S.MISSING}),
    S.UNDER_REPAIR: frozenset({S.IN_USE, S.IN_STOCK, S.RETIRED}),
    S.ON_LOAN: frozenset({S.IN_USE, S.IN_STOCK, S.MISSING}),
    S.MISSING: frozenset({S.IN_USE, S.IN_STOCK, S.RETIRED}),
    S.RETIRED: frozenset(),
}


class AssetMove(models.Model):
    """One line of an asset's custody history: assignment, reallocation, return to stock."""

    class Kind(models.TextChoices):
        REGISTER = "register", "登记"
        ASSIGN = "assign", "领用"  # from stock to a department or person
        REALLOCATE = "reallocate", "调配"  # between departments (S3 第五条)
        CUSTODIAN = "custodian", "更换保管人"  # same department, another person or place
        STOCK = "stock", "收回入库"
        IMPORT = "import", "导入更新"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="moves")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_custodian = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_custodian = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_location = models.CharField(max_length=120, blank=True)
    to_location = models.CharField(max_length=120, blank=True)
    reason = models.CharField("事由", max_length=300, blank=True)
    moved_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ("asset_id", "moved_at", "id")

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind} {self.moved_at:%Y-%m-%d}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待办公室审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "未同意"
    WITHDRAWN = "withdrawn", "已撤回"
    CANCELLED = "cancelled", "已作废"  # the asset was retired while the request was open
    COMPLETED = "completed", "已修复"  # repair: the repair record is in
    LENT = "lent", "已借出"  # loan: handed over
    RETURNED = "returned", "已归还"  # loan: back
    REVOKED = "revoked", "已撤销"  # internet: the approval was revoked


R = RequestStatus
OPEN_REPAIR = (R.PENDING, R.APPROVED)
OPEN_LOAN = (R.PENDING, R.APPROVED, R.LENT)
OPEN_INTERNET = (R.PENDING, R.APPROVED)


class _Request(models.Model):
    """What every request shares: who asked, and the office's decision."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=R.PENDING)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("办公室意见", max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ("-requested_at", "-id")

    def move_to(self, target: str, table: dict[str, frozenset[str]], what: str) -> None:
        check_transition(table, dict(RequestStatus.choices), self.status, target, what)
        self.status = target


class RepairRequest(_Request):
    """S3 第四条: a fault is reported to the office, which organises the repair."""

    fault = models.CharField("故障现象", max_length=500)
    cause = models.CharField("损坏程度和原因", max_length=500, blank=True)
    direct = models.BooleanField(default=False)  # recorded by the office without a request
    vendor = models.CharField("维修单位", max_length=120, blank=True)
    work_done = models.CharField("维修内容", max_length=500, blank=True)
    cost = models.DecimalField(
        "维修费用（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    repaired_on = models.DateField("维修日期", null=True, blank=True)
    completed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta(_Request.Meta):
        constraints = (
            models.UniqueConstraint(
                fields=["asset"], condition=Q(status__in=OPEN_REPAIR), name="one_open_repair"
            ),
        )

    def __str__(self) -> str:
        return f"报修 {self.pk}"


REPAIR_TRANSITIONS: dict[str, frozenset[str]] = {
    R.PENDING: frozenset({R.APPROVED, R.REJECTED, R.WITHDRAWN, R.CANCELLED}),
    R.APPROVED: frozenset({R.COMPLETED, R.CANCELLED}),
}


class LoanRequest(_Request):
    """S3 第五条: no equipment is lent to another unit without the office's consent."""

    borrower_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    borrower_contact = models.CharField("借用单位联系人及电话", max_length=120)
    purpose = models.CharField("借用事由", max_length=500)
    due_date = models.DateField("约定归还日期")
    lent_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lent_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_note = models.CharField("归还情况", max_length=300, blank=True)

    class Meta(_Request.Meta):
        constraints = (
            models.UniqueConstraint(
                fields=["asset"], condition=Q(status__in=OPEN_LOAN), name="one_open_loan"
            ),
        )

    def __str__(self) -> str:
        return f"外借 {self.pk}"


LOAN_TRANSITIONS: dict[str, frozenset[str]] = {
    R.PENDING: frozenset({R.APPROVED, R.REJECTED, R.WITHDRAWN, R.CANCELLED}),
    R.APPROVED: frozenset({R.LENT, R.WITHDRAWN, R.CANCELLED}),
    R.LENT: frozenset({R.RETURNED}),
}


class LoanReminder(models.Model):
    """One overdue reminder per loan per (Asia/Shanghai) day: the task may run many times."""

    loan = models.ForeignKey(LoanRequest, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["loan", "day"], name="one_loan_reminder_a_day"),
        )

    def __str__(self) -> str:
        return f"{self.loan_id}@{self.day}"


class InternetRequest(_Request):
    """S2 第九条: an OA computer joins the internet only with approval and genuine antivirus."""

    justification = models.CharField("接入理由", max_length=500)
    antivirus_product = models.CharField("杀毒软件", max_length=120, blank=True)
    antivirus_version = models.CharField("杀毒软件版本", max_length=60, blank=True)
    revoked_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=300, blank=True)

    class Meta(_Request.Meta):
        constraints = (
            models.UniqueConstraint(
                fields=["asset"], condition=Q(status__in=OPEN_INTERNET), name="one_open_internet"
            ),
        )

    def __str__(self) -> str:
        return f"联网申请 {self.pk}"


INTERNET_TRANSITIONS: dict[str, frozenset[str]] = {
    R.PENDING: frozenset({R.APPROVED, R.REJECTED, R.WITHDRAWN, R.CANCELLED}),
    R.APPROVED: frozenset({R.REVOKED}),
}


class StockTake(models.Model):
    """盘点: the office opens it, people record what they find, closing lists differences."""

    class Status(models.TextChoices):
        OPEN = "open", "盘点中"
        CLOSED = "closed", "已结束"

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("盘点名称", max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen at closing so the report stays what it was: asset ids found, missing, elsewhere
    # (on loan or under repair), and the codes found that are not in the register.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="open"), name="one_open_stocktake"
            ),
        )

    def __str__(self) -> str:
        return self.title


STOCKTAKE_TRANSITIONS: dict[str, frozenset[str]] = {
    StockTake.Status.OPEN: frozenset({StockTake.Status.CLOSED}),
}


class StockTakeEntry(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", "完好"
        DAMAGED = "damaged", "损坏"
        IDLE = "idle", "闲置"

    stocktake = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField("资产编号", max_length=60)  # as typed or scanned
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    location = models.CharField("实际存放地点", max_length=120, blank=True)
    condition = models.CharField(
        "状况", max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("stocktake_id", "recorded_at", "id")
        constraints = (
            models.UniqueConstraint(fields=["stocktake", "code"], name="stocktake_code_once"),
        )

    def __str__(self) -> str:
        return f"{self.stocktake_id}:{self.code}"
