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
        ordering = ["seq"]
        indexes = [models.Index(fields=["action", "created_at"])]

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
