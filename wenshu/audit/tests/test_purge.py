"""Purging old audit rows: refused inside the legal retention period, chain still verifies after."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from wenshu.audit.models import AuditChainHead, AuditEvent
from wenshu.audit.services import audit_purge
from wenshu.audit.tests.helpers import append, head
from wenshu.audit.verify import chain_verify
from wenshu.lib.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_new():
    """5 rows from 400 days ago, 3 from 300 days ago, 4 from today."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=400), tick=True):
        append(5, action="old.event")
    with time_machine.travel(now - timedelta(days=300), tick=True):
        append(3, action="middle.event")
    append(4, action="new.event")
    return now


def _date(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def test_it_refuses_to_purge_rows_younger_than_180_days(old_and_new):
    with pytest.raises(DomainError) as refused:
        audit_purge(before=_date(100), operator="tester")
    assert "网络安全法》第二十一条" in refused.value.message and "六个月" in refused.value.message
    assert "GB/T 22239" in refused.value.message
    assert AuditEvent.objects.count() == 12 and head().base_seq == 0


def test_it_refuses_a_date_just_inside_the_period(old_and_new):
    with pytest.raises(DomainError):
        audit_purge(before=_date(179), operator="tester")


def test_it_purges_old_rows_and_moves_the_chain_base(old_and_new):
    last_old = AuditEvent.objects.get(seq=5)
    result = audit_purge(before=_date(350), operator="tester")
    assert (result.deleted, result.from_seq, result.to_seq, result.base_seq) == (5, 1, 5, 5)
    assert not AuditEvent.objects.filter(action="old.event").exists()
    assert (head().base_seq, head().base_hash) == (5, last_old.hash)
    report = chain_verify()
    assert report.ok and report.rows_checked == 8  # 3 middle + 4 new + the purge record


def test_the_purge_itself_is_audited(old_and_new):
    audit_purge(before=_date(350), operator="值班员")
    event = AuditEvent.objects.get(action="audit.purged")
    assert event.details["deleted"] == 5 and event.details["operator"] == "值班员"
    assert event.details["base_seq"] == 5 and event.details["from_seq"] == 1


def test_a_second_purge_moves_the_base_again(old_and_new):
    audit_purge(before=_date(350), operator="a")
    result = audit_purge(before=_date(200), operator="b")
    assert (result.deleted, result.from_seq, result.to_seq) == (3, 6, 8)
    assert chain_verify().ok and head().base_seq == 8


def test_purging_when_nothing_is_old_enough_deletes_nothing_and_still_verifies():
    append(3)
    result = audit_purge(before=_date(200), operator="tester")
    assert result.deleted == 0 and AuditEvent.objects.count() == 4
    assert chain_verify().ok


def test_it_refuses_to_purge_a_broken_chain(old_and_new):
    AuditEvent.objects.filter(seq=2).update(action="hidden")
    with pytest.raises(Conflict) as refused:
        audit_purge(before=_date(350), operator="tester")
    assert "第 2 条记录" in refused.value.message
    assert AuditEvent.objects.count() == 12


def test_old_rows_deleted_without_a_purge_are_found_even_if_the_base_was_moved(old_and_new):
    fifth = AuditEvent.objects.get(seq=5)
    AuditEvent.objects.filter(seq__lte=5).delete()
    AuditChainHead.objects.filter(id=1).update(base_seq=5, base_hash=fifth.hash)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("deleted", 1)
    assert "没有相应的审计记录清理记录" in report.finding


def test_a_base_moved_further_than_the_last_purge_is_found(old_and_new):
    audit_purge(before=_date(350), operator="a")
    eighth = AuditEvent.objects.get(seq=8)
    AuditEvent.objects.filter(seq__lte=8).delete()
    AuditChainHead.objects.filter(id=1).update(base_seq=8, base_hash=eighth.hash)
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("deleted", 6)


def test_a_row_inserted_below_the_base_is_found(old_and_new):
    from wenshu.audit.tests.helpers import forge

    audit_purge(before=_date(350), operator="a")
    forge(3, "0" * 64, like=AuditEvent.objects.get(seq=6))
    report = chain_verify()
    assert (report.kind, report.first_bad_seq) == ("inserted", 3)


def test_the_command_purges_and_reports(old_and_new):
    out = io.StringIO()
    call_command(
        "audit_purge", "--before", _date(350).isoformat(), "--operator", "值班员", stdout=out
    )
    assert "已清理" in out.getvalue() and "5 条" in out.getvalue()
    assert chain_verify().ok


def test_the_command_refuses_young_rows_and_audits_the_refusal(old_and_new):
    with pytest.raises(CommandError) as refused:
        call_command("audit_purge", "--before", _date(30).isoformat())
    assert "第二十一条" in str(refused.value)
    event = AuditEvent.objects.get(action="audit.purge_refused")
    assert event.result == "refused" and AuditEvent.objects.filter(action="old.event").count() == 5


def test_the_command_refuses_a_malformed_date(db):
    with pytest.raises(CommandError) as refused:
        call_command("audit_purge", "--before", "2026-13-45")
    assert "日期格式不正确" in str(refused.value)
