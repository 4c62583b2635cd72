"""The BPMN engine seam: SpiffWorkflow 3.2 behind a few functions, and the rules a BPMN file
must follow to run here (the conventions are documented for the digital office in
docs/parts/workflow.md, section 市数字办).

Nothing here touches the database. Services parse a definition once when it is installed
(`parse_definition`, which refuses anything unsafe or unusable with a Chinese message), start
workflows from the stored XML, and keep each running workflow as Spiff's own JSON.

Safety: an uploaded file is data, not code. Spiff evaluates gateway conditions with Python's
eval() and runs script tasks with exec(); here scripts are refused at upload and disabled in
the engine, and every expression must pass a small whitelist (comparisons of task data with
constants, and/or/not, `in`, len()). XML is parsed without DTDs, entities or network access.
"""

from __future__ import annotations

import ast
import copy
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from wenshu.lib.errors import DomainError

# Spiff logs every task state change at INFO: far too chatty for an office server.
logging.getLogger("spiff").setLevel(logging.WARNING)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
WENSHU_NS = "urn:wenshu:bpmn:1.0"
NSMAP = {"bpmn": BPMN_NS, "wenshu": WENSHU_NS}
MAX_XML_BYTES = 1_000_000
MAX_EXPRESSION_CHARS = 500

# Decisions a step may offer (wenshu:decisions); the gateway after a step tests `decision`.
DECISIONS: dict[str, str] = {
    "approve": "同意",
    "return": "退回",
    "reject": "不同意",
}
DEFAULT_DECISIONS = ("approve",)

# Elements a process may contain. Everything else (script, service and call activities,
# sub-processes, timers and other events) is refused: it would run code or wait for things
# this system does not deliver.
_ALLOWED_IN_PROCESS = frozenset(
    {
        "startEvent",
        "endEvent",
        "userTask",
        "task",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "sequenceFlow",
        "textAnnotation",
        "association",
        "laneSet",
        "dataObject",
        "dataObjectReference",
    }
)
_ELEMENT_LABELS = {
    "scriptTask": "脚本任务",
    "serviceTask": "服务任务",
    "businessRuleTask": "业务规则任务",
    "sendTask": "发送任务",
    "receiveTask": "接收任务",
    "callActivity": "调用活动",
    "subProcess": "子流程",
    "transaction": "事务子流程",
    "adHocSubProcess": "自由子流程",
    "manualTask": "手工任务",
    "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件",
    "boundaryEvent": "边界事件",
    "eventBasedGateway": "事件网关",
    "complexGateway": "复杂网关",
}
_EXPRESSION_TAGS = (
    "conditionExpression",
    "loopCardinality",
    "completionCondition",
    "loopCondition",
)


class BpmnInvalid(DomainError):
    """An uploaded BPMN file cannot be used; the message says what to fix."""

    code = "bpmn_invalid"


class EngineError(DomainError):
    """The flow could not go on (a condition failed on this process's data)."""

    code = "workflow_error"


# --- what a definition declares -----------------------------------------------------------


@dataclass(frozen=True)
class TaskMeta:
    """One user task of a definition, as its BPMN declares it."""

    id: str
    name: str
    assignee_key: str = ""
    candidate_role: str = ""
    decisions: tuple[str, ...] = DEFAULT_DECISIONS
    due_days: int | None = None
    multi: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "assignee_key": self.assignee_key,
            "candidate_role": self.candidate_role,
            "decisions": list(self.decisions),
            "due_days": self.due_days,
            "multi": self.multi,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskMeta:
        return cls(
            id=data["id"],
            name=data["name"],
            assignee_key=data.get("assignee_key", ""),
            candidate_role=data.get("candidate_role", ""),
            decisions=tuple(data.get("decisions") or DEFAULT_DECISIONS),
            due_days=data.get("due_days"),
            multi=bool(data.get("multi")),
        )


@dataclass(frozen=True)
class ParsedDefinition:
    process_id: str
    name: str
    tasks: dict[str, TaskMeta] = field(default_factory=dict)


# --- safe expressions ---------------------------------------------------------------------

_SAFE_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Subscript,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Call,
)
_SAFE_FUNCTIONS = {"len": len}


def check_expression(expression: str) -> ast.Expression:
    """Parse an expression and refuse anything but plain comparisons of task data."""
    text = (expression or "").strip()
    if not text:
        raise BpmnInvalid("条件表达式为空")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise BpmnInvalid(f"条件表达式过长（不超过 {MAX_EXPRESSION_CHARS} 个字符）：{text[:60]}…")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise BpmnInvalid(f"条件表达式有语法错误：{text}（{exc.msg}）") from exc
    for node in ast.walk(tree):
        bad = not isinstance(node, _SAFE_NODES)
        bad = bad or (isinstance(node, ast.Name) and node.id.startswith("_"))
        bad = bad or (
            isinstance(node, ast.Call)
            and not (
                isinstance(node.func, ast.Name)
                and node.func.id in _SAFE_FUNCTIONS
                and not node.keywords
            )
        )
        if bad:
            raise BpmnInvalid(
                f"条件表达式“{text}”含有不允许的写法（{type(node).__name__}）："
                '只能比较流程数据与常量，例如 decision == "return"'
            )
    return tree


