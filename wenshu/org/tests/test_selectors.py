"""Reads are scoped to the viewer: another unit's requests are NotFound."""

from __future__ import annotations

import pytest

from wenshu.lib.errors import Forbidden, NotFound
from wenshu.org import selectors, services
from wenshu.org.models import Deregistration, Unit
from wenshu.org.tests.conftest import application_args


def test_the_directory_holds_registered_units_only(city):
    services.unit_apply(actor=city.shuziban, **application_args())
    services.unit_merge(actor=city.shuziban, sources=[city.b], target=city.a)
    names = set(
        selectors.units_in_directory(viewer=city.a_staff).values_list("short_name", flat=True)
    )
    assert "市审计局" not in names and "市教育局" not in names and "市财政局" in names


def test_the_directory_finds_a_unit_by_a_former_name(city):
    request = services.unit_rename_request(
        actor=city.b_admin,
        unit=city.b,
        new_full_name="白银市教育和体育局",
        new_short_name="市教体局",
        new_admin=city.b_admin,
        kept_people=[],
    )
    services.unit_rename_approve(actor=city.shuziban, request=request)
    assert [u.pk for u in selectors.units_in_directory(viewer=city.a_staff, q="教育局")] == [
        city.b.pk
    ]


def test_the_registry_is_the_digital_offices(city):
    assert selectors.unit_registry(viewer=city.shuziban, status=Unit.Status.REGISTERED).count() == 5
    for who in (city.a_admin, city.sysadmin):
        with pytest.raises(Forbidden):
            selectors.unit_registry(viewer=who)


def test_unit_for_viewer_scopes_units(city):
    assert selectors.unit_for_viewer(viewer=city.shuziban, unit_id=city.b.pk) == city.b
    assert selectors.unit_for_viewer(viewer=city.a_admin, unit_id=city.a.pk) == city.a
    assert selectors.unit_for_viewer(viewer=city.a_leader, unit_id=city.a.pk) == city.a
    for viewer, unit in ((city.a_admin, city.b), (city.a_clerk, city.a), (city.b_admin, city.a)):
        with pytest.raises(NotFound):
            selectors.unit_for_viewer(viewer=viewer, unit_id=unit.pk)
    with pytest.raises(NotFound):
        selectors.unit_for_viewer(viewer=city.shuziban, unit_id=999999)


def test_a_superiors_admin_follows_the_application_they_filed(city):
    application = services.unit_apply(actor=city.a_admin, **application_args())
    assert selectors.unit_for_viewer(viewer=city.a_admin, unit_id=application.unit_id)
    assert list(selectors.pending_applications(viewer=city.a_admin)) == [application]
    assert list(selectors.pending_applications(viewer=city.shuziban)) == [application]
    assert not selectors.pending_applications(viewer=city.b_admin).exists()
    with pytest.raises(NotFound):
        selectors.application_for_viewer(viewer=city.b_admin, application_id=application.pk)


def test_requests_are_seen_by_their_unit_and_the_digital_office(city):
    dereg = services.unit_deregister_request(
        actor=city.b_admin, unit=city.b, reason="撤销", disposal=Deregistration.Disposal.ARCHIVE
    )
    assert selectors.deregistration_for_viewer(viewer=city.shuziban, request_id=dereg.pk)
    assert selectors.deregistration_for_viewer(viewer=city.b_admin, request_id=dereg.pk)
    for outsider in (city.a_admin, city.b_staff):
        with pytest.raises(NotFound):
            selectors.deregistration_for_viewer(viewer=outsider, request_id=dereg.pk)


def test_the_pending_counter_counts_what_waits_for_the_office(city):
    services.unit_apply(actor=city.a_admin, **application_args())
    services.unit_deregister_request(
        actor=city.b_admin, unit=city.b, reason="撤销", disposal=Deregistration.Disposal.ARCHIVE
    )
    assert selectors.pending_count(viewer=city.shuziban) == 2
    assert selectors.pending_count(viewer=city.a_admin) == 0
