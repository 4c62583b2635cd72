"""Building chains and tampering with them directly in the database (bypassing the service)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from wenshu.audit.chain import chain_hash
from wenshu.audit.models import AuditChainHead, AuditEvent
from wenshu.audit.services import audit_record


def append(
    n: int, *, actor: Any = None, action: str = "test.event", **kwargs: Any
) -> list[AuditEvent]:
    return [audit_record(actor=actor, action=action, details={"i": i}, **kwargs) for i in range(n)]


def row(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(seq=seq)


def head() -> AuditChainHead:
    return AuditChainHead.objects.get(id=1)


def forge(
    seq: int,
    prev_hash: str,
    *,
    like: AuditEvent,
    action: str = "forged.event",
    valid_hash: bool = True,
) -> AuditEvent:
    """A row written straight into the table, with a correct hash when `valid_hash`."""
    fake = AuditEvent(
        seq=seq,
        created_at=like.created_at,
        actor_id=None,
        actor_name="伪造者",
        unit_id=None,
        action=action,
        result="ok",
        details={"forged": True},
        prev_hash=prev_hash,
    )
    fake.hash = chain_hash(prev_hash, fake) if valid_hash else "f" * 64
    AuditEvent.objects.bulk_create([fake])
    return AuditEvent.objects.get(seq=seq)


def shift_up_from(seq: int) -> None:
    """Make room at `seq` by moving it and every later row one place up (seq + 1)."""
    for s in AuditEvent.objects.filter(seq__gte=seq).order_by("-seq").values_list("seq", flat=True):
        AuditEvent.objects.filter(seq=s).update(seq=s + 1)


def swap_seqs(a: int, b: int) -> None:
    AuditEvent.objects.filter(seq=a).update(seq=-999)
    AuditEvent.objects.filter(seq=b).update(seq=a)
    AuditEvent.objects.filter(seq=-999).update(seq=b)


def swap_ids(a: int, b: int) -> None:
    sql = "UPDATE audit_auditevent SET id = %s WHERE id = %s"
    id_a, id_b = row(a).id, row(b).id
    with connection.cursor() as cursor:
        cursor.execute(sql, [-999, id_a])
        cursor.execute(sql, [id_a, id_b])
        cursor.execute(sql, [id_b, -999])