@lru_cache(maxsize=512)
def _compiled(expression: str) -> Any:
    return compile(check_expression(expression), "<bpmn>", "eval")


class _SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates whitelisted expressions over task data; never runs a script."""

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        names = {**(external_context or {}), **context}
        return eval(_compiled(expression), {"__builtins__": {}, **_SAFE_FUNCTIONS}, names)  # noqa: S307

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> bool:
        raise EngineError("本系统的流程不允许运行脚本")

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise EngineError("本系统的流程不允许调用外部服务")


SCRIPT_ENGINE = PythonScriptEngine(environment=_SafeEnvironment())
_SERIALIZER = BpmnWorkflowSerializer()


# --- parsing and validating a definition --------------------------------------------------


def _xml_tree(xml: str | bytes) -> etree._Element:
    raw = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    if not raw.strip():
        raise BpmnInvalid("文件为空")
    if len(raw) > MAX_XML_BYTES:
        raise BpmnInvalid(f"流程文件过大（不超过 {MAX_XML_BYTES // 1000} KB）")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise BpmnInvalid(f"不是有效的 XML 文件：{exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise BpmnInvalid("流程文件不能包含 DOCTYPE 声明")
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise BpmnInvalid("不是 BPMN 2.0 文件：根元素应为 bpmn:definitions")
    return root


@lru_cache(maxsize=1)
def _validator() -> BpmnValidator:
    return BpmnValidator()


def _schema_check(root: etree._Element) -> None:
    try:
        _validator().validate(copy.deepcopy(root))
    except ValidationException as exc:
        raise BpmnInvalid(f"不符合 BPMN 2.0 规范（第 {exc.line_number} 行）：{exc}") from exc


def _executable_process(root: etree._Element) -> etree._Element:
    processes = [
        p for p in root.iterfind("bpmn:process", NSMAP) if p.get("isExecutable", "true") == "true"
    ]
    if len(processes) != 1:
        raise BpmnInvalid(
            f'流程文件中应恰好有一个可执行流程（isExecutable="true"），现有 {len(processes)} 个'
        )
    return processes[0]


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _check_elements(process: etree._Element) -> None:
    for child in process:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != BPMN_NS:
            continue
        name = _local(child.tag)
        if name in ("documentation", "extensionElements", "ioSpecification", "property"):
            continue
        if name not in _ALLOWED_IN_PROCESS:
            label = _ELEMENT_LABELS.get(name, name)
            raise BpmnInvalid(
                f"流程中含有不支持的元素“{label}”（bpmn:{name}，id={child.get('id', '')}）："
                "只能使用开始事件、结束事件、用户任务、排他/并行/包容网关和顺序流"
            )
    for event in process.iterfind(".//bpmn:*", NSMAP):
        if _local(event.tag).endswith("EventDefinition"):
            raise BpmnInvalid(
                f"事件“{event.getparent().get('name') or event.getparent().get('id')}”带有"
                f"{_local(event.tag)}：只支持普通的开始事件和结束事件（不支持定时、消息等事件）"
            )


def _check_expressions(process: etree._Element) -> None:
    for tag in _EXPRESSION_TAGS:
        for node in process.iterfind(f".//bpmn:{tag}", NSMAP):
            check_expression(node.text or "")


def _task_meta(node: etree._Element, roles: Iterable[str]) -> TaskMeta:
    task_id, name = node.get("id", ""), (node.get("name") or "").strip()
    label = name or task_id
    if not name:
        raise BpmnInvalid(f"用户任务 {task_id} 没有名称（name），待办中无法显示")
    key = (node.get(f"{{{WENSHU_NS}}}assigneeKey") or "").strip()
    role = (node.get(f"{{{WENSHU_NS}}}candidateRole") or "").strip()
    if not key and not role:
        raise BpmnInvalid(
            f"用户任务“{label}”没有指明办理人：请加 wenshu:assigneeKey（流程数据中的键）"
            "或 wenshu:candidateRole（角色）"
        )
    if key and not key.isidentifier():
        raise BpmnInvalid(
            f"用户任务“{label}”的 wenshu:assigneeKey 应为字母、数字和下划线组成的名称"
        )
    if role and role not in set(roles):
        raise BpmnInvalid(f"用户任务“{label}”的 wenshu:candidateRole“{role}”不是单位内的角色")
    decisions = tuple(
        d.strip()
        for d in (node.get(f"{{{WENSHU_NS}}}decisions") or "approve").split(",")
        if d.strip()
    )
    unknown = [d for d in decisions if d not in DECISIONS]
    if unknown or not decisions:
        raise BpmnInvalid(
            f"用户任务“{label}”的 wenshu:decisions 含有未知的意见“{'、'.join(unknown)}”"
            f"（可用：{', '.join(DECISIONS)}）"
        )
    return TaskMeta(
        id=task_id,
        name=name,
        assignee_key=key,
        candidate_role=role,
        decisions=decisions,
        due_days=_due_days(node, label),
        multi=node.find("bpmn:multiInstanceLoopCharacteristics", NSMAP) is not None,
    )


def _due_days(node: etree._Element, label: str) -> int | None:
    raw = (node.get(f"{{{WENSHU_NS}}}dueDays") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 365:
        raise BpmnInvalid(f"用户任务“{label}”的 wenshu:dueDays 应为 1 至 365 的整数（天）")
    return int(raw)


def _spiff_parse(root: etree._Element, process_id: str) -> Any:
    parser = BpmnParser()
    try:
        parser.add_bpmn_xml(copy.deepcopy(root), filename="upload.bpmn")
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        where = f"（元素 {exc.id}）" if getattr(exc, "id", "") else ""
        raise BpmnInvalid(f"流程无法执行{where}：{exc}") from exc
    except Exception as exc:  # Spiff raises many kinds for odd files; all mean "unusable"
        raise BpmnInvalid(f"流程无法解析：{exc}") from exc


def parse_definition(xml: str | bytes, *, roles: Iterable[str]) -> ParsedDefinition:
    """Validate a BPMN file for this system; return its process id, name and user tasks.

    `roles` are the role codes a task may name in wenshu:candidateRole.
    """
    root = _xml_tree(xml)
    _schema_check(root)
    process = _executable_process(root)
    _check_elements(process)
    _check_expressions(process)
    process_id = process.get("id", "")
    roles = tuple(roles)
    tasks = {
        node.get("id", ""): _task_meta(node, roles)
        for node in process.iterfind(".//bpmn:userTask", NSMAP)
    }
    if not tasks:
        raise BpmnInvalid("流程中没有任何用户任务")
    _spiff_parse(root, process_id)
    return ParsedDefinition(
        process_id=process_id, name=process.get("name") or process_id, tasks=tasks
    )


# --- running workflows --------------------------------------------------------------------


def new_workflow(xml: str, process_id: str) -> BpmnWorkflow:
    """A fresh workflow from a stored (already validated) definition."""
    spec, subprocesses = _spiff_parse(_xml_tree(xml), process_id)
    return BpmnWorkflow(spec, subprocesses, script_engine=SCRIPT_ENGINE)


def _steps(wf: BpmnWorkflow) -> None:
    try:
        wf.do_engine_steps()
    except DomainError:
        raise
    except SpiffWorkflowException as exc:
        raise EngineError(f"流程无法继续：{exc}。请联系市数字办检查流程文件或流程数据。") from exc


def start(wf: BpmnWorkflow, data: dict[str, Any]) -> None:
    """Put the process data on the start task and run until the first user tasks."""
    first = wf.get_tasks(state=TaskState.READY)
    if not first:
        raise EngineError("流程没有可开始的任务")
    first[0].data.update(copy.deepcopy(data))
    _steps(wf)


def ready_user_tasks(wf: BpmnWorkflow) -> list[Task]:
    return wf.get_tasks(state=TaskState.READY, manual=True)


def task_by_id(wf: BpmnWorkflow, task_id: str) -> Task | None:
    try:
        return wf.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError):
        return None


def spec_id(task: Task) -> str:
    return str(task.task_spec.bpmn_id or task.task_spec.name)


def task_data(task: Task) -> dict[str, Any]:
    return json.loads(json.dumps(task.data, default=str))


def complete(wf: BpmnWorkflow, task: Task, *, decision: str, data: dict[str, Any]) -> None:
    """Finish a ready user task with a decision and extra data, then run engine steps."""
    task.data.update(copy.deepcopy(data))
    task.data["decision"] = decision
    parent_spec = task.parent.task_spec if task.parent is not None else None
    if isinstance(parent_spec, MultiInstanceTask) and parent_spec.input_item is not None:
        # The instance's own item must not flow back into the shared data, or the next pass
        # through the same multi-instance step (after a return) refuses to start.
        task.data.pop(parent_spec.input_item.bpmn_id, None)
    try:
        task.run()
    except SpiffWorkflowException as exc:
        raise EngineError(f"流程无法继续：{exc}") from exc
    _steps(wf)


def is_completed(wf: BpmnWorkflow) -> bool:
    return bool(wf.completed)


def dump(wf: BpmnWorkflow) -> str:
    return _SERIALIZER.serialize_json(wf)


def load(state: str) -> BpmnWorkflow:
    wf = _SERIALIZER.deserialize_json(state)
    wf.script_engine = SCRIPT_ENGINE
    return wf
