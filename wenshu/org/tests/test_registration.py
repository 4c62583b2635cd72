"""Registration (S1 art. 8): application with the superior's opinion, four-eyes review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden
from wenshu.org import services
from wenshu.org.models import Unit, UnitApplication
from wenshu.org.tests.conftest import application_args


def test_it_files_a_paper_application_as_the_digital_office(city):
    application = services.unit_apply(
        actor=city.shuziban, **application_args(superior=city.gov_office)
    )
    unit = application.unit
    assert unit.status == Unit.Status.APPLIED and not unit.in_directory
    assert application.channel == UnitApplication.Channel.PAPER
    assert application.superior_signer == "王主任" and application.planned_admin_name == "李管理"
    assert unit.superior == city.gov_office
    assert AuditEvent.objects.filter(action="org.unit_applied", target_id=str(unit.pk)).exists()


def test_a_superior_units_admin_files_for_a_subordinate(city):
    application = services.unit_apply(actor=city.a_admin, **application_args())
    assert application.channel == UnitApplication.Channel.SUPERIOR
    assert application.unit.superior == city.a


def test_a_unit_admin_cannot_file_for_another_units_subordinate(city):
    with pytest.raises(Forbidden):
        services.unit_apply(actor=city.a_admin, **application_args(superior=city.b))


@pytest.mark.parametrize("who", ["a_clerk", "a_leader", "sysadmin", "zhengfuban"])
def test_other_roles_cannot_file_an_application(city, who):
    with pytest.raises(Forbidden):
        services.unit_apply(actor=getattr(city, who), **application_args())
    assert not Unit.objects.filter(full_name="白银市审计局").exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("superior_opinion", "  ", "上级主管部门意见"),
        ("superior_signer", "", "签署人"),
        ("superior_signed_on", None, "签署日期"),
        ("planned_admin_name", "", "系统管理员"),
        ("full_name", "", "单位全称"),
        ("kind", "planet", "单位类别"),
    ],
)
def test_it_refuses_an_incomplete_application(city, field, value, message):
    with pytest.raises(DomainError, match=message):
        services.unit_apply(actor=city.shuziban, **application_args(**{field: value}))


def test_it_refuses_an_opinion_signed_in_the_future(city):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="签署日期"):
        services.unit_apply(actor=city.shuziban, **application_args(superior_signed_on=tomorrow))


@pytest.mark.parametrize(
    "field,value",
    [
        ("full_name", "白银市财政局"),
        ("short_name", "市财政局"),
        ("agency_code", "白财"),
    ],
)
def test_it_refuses_a_name_or_code_a_live_unit_uses(city, field, value):
    with pytest.raises(Conflict):
        services.unit_apply(actor=city.shuziban, **application_args(**{field: value}))


def test_another_administrator_registers_the_unit(city, shuziban2):
    application = services.unit_apply(actor=city.shuziban, **application_args())
    unit = services.unit_review(actor=shuziban2, unit=application.unit, approve=True)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.REGISTERED and unit.in_directory and unit.registered_at
    name = unit.names.get()
    assert (
        name.full_name == "白银市审计局"
        and name.valid_from == unit.registered_at
        and name.valid_to is None
    )
    application.refresh_from_db()
    assert application.reviewed_by == shuziban2
    assert AuditEvent.objects.filter(action="org.unit_registered", actor_id=shuziban2.pk).exists()


def test_the_filer_cannot_review_their_own_application(city):
    application = services.unit_apply(actor=city.shuziban, **application_args())
    with pytest.raises(Forbidden, match="四眼原则"):
        services.unit_review(actor=city.shuziban, unit=application.unit, approve=True)
    application.unit.refresh_from_db()
    assert application.unit.status == Unit.Status.APPLIED


def test_a_unit_admin_cannot_review(city):
    application = services.unit_apply(actor=city.shuziban, **application_args())
    with pytest.raises(Forbidden):
        services.unit_review(actor=city.a_admin, unit=application.unit, approve=True)


def test_a_rejection_needs_a_reason_and_is_final(city, shuziban2):
    application = services.unit_apply(actor=city.a_admin, **application_args())
    with pytest.raises(DomainError, match="审核意见"):
        services.unit_review(actor=shuziban2, unit=application.unit, approve=False)
    unit = services.unit_review(
        actor=shuziban2, unit=application.unit, approve=False, reason="材料不全"
    )
    assert unit.status == Unit.Status.REJECTED and not unit.in_directory
    with pytest.raises(Conflict):
        services.unit_review(actor=city.shuziban, unit=unit, approve=True)


def test_a_rejected_name_may_apply_again(city, shuziban2):
    first = services.unit_apply(actor=city.shuziban, **application_args())
    services.unit_review(actor=shuziban2, unit=first.unit, approve=False, reason="材料不全")
    second = services.unit_apply(actor=city.shuziban, **application_args())
    assert second.unit.pk != first.unit.pk


def test_a_second_click_on_approve_is_refused(city, shuziban2):
    application = services.unit_apply(actor=city.shuziban, **application_args())
    services.unit_review(actor=shuziban2, unit=application.unit, approve=True)
    with pytest.raises(Conflict, match="已注册"):
        services.unit_review(actor=shuziban2, unit=application.unit, approve=True)
    assert application.unit.names.count() == 1


def test_a_unit_without_an_application_cannot_be_reviewed(city):
    with pytest.raises(Conflict):
        services.unit_review(actor=city.shuziban, unit=city.a, approve=True)


def test_a_disabled_city_admin_cannot_act(city):
    idle = make_person("idle_admin", city.digital_office, "city_admin", status="disabled")
    with pytest.raises(Forbidden):
        services.unit_apply(actor=idle, **application_args())
