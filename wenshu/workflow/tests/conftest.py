"""Workflow fixtures: unit A's people for the 发文 flow, two departments, and step helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from conftest import make_person
from wenshu.org.models import Department
from wenshu.workflow import services
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.selectors import offered_to

SUBJECT = "test_subject"


@dataclass
class Cast:
    drafter: Any
    reviewer: Any
    dept1: Any  # 办公室
    dept2: Any  # 预算科
    dept1_member: Any
    dept2_member: Any
    signer: Any
    custodian1: Any
    custodian2: Any
    dispatcher: Any


@pytest.fixture
def cast(city: Any) -> Cast:
    dept1 = Department.objects.create(unit=city.a, name="办公室")
    dept2 = Department.objects.create(unit=city.a, name="预算科")
    return Cast(
        drafter=city.a_staff,
        reviewer=city.a_clerk,
        dept1=dept1,
        dept2=dept2,
        dept1_member=make_person("a_office", city.a, "staff", real_name="艾办公", department=dept1),
        dept2_member=make_person("a_budget", city.a, "staff", real_name="艾预算", department=dept2),
        signer=city.a_leader,
        custodian1=city.a_custodian,
        custodian2=make_person("a_custodian2", city.a, "seal_custodian", real_name="艾保管二"),
        dispatcher=city.a_clerk,
    )


def fawen_data(cast: Cast, *, countersign: list[Any] | None = None) -> dict[str, Any]:
    depts = [cast.dept1, cast.dept2] if countersign is None else countersign
    return {
        "drafter": cast.drafter.pk,
        "reviewer": cast.reviewer.pk,
        "countersign": [{"department": d.pk} for d in depts],
        "signer": cast.signer.pk,
        "custodians": [cast.custodian1.pk, cast.custodian2.pk],
        "dispatcher": cast.dispatcher.pk,
    }


_counter = {"n": 0}


def start_fawen(city: Any, cast: Cast, **kwargs: Any) -> ProcessInstance:
    _counter["n"] += 1
    return services.process_start(
        actor=kwargs.pop("actor", cast.drafter),
        key="fawen",
        unit=city.a,
        subject_type=SUBJECT,
        subject_id=kwargs.pop("subject_id", _counter["n"]),
        data=kwargs.pop("data", None) or fawen_data(cast, **kwargs),
        title="关于做好年度预算编制工作的通知",
    )


def open_steps(instance: ProcessInstance) -> list[str]:
    return sorted(
        instance.items.filter(status=WorkItem.Status.OPEN).values_list("task_spec_id", flat=True)
    )


def item_of(instance: ProcessInstance, person: Any, task: str | None = None) -> WorkItem:
    """The open item of this instance that is offered to the person (optionally of one task)."""
    items = instance.items.filter(status=WorkItem.Status.OPEN).select_related("instance")
    if task:
        items = items.filter(task_spec_id=task)
    found = [i for i in items if offered_to(person, i)]
    assert len(found) == 1, (
        f"{person} has {len(found)} open items: {[i.task_spec_id for i in items]}"
    )
    return found[0]


def act(
    instance: ProcessInstance,
    person: Any,
    decision: str = "approve",
    opinion: str = "",
    task: str | None = None,
    **kwargs: Any,
) -> WorkItem:
    if decision != "approve" and not opinion:
        opinion = "请修改后再报"
    return services.work_item_complete(
        actor=person,
        item=item_of(instance, person, task),
        decision=decision,
        opinion=opinion,
        **kwargs,
    )


def as_client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="wenshu.accounts.backends.WenshuBackend")
    return client
