"""收文办理 end to end: import → 拟办 → 批示 (two leaders) → 承办 (two departments) → 办结 →
归档 with a DA/T 22-2015 档号; 传阅 with read receipts; 督办 of overdue departments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from wenshu.handling import selectors, services
from wenshu.handling.models import ArchiveRecord, Assignment, Handling
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.workflow.models import WorkItem


def _item(h: Handling, task: str, **kw: Any) -> WorkItem:
    return WorkItem.objects.get(
        instance_id=h.process_id, task_spec_id=task, status=WorkItem.Status.OPEN, **kw
    )


def run_to_archive(city: Any, b: Any, delivery: Any) -> Handling:
    h = services.delivery_import(actor=city.b_clerk, delivery=delivery)
    due = timezone.localdate() + timedelta(days=7)
    services.handling_propose(
        actor=city.b_clerk,
        handling=h,
        opinion="拟请两位领导阅示，两科办理。",
        leader_ids=[city.b_leader.pk, b.deputy.pk],
        handlers=[
            services.HandlerInput(department_id=b.office.pk, due=due),
            services.HandlerInput(department_id=b.finance.pk, due=due),
        ],
    )
    for leader in (city.b_leader, b.deputy):
        services.handling_act(
            actor=leader,
            handling=h,
            opinion="同意，抓紧办理。",
            item_id=_item(h, "instruct", assignee=leader).pk,
        )
    for person, dept in ((b.office_staff, b.office), (b.finance_staff, b.finance)):
        services.handling_act(
            actor=person,
            handling=h,
            opinion="已办理。",
            item_id=_item(h, "handle", candidate_department=dept).pk,
        )
    services.handling_act(
        actor=city.b_clerk, handling=h, item_id=_item(h, "conclude").pk, opinion="办结。"
    )
    return h


def test_it_handles_a_delivery_end_to_end_with_two_departments_and_an_archive_code(
    city: Any, b: Any, signed: Any
) -> None:
    delivery = signed()
    h = run_to_archive(city, b, delivery)
    assert set(Assignment.objects.filter(handling=h).values_list("done_at", flat=True)) != {None}
    assert not Assignment.objects.filter(handling=h, done_at__isnull=True).exists()
    record = services.handling_archive(
        actor=city.b_clerk, handling=h, retention="D30", org_code="bgs", pages=3
    )
    year = timezone.localdate().year
    assert record.archive_code == f"Z{city.b.pk:03d}-WS·{year}-D30-BGS-0001"
    h.refresh_from_db()
    assert h.status == Handling.Status.ARCHIVED
    steps = selectors.sheet(viewer=city.b_clerk, handling=h)
    assert [s.step for s in steps] == ["拟办", "批示", "批示", "承办", "承办", "办结", "归档"]
    assert {s.department for s in steps if s.step == "承办"} == {"办公室", "计划财务科"}
    delivery.refresh_from_db()
    assert delivery.received_at is not None


def test_it_numbers_archive_pieces_per_unit_year_and_period(city: Any, b: Any, signed: Any) -> None:
    first = run_to_archive(city, b, signed())
    second = run_to_archive(city, b, signed(title="第二份"))
    third = run_to_archive(city, b, signed(title="第三份"))
    r1 = services.handling_archive(
        actor=city.b_clerk, handling=first, retention="D30", org_code="BGS"
    )
    r2 = services.handling_archive(actor=city.b_clerk, handling=second, retention="D30")
    r3 = services.handling_archive(actor=city.b_clerk, handling=third, retention="永久")
    assert (r1.piece_no, r2.piece_no, r3.piece_no) == (1, 2, 1)
    assert r2.org_code == "BGS"  # remembered for the department
    assert r3.archive_code.endswith("-永久-BGS-0001")


def test_it_refuses_archiving_twice_and_a_bad_retention(city: Any, b: Any, signed: Any) -> None:
    h = run_to_archive(city, b, signed())
    with pytest.raises(DomainError, match="保管期限"):
        services.handling_archive(actor=city.b_clerk, handling=h, retention="D5", org_code="BGS")
    services.handling_archive(actor=city.b_clerk, handling=h, retention="D10", org_code="BGS")
    with pytest.raises(Conflict):
        services.handling_archive(actor=city.b_clerk, handling=h, retention="D10", org_code="BGS")
    assert ArchiveRecord.objects.count() == 1


def test_it_refuses_importing_an_unsigned_delivery_or_twice(city: Any, b: Any, signed: Any) -> None:
    from wenshu.handling.tests.conftest import deliver

    with pytest.raises(Conflict, match="尚未签收"):
        services.delivery_import(actor=city.b_clerk, delivery=deliver(city, city.b))
    delivery = signed()
    services.delivery_import(actor=city.b_clerk, delivery=delivery)
    with pytest.raises(Conflict, match="重复导入"):
        services.delivery_import(actor=city.b_clerk, delivery=delivery)


def test_it_refuses_import_by_non_clerks_and_other_units(city: Any, signed: Any) -> None:
    delivery = signed()
    for person in (city.b_staff, city.a_clerk):
        with pytest.raises(NotFound):
            services.delivery_import(actor=person, delivery=delivery)


def test_it_refuses_a_proposal_without_leaders_or_with_another_units_department(
    city: Any, b: Any, signed: Any
) -> None:
    from wenshu.org.models import Department

    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    due = timezone.localdate() + timedelta(days=3)
    with pytest.raises(DomainError, match="批示领导"):
        services.handling_propose(
            actor=city.b_clerk,
            handling=h,
            opinion="x",
            leader_ids=[],
            handlers=[services.HandlerInput(b.office.pk, due)],
        )
    other = Department.objects.create(unit=city.a, name="预算科")
    with pytest.raises(DomainError, match="本单位启用的部门"):
        services.handling_propose(
            actor=city.b_clerk,
            handling=h,
            opinion="x",
            leader_ids=[city.b_leader.pk],
            handlers=[services.HandlerInput(other.pk, due)],
        )
    with pytest.raises(Forbidden):
        services.handling_propose(
            actor=city.b_staff,
            handling=h,
            opinion="x",
            leader_ids=[city.b_leader.pk],
            handlers=[services.HandlerInput(b.office.pk, due)],
        )


def test_it_circulates_to_leaders_with_read_receipts(city: Any, b: Any, signed: Any) -> None:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    added = services.circulation_send(
        actor=city.b_clerk, handling=h, reader_ids=[city.b_leader.pk, b.deputy.pk]
    )
    assert added == 2
    assert (
        services.circulation_send(actor=city.b_clerk, handling=h, reader_ids=[city.b_leader.pk])
        == 0
    )
    assert Notification.objects.filter(recipient=city.b_leader).exists()
    first = services.circulation_read(actor=city.b_leader, handling=h).read_at
    again = services.circulation_read(actor=city.b_leader, handling=h).read_at
    assert first is not None and first == again
    with pytest.raises(Forbidden):
        services.circulation_read(actor=city.b_staff, handling=h)
    with pytest.raises(Forbidden):
        services.circulation_send(actor=city.b_staff, handling=h, reader_ids=[city.b_leader.pk])


def test_it_reminds_overdue_departments_once_a_day(city: Any, b: Any, signed: Any) -> None:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    services.handling_propose(
        actor=city.b_clerk,
        handling=h,
        opinion="拟办",
        leader_ids=[city.b_leader.pk],
        handlers=[
            services.HandlerInput(b.office.pk, timezone.localdate()),
            services.HandlerInput(b.finance.pk, timezone.localdate() + timedelta(days=9)),
        ],
    )
    later = timezone.now() + timedelta(days=2)
    assert services.assignments_remind_overdue(now=later) == 1
    assert services.assignments_remind_overdue(now=later) == 0
    office = Assignment.objects.get(handling=h, department=b.office)
    assert office.remind_count == 1
    reminded = Notification.objects.filter(recipient=b.office_staff, title__startswith="催办")
    assert reminded.count() == 1
    assert services.assignments_remind_overdue(now=later + timedelta(days=1)) == 1
