"""Walk the audit chain and name the first row that was changed, deleted, inserted or reordered.

An honest chain has, from the base (GENESIS, or the last purged row) to the head:
consecutive seqs; each row's prev_hash equal to the hash stored on the row before it; each
row's hash equal to SM3(prev_hash ‖ canonical bytes); ids rising with seq (rows are inserted
while the head is locked); the head naming the last row; and a base that an `audit.purged`
event explains. The verifier streams the rows by seq and stops at the first row that breaks
one of these; only then does it look around (a few indexed queries) to tell the four cases
apart:

- changed: the row's own hash fails although its neighbours link to it — or its hash was
  rewritten to fit, and the next row still remembers the old one (a link to no row at all);
- deleted: a gap in the seqs, and the link that crosses the gap points to no row;
- inserted: a seq outside the chain (below the base, above the head), or a row the chain
  skips — the next row links past it to the row before it;
- reordered: a link (or a gap) points to a row that exists under another seq, or ids run
  against the seqs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from wenshu.audit.chain import chain_hash
from wenshu.audit.models import AuditChainHead, AuditEvent, AuditVerification

Kind = AuditVerification.Kind
PURGE_ACTION = "audit.purged"
_CHUNK = 2000


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows_checked: int
    kind: str = ""  # "" or an AuditVerification.Kind value
    first_bad_seq: int | None = None  # where the chain first goes wrong
    event_id: int | None = None  # database id of the named row, when it exists
    finding: str = ""  # Chinese sentence for people
    head_seq: int = 0
    head_hash: str = ""
    base_seq: int = 0

    def machine_line(self) -> str:
        if self.ok:
            return (
                f"AUDIT_CHAIN OK rows_checked={self.rows_checked} "
                f"base_seq={self.base_seq} head_seq={self.head_seq}"
            )
        parts = [
            f"AUDIT_CHAIN BROKEN kind={self.kind}",
            f"seq={self.first_bad_seq}",
            f"id={self.event_id}",
            f"rows_checked={self.rows_checked}",
            f"head_seq={self.head_seq}",
        ]
        return " ".join(parts)

    def summary(self) -> str:
        if self.ok:
            span = f"（序号 {self.base_seq + 1}–{self.head_seq}）" if self.rows_checked else ""
            return f"审计链完整：已校验 {self.rows_checked} 条记录{span}。"
        return f"审计链校验失败：{self.finding}已校验无误 {self.rows_checked} 条。"


def report_of(verification: AuditVerification) -> ChainReport:
    """A stored verification as a report (for the command's output)."""
    return ChainReport(
        ok=verification.ok,
        rows_checked=verification.rows_checked,
        kind=verification.kind,
        first_bad_seq=verification.first_bad_seq,
        event_id=verification.first_bad_id,
        finding=verification.finding,
        head_seq=verification.head_seq,
        head_hash=verification.head_hash,
        base_seq=verification.base_seq,
    )


class _Broken(Exception):
    def __init__(self, kind: str, seq: int | None, event_id: int | None, finding: str) -> None:
        super().__init__(finding)
        self.kind, self.seq, self.event_id, self.finding = kind, seq, event_id, finding


def _own_ok(row: AuditEvent) -> bool:
    return row.hash == chain_hash(row.prev_hash, row)


def _by_hash(value: str) -> AuditEvent | None:
    return AuditEvent.objects.filter(hash=value).first()


def _next_after(row: AuditEvent) -> AuditEvent | None:
    return AuditEvent.objects.filter(seq__gt=row.seq).order_by("seq").first()


def _label(row: AuditEvent) -> str:
    return f"第 {row.seq} 条记录（ID {row.id}，{row.action}）"


def _changed(row: AuditEvent, why: str) -> _Broken:
    return _Broken(Kind.CHANGED, row.seq, row.id, f"{_label(row)}被修改：{why}。")


def _inserted(row: AuditEvent, why: str) -> _Broken:
    return _Broken(Kind.INSERTED, row.seq, row.id, f"{_label(row)}是被插入的：{why}。")


def _reordered(row: AuditEvent, why: str) -> _Broken:
    return _Broken(Kind.REORDERED, row.seq, row.id, f"{_label(row)}的顺序被调换：{why}。")


def _deleted(first: int, last: int, why: str) -> _Broken:
    span = f"第 {first} 条记录" if first == last else f"第 {first}–{last} 条记录"
    return _Broken(Kind.DELETED, first, None, f"{span}被删除：{why}。")


def _skipped_by_next(row: AuditEvent, expected_prev: str) -> bool:
    """The next row links to the row before `row`: the chain passes `row` by."""
    nxt = _next_after(row)
    return nxt is not None and (nxt.prev_hash == expected_prev or nxt.id < row.id)


def _classify_gap(row: AuditEvent, missing: int) -> _Broken:
    moved = _by_hash(row.prev_hash)
    if moved is not None and moved.seq > row.seq:
        return _reordered(moved, f"它本应是第 {missing} 条，现在位于第 {moved.seq} 位")
    why = f"序号在第 {row.seq} 条之前中断，其链接指向的记录已不存在"
    return _deleted(missing, row.seq - 1, why)


def _classify_bad_link(row: AuditEvent, prev: AuditEvent | None, expected_prev: str) -> _Broken:
    if prev is not None and row.prev_hash == prev.prev_hash:
        return _inserted(prev, f"其后的第 {row.seq} 条记录越过它，链接到它之前的记录")
    target = _by_hash(row.prev_hash)
    if target is not None and target.seq > row.seq:
        return _reordered(row, f"它链接的前一条记录现在位于其后的第 {target.seq} 位")
    if target is not None:
        foreign = _next_after(target)
        assert foreign is not None  # `row` itself comes after target
        return _inserted(foreign, f"第 {row.seq} 条记录越过它，链接到第 {target.seq} 条")
    if not _own_ok(row) and _skipped_by_next(row, expected_prev):
        return _inserted(row, "它的链接与哈希均不属于本链，下一条记录越过了它")
    if prev is not None and _own_ok(row):
        return _changed(prev, f"其哈希值被改写，与第 {row.seq} 条记录保存的链接不符")
    return _changed(row, "它保存的前一条链接值被改动")


def _classify_bad_hash(row: AuditEvent, expected_prev: str) -> _Broken:
    if _skipped_by_next(row, expected_prev):
        return _inserted(row, "下一条记录越过它，链接到它之前的记录")
    return _changed(row, "内容与其哈希值不符")


def _check_row(
    row: AuditEvent, prev: AuditEvent | None, seq: int, prev_hash: str, head: AuditChainHead
) -> None:
    if row.seq < seq:
        raise _inserted(row, f"序号不在链内（链从第 {head.base_seq + 1} 条开始）")
    if row.seq > seq:
        raise _classify_gap(row, seq)
    if row.prev_hash != prev_hash:
        raise _classify_bad_link(row, prev, prev_hash)
    if not _own_ok(row):
        raise _classify_bad_hash(row, prev_hash)


def _check_id_order(rows: list[AuditEvent]) -> None:
    """rows = the last three by seq; ids must rise with seq (inserted under the head lock)."""
    *before, prev, row = rows
    if row.id > prev.id:
        return
    odd = prev if not before or row.id > before[0].id else row
    raise _reordered(odd, "数据库中的写入次序（ID）与链的序号不一致")


def _check_base(head: AuditChainHead) -> None:
    """A moved base must be explained by the latest (intact) audit.purged event."""
    if head.base_seq == 0:
        return
    purge = AuditEvent.objects.filter(action=PURGE_ACTION).order_by("-seq").first()
    if purge is not None and not _own_ok(purge):
        return  # the walk names the changed purge record
    details = purge.details if purge is not None else {}
    if details.get("base_seq") == head.base_seq and details.get("base_hash") == head.base_hash:
        return
    legit = int(details.get("base_seq") or 0)
    if head.base_seq <= legit:
        raise _Broken(Kind.CHANGED, head.base_seq + 1, None, "链头记录中保存的链起点被改动。")
    raise _deleted(legit + 1, head.base_seq, "链起点被移到了这里，但没有相应的审计记录清理记录")


def _load_head() -> AuditChainHead | None:
    return AuditChainHead.objects.filter(id=1).first()


def _stream() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=_CHUNK)


