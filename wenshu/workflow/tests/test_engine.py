"""The engine seam without the database: parsing rules, safe expressions, running a flow."""

from __future__ import annotations

import pytest

from wenshu.workflow import engine
from wenshu.workflow.registry import BPMN_DIR
from wenshu.workflow.tests import bpmn_samples as samples

ROLES = ("clerk", "unit_leader", "seal_custodian", "staff", "unit_admin")


def _parse(xml: str) -> engine.ParsedDefinition:
    return engine.parse_definition(xml, roles=ROLES)


def test_the_shipped_files_parse_with_chinese_task_names():
    fawen = _parse((BPMN_DIR / "fawen.bpmn").read_text("utf-8"))
    assert [(t.id, t.name) for t in fawen.tasks.values()] == [
        ("draft", "拟稿"),
        ("review", "核稿"),
        ("countersign", "会签"),
        ("sign", "签发"),
        ("seal", "用印"),
        ("dispatch", "分发"),
    ]
    assert fawen.tasks["countersign"].multi and fawen.tasks["sign"].decisions == (
        "approve",
        "return",
    )
    shouwen = _parse((BPMN_DIR / "shouwen.bpmn").read_text("utf-8"))
    assert [t.name for t in shouwen.tasks.values()] == ["拟办", "批示", "承办", "办结", "归档"]
    assert shouwen.tasks["handle"].due_days == 10


@pytest.mark.parametrize(
    "expression",
    [
        'decision == "return"',
        'len(countersign) > 0 and decision != "return"',
        "copies in [1, 2]",
        "not urgent",
        'level == "特急" or n >= 3',
    ],
)
def test_plain_comparisons_are_allowed(expression):
    engine.check_expression(expression)


@pytest.mark.parametrize(
    "expression",
    [
        '__import__("os")',
        "().__class__",
        'open("/etc/passwd")',
        "[x for x in y]",
        "lambda: 1",
        "__builtins__",
        'getattr(x, "y")',
        "x if y else z",
        "a.b",
        "len(x, key=1)",
        "x" * 600,
    ],
)
def test_anything_else_is_refused(expression):
    with pytest.raises(engine.BpmnInvalid):
        engine.check_expression(expression)


def test_scripts_never_run_even_if_a_spec_carries_one():
    env = engine.SCRIPT_ENGINE.environment
    with pytest.raises(engine.EngineError, match="脚本"):
        env.execute("import os", {})
    assert env.evaluate('decision == "return"', {"decision": "return"}) is True
    with pytest.raises(engine.BpmnInvalid):
        env.evaluate("().__class__", {})


def test_a_flow_runs_returns_and_survives_serialisation_without_django():
    parsed = _parse(samples.FAWEN_SHORT)
    wf = engine.new_workflow(samples.FAWEN_SHORT, parsed.process_id)
    engine.start(wf, {"drafter": 1, "signer": 2})
    names = []
    for decision in ("approve", "return", "approve", "approve", "approve", "approve"):
        wf = engine.load(engine.dump(wf))
        [task] = engine.ready_user_tasks(wf)
        names.append(engine.spec_id(task))
        engine.complete(wf, task, decision=decision, data={})
    assert names == ["draft", "sign", "draft", "sign", "seal", "dispatch"]
    assert engine.is_completed(wf)


def test_a_condition_on_missing_data_stops_with_a_chinese_message():
    xml = samples.FAWEN_SHORT.replace('decision == "return"', "missing_key == 1")
    wf = engine.new_workflow(xml, _parse(xml).process_id)
    engine.start(wf, {})
    [draft] = engine.ready_user_tasks(wf)
    engine.complete(wf, draft, decision="approve", data={})
    [sign] = engine.ready_user_tasks(wf)
    with pytest.raises(engine.EngineError, match="流程无法继续"):
        engine.complete(wf, sign, decision="approve", data={})


def test_oversized_and_empty_files_are_refused():
    with pytest.raises(engine.BpmnInvalid, match="为空"):
        _parse("  ")
    with pytest.raises(engine.BpmnInvalid, match="过大"):
        _parse("<a>" + "x" * engine.MAX_XML_BYTES + "</a>")


def test_two_executable_processes_are_refused():
    other = '<bpmn:process id="other" isExecutable="true"><bpmn:startEvent id="s2"/></bpmn:process>'
    xml = samples.FAWEN_SHORT.replace("</bpmn:definitions>", other + "</bpmn:definitions>")
    with pytest.raises(engine.BpmnInvalid, match="恰好有一个"):
        _parse(xml)


def test_timer_events_and_subprocesses_are_refused():
    timer = samples.FAWEN_SHORT.replace(
        '<bpmn:startEvent id="start"/>',
        '<bpmn:startEvent id="start"><bpmn:timerEventDefinition/></bpmn:startEvent>',
    )
    with pytest.raises(engine.BpmnInvalid, match="timerEventDefinition"):
        _parse(timer)
    sub = samples.FAWEN_SHORT.replace(
        '<bpmn:endEvent id="end"/>', '<bpmn:subProcess id="sp"/><bpmn:endEvent id="end"/>'
    )
    with pytest.raises(engine.BpmnInvalid, match="子流程"):
        _parse(sub)
