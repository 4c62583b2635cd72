"""Process definitions (BPMN files), running processes and their work items (待办).

A process refers to its subject generically (subject_type + subject_id): the subject app
attaches to a process, never the reverse.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wenshu.accounts.roles import ROLE_LABELS, Role
from wenshu.lib.errors import Conflict
from wenshu.workflow.engine import DECISIONS

_USER = settings.AUTH_USER_MODEL


def check_transition(
    table: dict[str, frozenset[str]], labels: dict[str, str], current: str, target: str, what: str
) -> None:
    """Raise Conflict (in Chinese) unless `current → target` is in the transitions table."""
    if target not in table.get(current, frozenset()):
        raise Conflict(
            f"{what}当前状态为“{labels.get(current, current)}”，"
            f"不能改为“{labels.get(target, target)}”。页面可能已过期，请刷新后查看。"
        )


class ProcessDefinition(models.Model):
    """One version of a flow for a key (fawen, shouwen …) and a unit (null = the city default).

    Rows are never edited: replacing a flow adds a version and deactivates the old one, so a
    running process (which carries its own copy of the spec) is never affected.
    """

    key = models.CharField("流程类别", max_length=40)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="单位（空为全市默认）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_definitions",
    )
    version = models.PositiveIntegerField("版本")
    name = models.CharField("流程名称", max_length=200)
    process_id = models.CharField("流程标识（BPMN process id）", max_length=200)
    bpmn_xml = models.TextField("BPMN 文件")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    filename = models.CharField("文件名", max_length=200, blank=True)
    # The user tasks as the file declares them ([TaskMeta.as_dict()]), kept so a page or an
    # assignment never has to parse the XML again.
    tasks = models.JSONField("用户任务", default=list)
    uploaded_by = models.ForeignKey(
        _USER,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    active = models.BooleanField("当前使用", default=True)

    class Meta:
        ordering = ("key", "unit_id", "-version")
        verbose_name = "流程定义"
        constraints = (
            models.UniqueConstraint(
                fields=["key", "unit", "version"],
                condition=Q(unit__isnull=False),
                name="wf_def_version_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(unit__isnull=True),
                name="wf_def_version_unique_city",
            ),
            models.UniqueConstraint(
                fields=["key", "unit"],
                condition=Q(active=True, unit__isnull=False),
                name="wf_def_one_active_unit",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(active=True, unit__isnull=True),
                name="wf_def_one_active_city",
            ),
        )

    def __str__(self) -> str:
        scope = self.unit.short_name if self.unit is not None else "全市默认"
        return f"{self.name}（{scope}，第 {self.version} 版）"

    def task_meta(self, task_id: str) -> dict | None:
        return next((t for t in self.tasks if t["id"] == task_id), None)


class ProcessInstance(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "办理中"  # has open work items (or is between steps)
        COMPLETED = "completed", "已办结"  # reached an end event
        CANCELLED = "cancelled", "已终止"  # stopped by a person, with a reason

    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="instances"
    )
    key = models.CharField("流程类别", max_length=40)
    subject_type = models.CharField("办理对象类型", max_length=60)
    subject_id = models.CharField("办理对象编号", max_length=64)
    title = models.CharField("标题", max_length=300, blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="process_instances")
    # Spiff's own serialisation of the running workflow (spec included).
    state = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField("终止原因", blank=True)
    # Bumped by every change of `state`; a save that finds another version lost a race.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-started_at", "-id")
        verbose_name = "流程实例"
        indexes = (models.Index(fields=["subject_type", "subject_id"]),)
        constraints = (
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(status="running"),
                name="wf_one_running_process_per_subject",
            ),
        )

    def __str__(self) -> str:
        return self.title or f"{self.definition.name} #{self.pk}"

    def move_to(self, target: str) -> None:
        check_transition(
            INSTANCE_TRANSITIONS, dict(self.Status.choices), self.status, target, "该流程"
        )
        self.status = target


INSTANCE_TRANSITIONS: dict[str, frozenset[str]] = {
    ProcessInstance.Status.RUNNING: frozenset(
        {ProcessInstance.Status.COMPLETED, ProcessInstance.Status.CANCELLED}
    ),
    ProcessInstance.Status.COMPLETED: frozenset(),
    ProcessInstance.Status.CANCELLED: frozenset(),
}


class WorkItem(models.Model):
    """A to-do (待办): one user task offered to one person, or to a role in a unit/department.

    A task offered to several people (a seal's custodians) has one item each; the first to act
    completes the task and the others are cancelled.
    """

    class Status(models.TextChoices):
        OPEN = "open", "待办理"
        DONE = "done", "已办理"
        WITHDRAWN = "withdrawn", "已撤回"  # its completion was withdrawn, or its step undone
        CANCELLED = "cancelled", "已取消"  # another person acted first, or the process ended

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="items")
    spiff_task_id = models.CharField(max_length=36)
    task_spec_id = models.CharField("环节标识", max_length=200)
    name = models.CharField("环节", max_length=200)
    # Whose people act: the assignee's unit, or the unit of the candidate role.
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        _USER,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    candidate_role = models.CharField("候选角色", max_length=30, blank=True)
    candidate_department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decision = models.CharField("意见类型", max_length=20, blank=True)
    opinion = models.TextField("意见", blank=True)
    data = models.JSONField("提交的数据", default=dict, blank=True)
    completed_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a delegate acted for the person the item was for (issue 6).
    on_behalf_of = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True)
    # The completion that made this item's task ready (the "previous step").
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_items"
    )
    # Workflow state before this item was completed, and the instance version right after:
    # a withdrawal restores the snapshot only while the version is still the same.
    snapshot = models.TextField(blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = "待办"
        indexes = (
            models.Index(fields=["status", "assignee"]),
            models.Index(fields=["status", "unit", "candidate_role"]),
            models.Index(fields=["instance", "spiff_task_id"]),
        )
        constraints = (
            models.UniqueConstraint(
                fields=["spiff_task_id", "assignee"],
                condition=Q(status="open", assignee__isnull=False),
                name="wf_one_open_item_per_person_and_task",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name}（{self.instance}）"

    def move_to(self, target: str) -> None:
        check_transition(ITEM_TRANSITIONS, dict(self.Status.choices), self.status, target, "该待办")
        self.status = target

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)

    @property
    def offered_to_label(self) -> str:
        """A person's name, or 单位 · 部门 · 角色 (callers select_related these)."""
        if self.assignee is not None:
            return self.assignee.display_name
        parts = [self.unit.short_name]
        if self.candidate_department is not None:
            parts.append(self.candidate_department.name)
        parts.append(ROLE_LABELS[Role(self.candidate_role)] if self.candidate_role else "任一人员")
        return " · ".join(parts)


ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    WorkItem.Status.OPEN: frozenset(
        {WorkItem.Status.DONE, WorkItem.Status.WITHDRAWN, WorkItem.Status.CANCELLED}
    ),
    WorkItem.Status.DONE: frozenset({WorkItem.Status.WITHDRAWN}),
    WorkItem.Status.WITHDRAWN: frozenset(),
    WorkItem.Status.CANCELLED: frozenset(),
}
