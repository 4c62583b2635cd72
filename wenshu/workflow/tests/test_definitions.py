"""Flow definitions: the shipped defaults, and the digital office replacing a unit's flow."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.lib import gm
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.workflow import registry, services
from wenshu.workflow.engine import BpmnInvalid
from wenshu.workflow.models import ProcessDefinition, ProcessInstance
from wenshu.workflow.tests import bpmn_samples as samples
from wenshu.workflow.tests.conftest import act, fawen_data, open_steps, start_fawen

pytestmark = pytest.mark.django_db


def test_installing_the_default_is_idempotent(city):
    first = services.definition_install_default(key="fawen")
    again = services.definition_install_default(key="fawen")
    assert first.pk == again.pk and first.unit is None and first.active and first.version == 1
    assert first.sm3 == gm.sm3_hex(first.bpmn_xml.encode("utf-8"))
    assert [t["id"] for t in first.tasks] == [
        "draft",
        "review",
        "countersign",
        "sign",
        "seal",
        "dispatch",
    ]
    assert ProcessDefinition.objects.filter(key="fawen").count() == 1
    assert services.definition_install_default(key="shouwen").process_id == "shouwen"


def test_a_changed_shipped_file_becomes_the_next_version(city):
    first = services.definition_install_default(key="fawen")
    ProcessDefinition.objects.filter(pk=first.pk).update(sm3="0" * 64)  # as if the file changed
    second = services.definition_install_default(key="fawen")
    assert second.version == 2 and second.active
    first.refresh_from_db()
    assert not first.active


def test_the_digital_office_replaces_a_units_flow_and_new_processes_follow_it(city, cast):
    running = start_fawen(city, cast)  # on the city default
    definition = services.definition_replace(
        actor=city.shuziban,
        key="fawen",
        unit=city.a,
        bpmn_xml=samples.FAWEN_SHORT,
        filename="short.bpmn",
    )
    assert (
        definition.unit == city.a
        and definition.version == 1
        and definition.process_id == "fawen_short"
    )
    assert [t["id"] for t in definition.tasks] == ["draft", "sign", "seal", "dispatch"]
    fresh = start_fawen(city, cast)
    assert fresh.definition == definition
    act(fresh, cast.drafter)
    assert open_steps(fresh) == ["sign"]  # no 核稿 in this unit's flow any more
    # The running process keeps the version it started with.
    act(running, cast.drafter)
    assert open_steps(running) == ["review"]
    running.refresh_from_db()
    assert running.definition.unit is None
    event = AuditEvent.objects.get(action="workflow.definition_replace")
    assert event.actor_id == city.shuziban.pk and event.details["tasks"] == [
        "draft",
        "sign",
        "seal",
        "dispatch",
    ]


def test_the_short_flow_runs_to_the_end_with_a_due_date_from_the_file(city, cast):
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
    )
    instance = start_fawen(city, cast)
    for person in (cast.drafter, cast.signer, cast.custodian1):
        act(instance, person)
    dispatch = instance.items.get(task_spec_id="dispatch", status="open")
    assert dispatch.candidate_role == "clerk" and dispatch.due_at is not None
    act(instance, city.a_clerk)
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.COMPLETED


def test_another_unit_keeps_the_city_default(city, cast):
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
    )
    other = services.definition_for(key="fawen", unit=city.b)
    assert other.unit is None and other.process_id == "fawen"


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("这不是 XML", "不是有效的 XML"),
        ("<a/>", "不是 BPMN 2.0 文件"),
        (samples.XXE, "DOCTYPE"),
        (samples.FAWEN_WITHOUT_SEAL, "用印（id=seal）"),
        (samples.WITH_SCRIPT, "脚本任务"),
        (samples.WITH_UNSAFE_CONDITION, "不允许"),
        (samples.WITHOUT_ASSIGNEE, "没有指明办理人"),
        (samples.FAWEN_SHORT.replace('name="拟稿" ', ""), "没有名称"),
        (
            samples.FAWEN_SHORT.replace(
                'candidateRole="unit_leader"', 'candidateRole="city_admin"'
            ),
            "不是单位内的角色",
        ),
        (samples.FAWEN_SHORT.replace("approve,return", "approve,sideways"), "sideways"),
        (samples.FAWEN_SHORT.replace('targetRef="sign"/>', 'targetRef="nowhere"/>'), "流程"),
        (samples.FAWEN_SHORT.replace('isExecutable="true"', 'isExecutable="false"'), "可执行流程"),
    ],
)
def test_an_unusable_file_is_refused_with_a_clear_message(city, xml, message):
    with pytest.raises(BpmnInvalid, match=message):
        services.definition_replace(actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=xml)
    assert not ProcessDefinition.objects.filter(unit=city.a).exists()


def test_only_the_digital_office_replaces_flows(city):
    for person in (city.a_admin, city.sysadmin, city.b_leader):
        with pytest.raises(Forbidden):
            services.definition_replace(
                actor=person, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
            )


def test_unknown_keys_and_identical_files_are_refused(city):
    with pytest.raises(DomainError, match="未知的流程类别"):
        services.definition_replace(
            actor=city.shuziban, key="nope", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
        )
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
    )
    with pytest.raises(Conflict, match="完全相同"):
        services.definition_replace(
            actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
        )


def test_replacing_twice_keeps_one_active_version_and_the_history(city):
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
    )
    second = services.definition_replace(
        actor=city.shuziban,
        key="fawen",
        unit=city.a,
        bpmn_xml=samples.FAWEN_SHORT.replace("简化", "简化二"),
    )
    assert second.version == 2
    assert list(ProcessDefinition.objects.filter(unit=city.a).values_list("version", "active")) == [
        (2, True),
        (1, False),
    ]


def test_a_unit_can_go_back_to_the_city_default(city):
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
    )
    with pytest.raises(Forbidden):
        services.definition_reset(actor=city.a_admin, key="fawen", unit=city.a)
    services.definition_reset(actor=city.shuziban, key="fawen", unit=city.a)
    assert services.definition_for(key="fawen", unit=city.a).unit is None
    with pytest.raises(NotFound):
        services.definition_reset(actor=city.shuziban, key="fawen", unit=city.a)


def test_the_city_default_itself_can_be_replaced(city, cast):
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=None, bpmn_xml=samples.FAWEN_SHORT
    )
    assert services.definition_for(key="fawen", unit=city.b).process_id == "fawen_short"
    # A replaced default is the digital office's choice: installing defaults keeps it.
    assert services.definition_install_default(key="fawen").process_id == "fawen_short"


def test_a_subject_app_can_require_more_tasks(city):
    registry.register_process_key("fawen", required_tasks=["review"])
    try:
        with pytest.raises(BpmnInvalid, match="核稿（id=review）"):
            services.definition_replace(
                actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
            )
    finally:
        registry.process_key("fawen").required_tasks.discard("review")


def test_process_data_for_the_default_flow_also_runs_the_short_flow(city, cast):
    services.definition_replace(
        actor=city.shuziban, key="fawen", unit=city.a, bpmn_xml=samples.FAWEN_SHORT
    )
    instance = start_fawen(city, cast, data=fawen_data(cast))
    assert open_steps(instance) == ["draft"]
