"""代办人 (S1 art. 17): the delegate acts during the period, is refused after it, and every
action shows both names — 张三（代李四） — in the handling sheet and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.handling import selectors, services
from wenshu.handling.models import Handling
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.workflow import selectors as wf
from wenshu.workflow.models import WorkItem


def _propose(city: Any, b: Any, h: Handling) -> WorkItem:
    services.handling_propose(
        actor=city.b_clerk,
        handling=h,
        opinion="拟请贝局长批示。",
        leader_ids=[city.b_leader.pk],
        handlers=[services.HandlerInput(b.office.pk, timezone.localdate() + timedelta(days=5))],
    )
    return WorkItem.objects.get(
        instance_id=h.process_id, task_spec_id="instruct", status=WorkItem.Status.OPEN
    )


def test_the_delegate_acts_during_the_period_and_the_history_shows_both_names(
    city: Any, b: Any, signed: Any
) -> None:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    item = _propose(city, b, h)
    now = timezone.now()
    services.delegation_create(
        actor=city.b_leader,
        delegate=b.deputy,
        starts_at=now,
        ends_at=now + timedelta(days=3),
        reason="出差",
    )
    assert item in wf.todo_for(viewer=b.deputy)
    services.handling_act(actor=b.deputy, handling=h, item_id=item.pk, opinion="同意。")
    item.refresh_from_db()
    assert (item.completed_by, item.on_behalf_of) == (b.deputy, city.b_leader)
    step = selectors.sheet(viewer=city.b_clerk, handling=h)[-1]
    assert step.person == "贝副局长（代贝局长）"
    audit = AuditEvent.objects.filter(action="workflow.item_complete").last()
    assert audit is not None
    assert (audit.actor_id, audit.on_behalf_of_id) == (b.deputy.pk, city.b_leader.pk)
    page = selectors.handling_get(viewer=b.deputy, pk=h.pk)
    assert page == h


def test_the_delegation_ends_by_itself_and_the_delegate_is_refused_after_it(
    city: Any, b: Any, signed: Any
) -> None:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    item = _propose(city, b, h)
    now = timezone.now()
    services.delegation_create(
        actor=city.b_leader, delegate=b.deputy, starts_at=now, ends_at=now + timedelta(hours=8)
    )
    with time_machine.travel(now + timedelta(hours=9)):
        assert item not in wf.todo_for(viewer=b.deputy)
        with pytest.raises(Forbidden):
            services.handling_act(actor=b.deputy, handling=h, item_id=item.pk, opinion="同意")
    item.refresh_from_db()
    assert item.status == WorkItem.Status.OPEN


def test_a_clerks_delegate_imports_from_the_unit_inbox_shown_as_both_names(
    city: Any, b: Any, signed: Any
) -> None:
    delivery = signed()
    assert list(selectors.importable(viewer=city.b_staff)) == []
    now = timezone.now()
    services.delegation_create(
        actor=city.b_clerk, delegate=city.b_staff, starts_at=now, ends_at=now + timedelta(days=1)
    )
    assert list(selectors.importable(viewer=city.b_staff)) == [delivery]
    h = services.delivery_import(actor=city.b_staff, delivery=delivery)
    assert (h.imported_by, h.on_behalf_of) == (city.b_staff, city.b_clerk)
    audit = AuditEvent.objects.filter(action="handling.import").last()
    assert audit is not None
    assert audit.on_behalf_of_id == city.b_clerk.pk
    assert services.shown_as(h.imported_by, h.on_behalf_of) == "贝科员（代贝文书）"


def test_it_refuses_bad_delegations(city: Any, b: Any) -> None:
    now = timezone.now()
    with pytest.raises(DomainError, match="自己"):
        services.delegation_create(
            actor=city.b_leader,
            delegate=city.b_leader,
            starts_at=now,
            ends_at=now + timedelta(hours=1),
        )
    with pytest.raises(NotFound):
        services.delegation_create(
            actor=city.b_leader,
            delegate=city.a_clerk,
            starts_at=now,
            ends_at=now + timedelta(hours=1),
        )
    with pytest.raises(DomainError, match="晚于"):
        services.delegation_create(
            actor=city.b_leader, delegate=b.deputy, starts_at=now, ends_at=now - timedelta(hours=1)
        )
    with pytest.raises(DomainError, match="90"):
        services.delegation_create(
            actor=city.b_leader, delegate=b.deputy, starts_at=now, ends_at=now + timedelta(days=120)
        )
    services.delegation_create(
        actor=city.b_leader, delegate=b.deputy, starts_at=now, ends_at=now + timedelta(days=2)
    )
    with pytest.raises(Conflict, match="已指定"):
        services.delegation_create(
            actor=city.b_leader,
            delegate=city.b_staff,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=3),
        )


def test_a_revoked_delegation_stops_at_once(city: Any, b: Any) -> None:
    now = timezone.now()
    row = services.delegation_create(
        actor=city.b_leader, delegate=b.deputy, starts_at=now, ends_at=now + timedelta(days=2)
    )
    assert services.principals_now(b.deputy) == [city.b_leader]
    with pytest.raises(NotFound):
        services.delegation_revoke(actor=b.deputy, delegation=row)
    services.delegation_revoke(actor=city.b_leader, delegation=row)
    assert services.principals_now(b.deputy) == []
    with pytest.raises(Conflict):
        services.delegation_revoke(actor=city.b_leader, delegation=row)
