"""The workflow state kept in the database: a round trip through the row on this database
(SQLite or PostgreSQL: the suite runs on both), optimistic versions, and the double click
of two threads (PostgreSQL row locks)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection

from wenshu.lib.errors import Conflict
from wenshu.workflow import engine, services
from wenshu.workflow.models import ProcessInstance, WorkItem
from wenshu.workflow.services import _items
from wenshu.workflow.tests.conftest import act, item_of, open_steps, start_fawen


@pytest.mark.django_db
def test_the_state_survives_a_round_trip_through_the_database(city, cast):
    instance = start_fawen(city, cast)
    act(instance, cast.drafter, data={"note": "中文数据 ✓", "copies": 3})
    stored = ProcessInstance.objects.get(pk=instance.pk)
    state = json.loads(stored.state)  # valid JSON, spec included
    assert state["spec"]["name"] == "fawen"
    wf = engine.load(stored.state)
    [task] = engine.ready_user_tasks(wf)
    assert engine.spec_id(task) == "review"
    assert task.data["note"] == "中文数据 ✓" and task.data["copies"] == 3
    assert engine.dump(engine.load(engine.dump(wf))) == engine.dump(wf)
    item = item_of(stored, cast.reviewer)
    assert item.spiff_task_id == str(task.id)
    act(stored, cast.reviewer)
    assert open_steps(stored) == ["countersign", "countersign"]
    assert ProcessInstance.objects.get(pk=instance.pk).version == 2


@pytest.mark.django_db
def test_a_stale_version_is_refused(city, cast):
    instance = start_fawen(city, cast)
    stale = ProcessInstance.objects.get(pk=instance.pk)
    act(instance, cast.drafter)
    with pytest.raises(Conflict, match="刚被他人更新"):
        _items.save_state(stale, engine.load(stale.state))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_threads_completing_the_same_item_complete_it_once(city, cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    instance = start_fawen(city, cast)
    item = item_of(instance, cast.drafter)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        try:
            barrier.wait()
            services.work_item_complete(actor=cast.drafter, item=WorkItem.objects.get(pk=item.pk))
            results.append("done")
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["done", "refused"]
    assert instance.items.filter(task_spec_id="review").count() == 1
    assert ProcessInstance.objects.get(pk=instance.pk).version == 1
