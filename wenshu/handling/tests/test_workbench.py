"""The workbench counter 待办收文: handlings under way with a step waiting for the viewer (or
for someone they stand in for), and the 待办收文 list it opens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from wenshu.handling import selectors, services
from wenshu.web.registry import counters_for


def _counter(person: Any) -> int | None:
    return next((n for c, n in counters_for(person) if c.label == "待办收文"), None)


def _propose(city: Any, b: Any, h: Any) -> None:
    services.handling_propose(
        actor=city.b_clerk,
        handling=h,
        opinion="拟请贝局长阅示。",
        leader_ids=[city.b_leader.pk],
        handlers=[services.HandlerInput(department_id=b.office.pk, due=timezone.localdate())],
    )


def test_it_counts_the_handlings_waiting_for_each_person(
    city: Any, b: Any, signed: Any, django_assert_max_num_queries: Any
) -> None:
    first = services.delivery_import(actor=city.b_clerk, delivery=signed(title="第一件来文"))
    services.delivery_import(actor=city.b_clerk, delivery=signed(title="第二件来文"))
    assert _counter(city.b_clerk) == 2  # two 拟办 steps
    assert _counter(city.b_leader) == 0
    _propose(city, b, first)
    assert (_counter(city.b_clerk), _counter(city.b_leader)) == (1, 1)
    assert [h.pk for h in selectors.awaiting_me(viewer=city.b_leader)] == [first.pk]
    with django_assert_max_num_queries(4):
        selectors.awaiting_me_count(viewer=city.b_clerk)


def test_a_delegate_counts_the_principals_steps(city: Any, b: Any, signed: Any) -> None:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    _propose(city, b, h)
    assert _counter(b.deputy) == 0
    now = timezone.now()
    services.delegation_create(
        actor=city.b_leader, delegate=b.deputy, starts_at=now, ends_at=now + timedelta(days=1)
    )
    assert _counter(b.deputy) == 1


def test_other_units_and_finished_steps_count_nothing(city: Any, b: Any, signed: Any) -> None:
    h = services.delivery_import(actor=city.b_clerk, delivery=signed())
    for outsider in (city.a_clerk, city.a_leader, city.b_staff):
        assert _counter(outsider) == 0, outsider.username
    _propose(city, b, h)
    item = selectors.open_items_for(viewer=city.b_leader, handling=h)[0]
    services.handling_act(actor=city.b_leader, handling=h, item_id=item.pk, opinion="同意。")
    assert _counter(city.b_leader) == 0
    assert _counter(b.office_staff) == 1  # 承办 now waits for the office
    assert _counter(city.shuziban) is None  # not a unit's person: no such counter
