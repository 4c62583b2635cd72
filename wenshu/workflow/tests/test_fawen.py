"""The default 发文 flow end to end: 拟稿 → 核稿 → 会签 (parallel) → 签发 → 用印 → 分发."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification
from wenshu.workflow import registry, selectors, services
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.tests.conftest import act, item_of, open_steps, start_fawen

pytestmark = pytest.mark.django_db


def test_it_runs_the_whole_flow_with_two_countersigning_departments(city, cast):
    """GIVEN process data naming every step's people WHEN each acts in turn THEN the process
    ends after 分发 and the history lists every step with its person and opinion."""
    instance = start_fawen(city, cast)
    assert open_steps(instance) == ["draft"]
    act(instance, cast.drafter, opinion="拟稿完成")
    assert open_steps(instance) == ["review"]
    act(instance, cast.reviewer, opinion="文字已核")
    assert open_steps(instance) == ["countersign", "countersign"]
    act(instance, cast.dept1_member, opinion="办公室无意见")
    assert open_steps(instance) == ["countersign"]  # 签发 waits for the other department
    act(instance, cast.dept2_member, opinion="预算科同意")
    assert open_steps(instance) == ["sign"]
    act(instance, cast.signer, opinion="同意印发")
    assert open_steps(instance) == ["seal", "seal"]  # one item per custodian
    act(instance, cast.custodian2)
    assert open_steps(instance) == ["dispatch"]
    assert instance.items.filter(task_spec_id="seal", status=WorkItem.Status.CANCELLED).count() == 1
    act(instance, cast.dispatcher, opinion="已分发")
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.COMPLETED and instance.completed_at
    history = selectors.history_for(viewer=city.a_admin, instance=instance)
    assert [h.name for h in history] == ["拟稿", "核稿", "会签", "会签", "签发", "用印", "分发"]
    assert [h.completed_by for h in history][:2] == [cast.drafter, cast.reviewer]
    assert history[4].opinion == "同意印发" and history[4].decision == "approve"
    assert not selectors.todo_for(viewer=cast.dispatcher).exists()


def test_both_countersigners_must_finish_in_either_order(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    act(instance, cast.dept2_member)  # the second department first this time
    assert open_steps(instance) == ["countersign"]
    act(instance, cast.dept1_member)
    assert open_steps(instance) == ["sign"]


def test_an_empty_countersign_list_skips_the_step(city, cast):
    instance = start_fawen(city, cast, countersign=[])
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    assert open_steps(instance) == ["sign"]


def test_countersign_can_go_to_another_unit(city, cast):
    data = {**_data(cast), "countersign": [{"unit": city.b.pk}]}
    instance = start_fawen(city, cast, data=data)
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    item = item_of(instance, city.b_leader)  # a unit without a role goes to its leaders
    assert item.unit == city.b and item.candidate_role == "unit_leader"
    assert selectors.todo_for(viewer=city.b_leader).filter(pk=item.pk).exists()
    assert not selectors.todo_for(viewer=city.b_clerk).filter(pk=item.pk).exists()
    services.work_item_complete(actor=city.b_leader, item=item, opinion="教育局同意")
    assert open_steps(instance) == ["sign"]
    # The countersigning unit sees the record of the flow it took part in; others do not.
    assert len(selectors.history_for(viewer=city.b_leader, instance=instance)) == 3
    with pytest.raises(NotFound):
        selectors.history_for(viewer=city.b_staff, instance=instance)


def _data(cast):
    from wenshu.workflow.tests.conftest import fawen_data

    return fawen_data(cast)


def test_the_reviewer_can_send_it_back_to_the_drafter(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter)
    returned = act(instance, cast.reviewer, decision="return", opinion="请补充依据")
    assert returned.decision == "return" and returned.opinion == "请补充依据"
    assert open_steps(instance) == ["draft"]
    assert item_of(instance, cast.drafter).previous == returned
    act(instance, cast.drafter, opinion="已补充")
    assert open_steps(instance) == ["review"]


def test_the_signer_can_send_it_back_and_the_flow_runs_again(city, cast):
    instance = start_fawen(city, cast)
    for person in (cast.drafter, cast.reviewer, cast.dept1_member, cast.dept2_member):
        act(instance, person)
    act(instance, cast.signer, decision="return", opinion="标题不准确")
    assert open_steps(instance) == ["draft"]
    for person in (cast.drafter, cast.reviewer):
        act(instance, person)
    # The countersign runs again for both departments (its item key is not left behind).
    assert open_steps(instance) == ["countersign", "countersign"]
    for person in (
        cast.dept1_member,
        cast.dept2_member,
        cast.signer,
        cast.custodian1,
        cast.dispatcher,
    ):
        act(instance, person)
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.COMPLETED


def test_returning_needs_a_reason_and_only_offered_decisions_are_accepted(city, cast):
    instance = start_fawen(city, cast)
    draft = item_of(instance, cast.drafter)
    with pytest.raises(DomainError, match="只能选择"):
        services.work_item_complete(actor=cast.drafter, item=draft, decision="return", opinion="x")
    act(instance, cast.drafter)
    review = item_of(instance, cast.reviewer)
    with pytest.raises(DomainError, match="请填写意见"):
        services.work_item_complete(actor=cast.reviewer, item=review, decision="return")
    with pytest.raises(DomainError, match="保留"):
        services.work_item_complete(actor=cast.reviewer, item=review, data={"decision": "return"})
    assert open_steps(instance) == ["review"]


def test_a_step_by_the_wrong_person_is_refused(city, cast):
    instance = start_fawen(city, cast)
    draft = item_of(instance, cast.drafter)
    with pytest.raises(Forbidden, match="不由您办理"):
        services.work_item_complete(actor=cast.signer, item=draft)
    with pytest.raises(NotFound):  # another unit's person does not even see it
        services.work_item_complete(actor=city.b_clerk, item=draft)
    draft.refresh_from_db()
    assert draft.status == WorkItem.Status.OPEN


def test_a_role_item_is_for_holders_of_the_role_in_that_department_only(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    office = item_of(instance, cast.dept1_member)
    assert office.candidate_department == cast.dept1 and office.assignee is None
    with pytest.raises(Forbidden):
        services.work_item_complete(actor=cast.dept2_member, item=office)
    with pytest.raises(Forbidden):
        services.work_item_complete(actor=city.a_leader, item=office)


def test_completing_twice_completes_once(city, cast):
    instance = start_fawen(city, cast)
    draft = item_of(instance, cast.drafter)
    services.work_item_complete(actor=cast.drafter, item=draft)
    with pytest.raises(Conflict, match="请勿重复提交"):
        services.work_item_complete(actor=cast.drafter, item=draft)  # the stale object again
    assert instance.items.filter(task_spec_id="draft", status=WorkItem.Status.DONE).count() == 1
    assert instance.items.filter(task_spec_id="review").count() == 1
    assert AuditEvent.objects.filter(action="workflow.item_complete").count() == 1


def test_a_cancelled_process_takes_no_more_steps(city, cast):
    instance = start_fawen(city, cast)
    draft = item_of(instance, cast.drafter)
    with pytest.raises(Forbidden):
        services.process_cancel(actor=city.a_clerk, instance=instance, reason="不再发文")
    with pytest.raises(DomainError, match="原因"):
        services.process_cancel(actor=cast.drafter, instance=instance, reason="")
    with pytest.raises(NotFound):
        services.process_cancel(actor=city.b_leader, instance=instance, reason="x")
    services.process_cancel(actor=city.a_leader, instance=instance, reason="不再发文")
    instance.refresh_from_db()
    assert (
        instance.status == ProcessInstance.Status.CANCELLED and instance.cancel_reason == "不再发文"
    )
    draft.refresh_from_db()
    assert draft.status == WorkItem.Status.CANCELLED
    with pytest.raises(Conflict):
        services.work_item_complete(actor=cast.drafter, item=draft)
    with pytest.raises(Conflict):
        services.process_cancel(actor=city.a_leader, instance=instance, reason="again")


def test_one_running_process_per_subject_and_only_for_ones_own_unit(city, cast):
    start_fawen(city, cast, subject_id="doc-1")
    with pytest.raises(Conflict, match="重复发起"):
        start_fawen(city, cast, subject_id="doc-1")
    with pytest.raises(Forbidden):
        start_fawen(city, cast, subject_id="doc-2", actor=city.b_clerk)
    assert ProcessInstance.objects.filter(subject_id="doc-1").count() == 1


def test_missing_process_data_is_refused_with_the_key_named(city, cast):
    data = _data(cast)
    del data["drafter"]
    with pytest.raises(DomainError, match="drafter"):
        start_fawen(city, cast, data=data)
    assert not ProcessInstance.objects.exists()


def test_a_missing_optional_person_falls_back_to_the_steps_role(city, cast):
    data = _data(cast)
    del data["signer"]
    data["countersign"] = []
    instance = start_fawen(city, cast, data=data)
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    sign = instance.items.get(status=WorkItem.Status.OPEN)
    assert sign.assignee is None and sign.candidate_role == "unit_leader" and sign.unit == city.a
    assert selectors.todo_for(viewer=city.a_leader).filter(pk=sign.pk).exists()


def test_handlers_see_each_event_inside_the_transaction(city, cast):
    seen: list[tuple] = []

    def on(event):
        return lambda **kw: seen.append(
            (
                event,
                kw["task_spec_id"],
                kw["work_item"] and kw["work_item"].task_spec_id,
                kw["instance"].pk,
            )
        )

    handlers = {event: on(event) for event in ("task_ready", "task_completed", "process_completed")}
    for event, fn in handlers.items():
        registry.register_handler("fawen", event, fn)
    try:
        instance = start_fawen(city, cast, countersign=[])
        assert seen == [("task_ready", "draft", "draft", instance.pk)]
        for person in (cast.drafter, cast.reviewer, cast.signer, cast.custodian1, cast.dispatcher):
            act(instance, person)
        assert ("task_ready", "seal", "seal", instance.pk) in seen
        assert seen[-2:] == [
            ("task_completed", "dispatch", "dispatch", instance.pk),
            ("process_completed", "dispatch", "dispatch", instance.pk),
        ]
    finally:
        for event, fn in handlers.items():
            registry.unregister_handler("fawen", event, fn)


def test_a_handler_refusal_rolls_the_step_back(city, cast):
    def refuse(**kwargs):
        raise DomainError("印章已停用，不能进入用印")

    instance = start_fawen(city, cast, countersign=[])
    for person in (cast.drafter, cast.reviewer):
        act(instance, person)
    registry.register_handler("fawen", "task_ready", refuse)
    try:
        with pytest.raises(DomainError, match="印章已停用"):
            act(instance, cast.signer)
    finally:
        registry.unregister_handler("fawen", "task_ready", refuse)
    assert open_steps(instance) == ["sign"]
    assert item_of(instance, cast.signer).status == WorkItem.Status.OPEN


def test_the_seal_step_can_be_completed_by_a_handler_driven_call(city, cast):
    """The documents layer completes 用印 itself once k custodians approved in the seals app."""
    instance = start_fawen(city, cast, countersign=[])
    for person in (cast.drafter, cast.reviewer, cast.signer):
        act(instance, person)
    seal_item = instance.items.filter(task_spec_id="seal", assignee=cast.custodian1).get()
    services.work_item_complete(
        actor=cast.custodian1,
        item=seal_item,
        opinion="2/2 保管人同意",
        data={"seal_use_request_id": 42},
    )
    assert open_steps(instance) == ["dispatch"]


def test_new_items_notify_the_people_they_are_for(city, cast):
    instance = start_fawen(city, cast, countersign=[])
    assert Notification.objects.filter(recipient=cast.drafter, kind="workflow").count() == 1
    act(instance, cast.drafter)
    note = Notification.objects.get(recipient=cast.reviewer, kind="workflow")
    assert "核稿" in note.title and "/workflow/items/" in note.link


def test_the_audit_log_records_start_and_steps(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter)
    actions = list(
        AuditEvent.objects.filter(action__startswith="workflow.").values_list("action", flat=True)
    )
    assert "workflow.process_start" in actions and "workflow.item_complete" in actions


def test_a_registered_delegation_lets_a_stand_in_act_and_is_recorded(city, cast):
    """The seam issue 6 fills in: while a resolver says a_admin stands in for the signer, the
    signer's items are in a_admin's list and the step records both names."""

    def stand_ins(actor):
        return [cast.signer] if actor.pk == city.a_admin.pk else []

    instance = start_fawen(city, cast, countersign=[])
    act(instance, cast.drafter)
    act(instance, cast.reviewer)
    registry.register_principals_resolver(stand_ins)
    try:
        item = selectors.todo_for(viewer=city.a_admin).get()
        assert item.task_spec_id == "sign"
        done = services.work_item_complete(actor=city.a_admin, item=item, opinion="代为签发")
    finally:
        registry.unregister_principals_resolver(stand_ins)
    assert done.completed_by == city.a_admin and done.on_behalf_of == cast.signer
    event = AuditEvent.objects.filter(action="workflow.item_complete").last()
    assert event.on_behalf_of_id == cast.signer.pk
    assert not selectors.todo_for(viewer=city.a_admin).exists()
