"""The default 收文 flow: 拟办 → 批示 (leaders in parallel) → 承办 (departments in parallel,
each with a deadline) → 办结 → 归档."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.lib.errors import DomainError
from wenshu.workflow import selectors, services
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.tests.conftest import act, item_of, open_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(city):
    return make_person("a_deputy", city.a, "unit_leader", real_name="艾副局长")


def _start(city, **data):
    return services.process_start(
        actor=city.a_clerk,
        key="shouwen",
        unit=city.a,
        subject_type="delivery",
        subject_id="R-2026-001",
        data=data,
        title="关于开展安全生产检查的通知",
    )


def test_it_runs_with_two_leaders_and_two_handling_departments(city, cast, deputy):
    instance = _start(city, registrar=city.a_clerk.pk)
    assert open_steps(instance) == ["propose"]
    handlers = [
        {"department": cast.dept1.pk, "due": "2026-12-10"},
        {"department": cast.dept2.pk, "due": "2026-12-20"},
    ]
    act(
        instance,
        city.a_clerk,
        opinion="拟请两位局领导阅示，办公室、预算科承办",
        data={"leaders": [city.a_leader.pk, deputy.pk], "handlers": handlers},
    )
    assert open_steps(instance) == ["instruct", "instruct"]
    act(instance, deputy, opinion="同意，抓紧落实")
    assert open_steps(instance) == ["instruct"]
    act(instance, city.a_leader, opinion="请办公室牵头")
    assert open_steps(instance) == ["handle", "handle"]
    office = item_of(instance, cast.dept1_member)
    budget = item_of(instance, cast.dept2_member)
    assert timezone.localtime(office.due_at).date() == date(2026, 12, 10)
    assert timezone.localtime(budget.due_at).date() == date(2026, 12, 20)
    act(instance, cast.dept2_member, opinion="已完成自查")
    act(instance, cast.dept1_member, opinion="已汇总上报")
    assert open_steps(instance) == ["conclude"]
    act(instance, city.a_clerk, opinion="办结")
    archive = instance.items.get(status=WorkItem.Status.OPEN)
    assert archive.task_spec_id == "archive" and archive.candidate_role == "clerk"
    act(instance, city.a_clerk, data={"archive_no": "0001-WS·2026-Y-BGS-0001"})
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.COMPLETED
    history = selectors.history_for(viewer=city.a_staff, instance=instance)
    assert [h.name for h in history] == ["拟办", "批示", "批示", "承办", "承办", "办结", "归档"]
    assert {h.completed_by for h in history if h.name == "批示"} == {city.a_leader, deputy}


def test_handling_without_a_date_gets_the_files_default_deadline(city, cast):
    instance = _start(city, registrar=city.a_clerk.pk)
    act(instance, city.a_clerk, data={"leaders": [], "handlers": [{"department": cast.dept1.pk}]})
    item = item_of(instance, cast.dept1_member)
    assert item.task_spec_id == "handle"  # no leaders: 批示 is skipped
    days = (item.due_at - item.created_at).days
    assert 9 <= days <= 10  # wenshu:dueDays="10" in shouwen.bpmn


def test_an_impossible_deadline_is_refused(city, cast):
    instance = _start(city, registrar=city.a_clerk.pk)
    propose = item_of(instance, city.a_clerk)
    with pytest.raises(DomainError, match="日期"):
        services.work_item_complete(
            actor=city.a_clerk,
            item=propose,
            data={"leaders": [], "handlers": [{"department": cast.dept1.pk, "due": "2026-02-30"}]},
        )
    assert open_steps(instance) == ["propose"]


def test_without_a_registrar_any_clerk_of_the_unit_proposes(city):
    instance = _start(city)
    propose = instance.items.get()
    assert propose.assignee is None and propose.candidate_role == "clerk"
    assert selectors.todo_for(viewer=city.a_clerk).filter(pk=propose.pk).exists()
    assert not selectors.todo_for(viewer=city.b_clerk).exists()
