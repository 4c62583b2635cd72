"""Leader's schedule (领导日程): the leader names keepers and viewers; keepers write, viewers
read (not private events), everyone else gets a 404."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.schedules import selectors, services
from wenshu.schedules.tests.conftest import soon

pytestmark = pytest.mark.django_db


def _items(viewer, leader):
    from datetime import timedelta

    return {
        i.title
        for i in selectors.items_for_leader(
            viewer=viewer, leader=leader, start=soon(0, 0), end=soon(0, 0) + timedelta(days=30)
        )
    }


def test_a_keeper_keeps_the_leaders_schedule_on_their_behalf(city, event):
    services.keeper_add(actor=city.a_leader, person=city.a_clerk)
    done = event(city.a_clerk, "局长调研", leader=city.a_leader)
    assert done.owner == city.a_leader and done.created_by == city.a_clerk
    row = AuditEvent.objects.filter(action="schedules.event_create").latest("id")
    assert row.on_behalf_of_id == city.a_leader.pk
    services.event_update(
        actor=city.a_clerk,
        event=done,
        data=services.EventInput(title="局长下乡调研", start_at=done.start_at, end_at=done.end_at),
    )
    assert _items(city.a_leader, city.a_leader) == {"局长下乡调研"}


def test_someone_not_named_cannot_see_or_keep_it(city, event):
    event(city.a_leader, "局长调研", leader=city.a_leader)
    for outsider in (city.a_staff, city.b_leader):
        with pytest.raises(NotFound):
            selectors.leader_for_viewer(viewer=outsider, leader_id=city.a_leader.pk)
        with pytest.raises(NotFound):
            event(outsider, "冒充", leader=city.a_leader)


def test_a_viewer_sees_but_cannot_write_and_misses_private_events(city, event):
    services.viewer_add(actor=city.a_leader, unit=city.a)
    shown = event(city.a_leader, "局长调研", leader=city.a_leader)
    event(city.a_leader, "个人安排", leader=city.a_leader, private=True)
    assert _items(city.a_staff, city.a_leader) == {"局长调研"}
    assert _items(city.a_leader, city.a_leader) == {"局长调研", "个人安排"}
    with pytest.raises(Forbidden):
        event(city.a_staff, "随手加", leader=city.a_leader)
    with pytest.raises(Forbidden):
        services.event_delete(actor=city.a_staff, event=shown)


def test_a_viewer_removed_loses_access(city, event):
    row = services.viewer_add(actor=city.a_leader, person=city.b_staff)
    assert selectors.leader_for_viewer(viewer=city.b_staff, leader_id=city.a_leader.pk)
    services.viewer_remove(actor=city.a_leader, viewer_id=row.pk)
    with pytest.raises(NotFound):
        selectors.leader_for_viewer(viewer=city.b_staff, leader_id=city.a_leader.pk)


def test_only_a_leader_names_keepers_and_from_their_own_unit(city):
    with pytest.raises(Forbidden):
        services.keeper_add(actor=city.a_clerk, person=city.a_staff)
    with pytest.raises(DomainError):
        services.keeper_add(actor=city.a_leader, person=city.b_clerk)
    services.keeper_add(actor=city.a_leader, person=city.a_clerk)
    with pytest.raises(Conflict):
        services.keeper_add(actor=city.a_leader, person=city.a_clerk)


def test_a_leader_cannot_remove_another_leaders_keeper(city):
    row = services.keeper_add(actor=city.a_leader, person=city.a_clerk)
    with pytest.raises(NotFound):
        services.keeper_remove(actor=city.b_leader, keeper_id=row.pk)


def test_a_viewer_is_a_person_or_a_unit_not_both(city):
    with pytest.raises(DomainError):
        services.viewer_add(actor=city.a_leader, person=city.a_staff, unit=city.a)
    with pytest.raises(DomainError):
        services.viewer_add(actor=city.a_leader)


def test_a_non_leaders_calendar_is_not_a_leader_schedule(city):
    with pytest.raises(NotFound):
        selectors.leader_for_viewer(viewer=city.a_staff, leader_id=city.a_staff.pk)


def test_the_sharing_page_adds_keepers_and_refuses_non_leaders(login, city):
    c = login(city.a_leader)
    assert c.get("/schedules/sharing/").status_code == 200
    response = c.post("/schedules/sharing/", {"action": "keeper", "k-person": city.a_clerk.pk})
    assert response.status_code == 302
    assert selectors.may_keep(city.a_clerk, city.a_leader)
    refused = c.post("/schedules/sharing/", {"action": "viewer"})
    assert refused.status_code == 400 and "二选一" in refused.content.decode()
    assert login(city.a_staff).get("/schedules/sharing/").status_code == 403


def test_keepers_see_the_leader_page_and_outsiders_get_404(login, city, event):
    services.keeper_add(actor=city.a_leader, person=city.a_clerk)
    event(city.a_leader, "局长调研", leader=city.a_leader, days=0)
    page = login(city.a_clerk).get(f"/schedules/leaders/{city.a_leader.pk}/week/")
    assert page.status_code == 200 and "局长调研" in page.content.decode()
    for path in ("week", "month"):
        assert (
            login(city.b_staff).get(f"/schedules/leaders/{city.a_leader.pk}/{path}/").status_code
            == 404
        )
    assert (
        login(city.b_staff).get(f"/schedules/events/new/?leader={city.a_leader.pk}").status_code
        == 404
    )
