"""Withdrawing a step (撤回): allowed to its doer while nothing has happened since."""

from __future__ import annotations

import pytest

from wenshu.lib.errors import Conflict, Forbidden, NotFound
from wenshu.workflow import registry, selectors, services
from wenshu.workflow.models import WorkItem
from wenshu.workflow.tests.conftest import act, item_of, open_steps, start_fawen

pytestmark = pytest.mark.django_db


def test_the_doer_withdraws_before_the_next_step_acts(city, cast):
    """GIVEN 拟稿 done and 核稿 waiting WHEN the drafter withdraws THEN 核稿's item is
    withdrawn and 拟稿 is offered again to the drafter, who can complete it once more."""
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter, opinion="初稿")
    review = item_of(instance, cast.reviewer)
    assert selectors.may_withdraw(viewer=cast.drafter, item=WorkItem.objects.get(pk=done.pk))
    services.work_item_withdraw(actor=cast.drafter, item=done)
    done.refresh_from_db()
    review.refresh_from_db()
    assert done.status == WorkItem.Status.WITHDRAWN and review.status == WorkItem.Status.WITHDRAWN
    assert open_steps(instance) == ["draft"]
    again = item_of(instance, cast.drafter)
    assert again.pk != done.pk
    assert not selectors.todo_for(viewer=cast.reviewer).exists()
    act(instance, cast.drafter, opinion="修改稿")
    assert open_steps(instance) == ["review"]
    # The record keeps the withdrawn step, marked as such.
    history = selectors.history_for(viewer=cast.drafter, instance=instance)
    assert [(h.name, h.status) for h in history] == [("拟稿", "withdrawn"), ("拟稿", "done")]


def test_withdrawal_is_refused_once_the_next_step_acted(city, cast):
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter)
    act(instance, cast.reviewer)
    with pytest.raises(Conflict, match="不能撤回"):
        services.work_item_withdraw(actor=cast.drafter, item=done)
    assert open_steps(instance) == ["countersign", "countersign"]


def test_only_the_doer_may_withdraw_and_outsiders_do_not_see_it(city, cast):
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter)
    with pytest.raises(Forbidden):
        services.work_item_withdraw(actor=cast.reviewer, item=done)
    with pytest.raises(NotFound):
        services.work_item_withdraw(actor=city.b_clerk, item=done)
    open_item = item_of(instance, cast.reviewer)
    with pytest.raises(Forbidden):  # nobody has done it yet
        services.work_item_withdraw(actor=cast.drafter, item=open_item)


def test_a_step_cannot_be_withdrawn_twice(city, cast):
    instance = start_fawen(city, cast)
    done = act(instance, cast.drafter)
    services.work_item_withdraw(actor=cast.drafter, item=done)
    with pytest.raises(Conflict):
        services.work_item_withdraw(actor=cast.drafter, item=done)


def test_a_return_can_be_withdrawn(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter)
    returned = act(instance, cast.reviewer, decision="return", opinion="退回修改")
    assert open_steps(instance) == ["draft"]
    services.work_item_withdraw(actor=cast.reviewer, item=returned)
    assert open_steps(instance) == ["review"]
    act(instance, cast.reviewer)
    assert open_steps(instance) == ["countersign", "countersign"]


def test_a_parallel_countersign_is_withdrawable_until_the_other_department_acts(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    first = act(instance, cast.dept1_member)
    services.work_item_withdraw(actor=cast.dept1_member, item=first)
    assert open_steps(instance) == ["countersign", "countersign"]
    first = act(instance, cast.dept1_member)
    act(instance, cast.dept2_member)
    with pytest.raises(Conflict):
        services.work_item_withdraw(actor=cast.dept1_member, item=first)
    assert open_steps(instance) == ["sign"]


def test_the_last_step_cannot_be_withdrawn_once_the_process_ended(city, cast):
    instance = start_fawen(city, cast, countersign=[])
    for person in (cast.drafter, cast.reviewer, cast.signer, cast.custodian1):
        act(instance, person)
    last = act(instance, cast.dispatcher)
    with pytest.raises(Conflict, match="已办结"):
        services.work_item_withdraw(actor=cast.dispatcher, item=last)


def test_withdrawing_the_sign_off_reoffers_it_and_tells_handlers(city, cast):
    events: list[tuple[str, str]] = []

    def withdrawn(**kw):
        events.append(("withdrawn", kw["work_item"].task_spec_id))

    def ready(**kw):
        events.append(("ready", kw["task_spec_id"]))

    registry.register_handler("fawen", "task_withdrawn", withdrawn)
    registry.register_handler("fawen", "task_ready", ready)
    try:
        instance = start_fawen(city, cast, countersign=[])
        act(instance, cast.drafter)
        act(instance, cast.reviewer)
        signed = act(instance, cast.signer)
        assert open_steps(instance) == ["seal", "seal"]
        events.clear()
        services.work_item_withdraw(actor=cast.signer, item=signed)
    finally:
        registry.unregister_handler("fawen", "task_withdrawn", withdrawn)
        registry.unregister_handler("fawen", "task_ready", ready)
    assert events == [("withdrawn", "sign"), ("ready", "sign")]
    assert open_steps(instance) == ["sign"]
    assert instance.items.filter(task_spec_id="seal", status=WorkItem.Status.WITHDRAWN).count() == 2