def _check_tail(head: AuditChainHead, last: AuditEvent | None) -> None:
    last_seq = last.seq if last is not None else head.base_seq
    if last_seq < head.seq:
        raise _deleted(last_seq + 1, head.seq, "链尾记录缺失（链头记录的最后序号更大）")
    if last is not None and last.hash != head.hash:
        raise _changed(last, "其哈希值与链头记录保存的值不符")


class _Walker:
    """Streams the rows by seq; `checked` counts the rows found sound before a break."""

    def __init__(self, head: AuditChainHead) -> None:
        self.head = head
        self.checked = 0

    def run(self) -> None:
        head = self.head
        _check_base(head)
        seq, prev_hash = head.base_seq + 1, head.base_hash
        recent: list[AuditEvent] = []
        for row in _stream():
            if row.seq > head.seq:
                head.refresh_from_db()  # appended after we read the head?
                if row.seq > head.seq:
                    raise _inserted(row, f"序号超出链尾（链头记录的最后序号为 {head.seq}）")
            _check_row(row, recent[-1] if recent else None, seq, prev_hash, head)
            recent = [*recent[-2:], row]
            if len(recent) > 1:
                _check_id_order(recent)
            seq, prev_hash = row.seq + 1, row.hash
            self.checked += 1
        self._check_end(recent[-1] if recent else None)

    def _check_end(self, last: AuditEvent | None) -> None:
        head = self.head
        head.refresh_from_db()
        if last is not None and last.seq < head.seq:
            # Without a snapshot (SQLite) rows may have been appended while we walked.
            last = AuditEvent.objects.filter(seq__lte=head.seq).order_by("-seq").first() or last
        _check_tail(head, last)


def _report(head: AuditChainHead) -> ChainReport:
    walker = _Walker(head)
    try:
        walker.run()
    except _Broken as broken:
        return ChainReport(
            ok=False,
            rows_checked=walker.checked,
            kind=str(broken.kind),
            first_bad_seq=broken.seq,
            event_id=broken.event_id,
            finding=broken.finding,
            head_seq=head.seq,
            head_hash=head.hash,
            base_seq=head.base_seq,
        )
    return ChainReport(
        ok=True,
        rows_checked=walker.checked,
        head_seq=head.seq,
        head_hash=head.hash,
        base_seq=head.base_seq,
    )


def _verify_once() -> ChainReport:
    head = _load_head()
    if head is None:
        if not AuditEvent.objects.exists():
            return ChainReport(ok=True, rows_checked=0)
        return ChainReport(ok=False, rows_checked=0, kind=Kind.DELETED, finding="链头记录缺失。")
    start_base = head.base_seq
    report = _report(head)
    if not report.ok:
        again = _load_head()
        if again is not None and again.base_seq != start_base:
            return _report(again)  # a purge moved the base while we walked: look again
    return report


def chain_verify() -> ChainReport:
    """Verify the whole chain. On PostgreSQL (outside a transaction) it reads one snapshot."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _verify_once()
    return _verify_once()
