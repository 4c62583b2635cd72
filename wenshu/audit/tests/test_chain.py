"""The chain as written by audit_record: linked, hashed, the same after a database round trip."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from django.db import connection

from wenshu.accounts.roles import Role
from wenshu.audit import permissions
from wenshu.audit.chain import canonical_bytes, chain_hash, plain_details
from wenshu.audit.context import audit_context
from wenshu.audit.models import GENESIS_HASH, AuditEvent
from wenshu.audit.services import audit_record
from wenshu.audit.tests.helpers import append, head, row
from wenshu.audit.verify import chain_verify
from wenshu.lib.gm import sm3_hex

pytestmark = pytest.mark.django_db

AWKWARD = {
    "中文": "公文《关于…的通知》",
    "nested": {"b": [1, 2.5, None, True], "a": ("x", "y")},
    "int_key": {1: "one", None: "none", 2.5: "half"},
    "bool_key": {True: "yes"},
    "big": 1e20,
    "round": 100.0,
    "tiny": 1e-7,
    "neg_zero": -0.0,
    "huge_int": 2**70,
    "nan": float("nan"),
    "inf": float("-inf"),
    "nul": "a\x00b",
    "surrogate": "x\ud800y",
    "when": datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC),
    "money": Decimal("12.30"),
    "uuid": UUID("12345678-1234-5678-1234-567812345678"),
    "emoji": "📄",
    "quote": "\"'\\",
    "set": {3},
}


def test_it_links_each_row_to_the_one_before():
    first, second, third = append(3)
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert third.hash == sm3_hex(bytes.fromhex(second.hash) + canonical_bytes(third))
    assert (head().seq, head().hash) == (3, third.hash)


def test_details_hash_the_same_after_reading_them_back_from_the_database():
    event = audit_record(actor=None, action="test.awkward", details=AWKWARD)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == event.details
    assert canonical_bytes(stored) == canonical_bytes(event)
    assert stored.hash == chain_hash(stored.prev_hash, stored)
    assert chain_verify().ok


def test_details_are_stored_as_plain_json():
    plain = plain_details(AWKWARD)
    assert plain["big"] == 10**20 and isinstance(plain["big"], int)
    assert plain["round"] == 100 and plain["tiny"] == 1e-7
    assert plain["nan"] == "nan" and plain["inf"] == "-inf"
    assert plain["int_key"] == {"1": "one", "null": "none", "2.5": "half"}
    assert plain["bool_key"] == {"true": "yes"}
    assert plain["nested"]["a"] == ["x", "y"] and plain["nul"] == "ab"
    assert plain["when"].startswith("2026-03-01T08:30:00.123")
    assert plain["money"] == "12.30" and plain["surrogate"] == "x?y"


def test_timestamps_keep_their_microseconds_through_the_database():
    events = append(5)
    for event in events:
        stored = row(event.seq)
        assert stored.created_at == event.created_at
        assert stored.hash == chain_hash(stored.prev_hash, stored)
    assert any(e.created_at.microsecond for e in events)


def test_time_never_runs_backwards_along_the_chain():
    events = append(20)
    stamps = [row(e.seq).created_at for e in events]
    assert stamps == sorted(stamps)


def test_text_is_cleaned_and_cut_to_fit_its_column(city):
    event = audit_record(
        actor=city.a_clerk, action="x" * 120, target=city.a, details={"k": "v"}, ip="1" * 100
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert len(stored.action) == 80 and len(stored.ip) == 64
    assert stored.actor_name == "艾文书" and stored.unit_name == "白银市财政局"
    assert stored.target_type == "org.unit" and stored.target_id == str(city.a.pk)
    assert chain_verify().ok


def test_it_records_the_request_context_and_delegation(city):
    with audit_context(ip="10.1.2.3", on_behalf_of_id=city.a_leader.pk, on_behalf_of_name="艾局长"):
        event = audit_record(actor=city.a_clerk, action="doc.signed")
    assert (event.ip, event.on_behalf_of_id) == ("10.1.2.3", city.a_leader.pk)
    assert event.on_behalf_of_name == "艾局长"


def test_the_role_strings_match_the_accounts_roles():
    assert Role.SYSTEM_ADMIN.value == permissions.SYSTEM_ADMIN
    assert Role.SECURITY_ADMIN.value == permissions.SECURITY_ADMIN
    assert Role.AUDIT_ADMIN.value == permissions.AUDIT_ADMIN


def test_a_flushed_database_starts_a_fresh_head():
    from wenshu.audit.models import AuditChainHead

    AuditChainHead.objects.all().delete()
    event = audit_record(actor=None, action="test.first")
    assert event.seq == 1 and event.prev_hash == GENESIS_HASH and chain_verify().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_threads_appending_at_once_get_consecutive_seqs_and_a_valid_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    per_thread, errors = 40, []
    start = threading.Barrier(2)

    def work(name: str) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                audit_record(actor=None, action=f"test.{name}", details={"i": i})
        except Exception as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * per_thread + 1))
    assert {a for a in AuditEvent.objects.values_list("action", flat=True)} == {"test.a", "test.b"}
    report = chain_verify()
    assert report.ok and report.rows_checked == 2 * per_thread


def test_an_unknown_result_is_a_programming_error():
    with pytest.raises(ValueError):
        audit_record(actor=None, action="x", result="denied")
    assert not AuditEvent.objects.exists()
