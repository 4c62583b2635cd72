"""audit_verify names the first row that was changed, deleted, inserted or reordered.

Every tamper here goes straight to the database (queryset.update / bulk_create / raw SQL),
the way someone with database access would, never through audit_record.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from wenshu.audit.chain import chain_hash
from wenshu.audit.models import AuditChainHead, AuditEvent
from wenshu.audit.tests.helpers import append, forge, row, shift_up_from, swap_ids, swap_seqs
from wenshu.audit.verify import chain_verify

pytestmark = pytest.mark.django_db


def run_command() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", "--no-record", stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_it_passes_an_intact_chain_and_counts_the_rows():
    append(12)
    report = chain_verify()
    assert report.ok and report.rows_checked == 12 and report.head_seq == 12
    code, out = run_command()
    assert code == 0
    assert "审计链完整：已校验 12 条记录" in out
    assert "AUDIT_CHAIN OK rows_checked=12" in out


def test_an_empty_chain_is_intact():
    report = chain_verify()
    assert report.ok and report.rows_checked == 0


def test_it_names_a_row_whose_content_was_changed():
    append(10)
    AuditEvent.objects.filter(seq=6).update(details={"i": 999})
    report = chain_verify()
    assert (report.ok, report.kind, report.first_bad_seq) == (False, "changed", 6)
    assert report.event_id == row(6).id and report.rows_checked == 5
    code, out = run_command()
    assert code == 1
    assert "第 6 条记录" in out and "被修改" in out
    assert "AUDIT_CHAIN BROKEN kind=changed seq=6" in out


@pytest.mark.parametrize(
    "field,value",
    [("actor_name", "别人"), ("result", "failed"), ("ip", "10.0.0.9"), ("action", "x.y")],
)
def test_any_chained_field_changed_is_found(field, value):
    append(5)
    AuditEvent.objects.filter(seq=3).update(**{field: value})
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("changed", 3)


def test_a_microsecond_moved_in_the_timestamp_is_found():
    append(4)
    e = row(2)
    moved = e.created_at.replace(microsecond=(e.created_at.microsecond + 1) % 10**6)
    AuditEvent.objects.filter(seq=2).update(created_at=moved)
    assert (chain_verify().kind, chain_verify().first_bad_seq) == ("changed", 2)


def test_a_changed_row_with_its_hash_recomputed_is_still_named():
    append(10)
    e = row(4)
    e.action = "account.login"
    new_hash = chain_hash(e.prev_hash, e)
    AuditEvent.objects.filter(seq=4).update(action="account.login", hash=new_hash)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("changed", 4)
    assert "哈希值被改写" in report.finding


def test_a_changed_last_row_with_its_hash_recomputed_disagrees_with_the_head():
    append(5)
    e = row(5)
    e.actor_name = "别人"
    AuditEvent.objects.filter(seq=5).update(actor_name="别人", hash=chain_hash(e.prev_hash, e))
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("changed", 5)


def test_a_changed_link_is_named_as_a_change():
    append(6)
    AuditEvent.objects.filter(seq=3).update(prev_hash="a" * 64)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("changed", 3)


def test_it_names_a_deleted_row():
    append(10)
    AuditEvent.objects.filter(seq=7).delete()
    report = chain_verify()
    assert not report.ok
    assert (report.kind, report.first_bad_seq, report.event_id) == ("deleted", 7, None)
    assert report.rows_checked == 6
    code, out = run_command()
    assert code == 1 and "第 7 条记录被删除" in out and "kind=deleted seq=7" in out


def test_it_names_the_first_of_several_deleted_rows():
    append(10)
    AuditEvent.objects.filter(seq__in=[3, 4, 5]).delete()
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("deleted", 3)
    assert "第 3–5 条记录被删除" in report.finding


def test_it_finds_rows_deleted_at_the_start():
    append(6)
    AuditEvent.objects.filter(seq__lte=2).delete()
    assert (chain_verify().kind, chain_verify().first_bad_seq) == ("deleted", 1)


def test_it_finds_rows_deleted_at_the_end():
    append(6)
    AuditEvent.objects.filter(seq__gte=5).delete()
    report = chain_verify()
    assert (report.kind, report.first_bad_seq, report.rows_checked) == ("deleted", 5, 4)


def test_it_finds_every_row_deleted():
    append(3)
    AuditEvent.objects.all().delete()
    assert (chain_verify().kind, chain_verify().first_bad_seq) == ("deleted", 1)


def test_it_names_a_row_appended_behind_the_heads_back():
    append(5)
    forge(6, row(5).hash, like=row(5))
    report = chain_verify()
    assert (report.kind, report.first_bad_seq, report.rows_checked) == ("inserted", 6, 5)
    code, out = run_command()
    assert code == 1 and "kind=inserted seq=6" in out and "被插入" in out


def test_it_names_a_well_forged_row_slipped_into_the_middle():
    append(10)
    shift_up_from(5)  # make room: rows 5..10 become 6..11
    forged = forge(5, row(4).hash, like=row(4))
    AuditChainHead.objects.filter(id=1).update(seq=11, hash=row(11).hash)  # a thorough forger
    report = chain_verify()
    assert (report.kind, report.first_bad_seq, report.event_id) == ("inserted", 5, forged.id)


def test_it_names_a_clumsily_forged_row_in_the_middle():
    append(10)
    shift_up_from(5)
    forged = forge(5, row(4).hash, like=row(4), valid_hash=False)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq, report.event_id) == ("inserted", 5, forged.id)


def test_it_names_two_forged_rows_by_the_first():
    append(8)
    shift_up_from(4)
    shift_up_from(4)
    first = forge(4, row(3).hash, like=row(3))
    forge(5, first.hash, like=row(3), action="forged.second")
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("inserted", 4)


def test_it_names_a_row_with_a_seq_outside_the_chain():
    append(4)
    forge(0, "0" * 64, like=row(1))
    report = chain_verify()
    assert (report.kind, report.first_bad_seq, report.rows_checked) == ("inserted", 0, 0)


def test_it_names_two_rows_swapped():
    append(10)
    moved_up = row(6)
    swap_seqs(5, 6)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq, report.event_id) == ("reordered", 5, moved_up.id)
    code, out = run_command()
    assert code == 1 and "kind=reordered seq=5" in out and "顺序被调换" in out


def test_it_names_two_distant_rows_swapped():
    append(10)
    swap_seqs(3, 8)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("reordered", 3)


def test_it_names_a_row_moved_to_the_end():
    append(10)
    moved = row(4)
    AuditEvent.objects.filter(seq=4).update(seq=500)
    report = chain_verify()
    assert (report.kind, report.event_id) == ("reordered", moved.id)
    assert "本应是第 4 条" in report.finding


def test_it_notices_rows_swapped_in_storage_order():
    append(8)
    swap_ids(4, 5)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("reordered", 4)


def test_a_missing_head_is_reported():
    append(3)
    AuditChainHead.objects.all().delete()
    report = chain_verify()
    assert not report.ok and report.kind == "deleted"


def test_it_finds_tampering_past_the_first_chunk(monkeypatch):
    monkeypatch.setattr("wenshu.audit.verify._CHUNK", 4)
    append(30)
    assert chain_verify().rows_checked == 30
    AuditEvent.objects.filter(seq=23).update(details={"i": -1})
    assert (chain_verify().kind, chain_verify().first_bad_seq) == ("changed", 23)
