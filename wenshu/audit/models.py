"""The append-only audit log, chained with SM3 so that any change shows.

Rows carry plain ids and name snapshots instead of foreign keys: the log must outlive (and
never cascade with) the people and units it names.
"""

from __future__ import annotations

from django.db import models

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    class Result(models.TextChoices):
        OK = "ok", "成功"
        REFUSED = "refused", "被拒绝"
        FAILED = "failed", "失败"

    seq = models.BigIntegerField(unique=True)  # position in the chain, 1, 2, 3 … without gaps
    created_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_name = models.CharField(max_length=150, blank=True)
    on_behalf_of_id = models.BigIntegerField(null=True)  # the person a delegate acted for
    on_behalf_of_name = models.CharField(max_length=150, blank=True)
    unit_id = models.BigIntegerField(null=True, db_index=True)
    unit_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.OK)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]  # noqa: RUF012  (as first migrated)
        indexes = [models.Index(fields=["action", "created_at"])]  # noqa: RUF012

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.actor_name}"


class AuditChainHead(models.Model):
    """One row: the last seq and hash. Appending locks it, so the chain has one writer."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # After a purge the chain starts after these (the purged rows' last seq and hash).
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"链头 #{self.seq}（起点 #{self.base_seq}）"


class AuditVerification(models.Model):
    """One run of the chain verification (daily task or audit_verify): the chain's status."""

    class Kind(models.TextChoices):
        CHANGED = "changed", "被修改"
        DELETED = "deleted", "被删除"
        INSERTED = "inserted", "被插入"
        REORDERED = "reordered", "顺序被调换"

    ran_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    rows_checked = models.BigIntegerField(default=0)
    first_bad_seq = models.BigIntegerField(null=True, blank=True)
    first_bad_id = models.BigIntegerField(null=True, blank=True)  # the named row's database id
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    finding = models.TextField(blank=True)  # the Chinese sentence shown to people
    # The head seen by this run: an anchor an operator may copy out of the database.
    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    base_seq = models.BigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-ran_at", "-id")

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M} {'完整' if self.ok else '异常'}"


class SecurityAlert(models.Model):
    """Something the security administrator must look at (a broken chain, a cloned key …).

    Plain ids and name snapshots, like AuditEvent: the audit app sits below accounts and org.
    """

    class Severity(models.TextChoices):
        INFO = "info", "提示"
        WARNING = "warning", "警告"
        CRITICAL = "critical", "严重"

    kind = models.CharField(max_length=60, db_index=True)  # e.g. audit_chain_broken, key_cloned
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.CRITICAL)
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True)
    unit_name = models.CharField(max_length=200, blank=True)
    # Raising the same (kind, dedupe_key) again while one is open returns the open one.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)
    acknowledged_by_id = models.BigIntegerField(null=True, blank=True)
    acknowledged_by_name = models.CharField(max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledge_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"],
                condition=models.Q(acknowledged_at__isnull=True) & ~models.Q(dedupe_key=""),
                name="security_alert_one_open_per_key",
            ),
        )
        indexes = (
            models.Index(
                fields=["created_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="security_alert_open",
            ),
        )

    def __str__(self) -> str:
        return f"[{self.get_severity_display()}] {self.message}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
