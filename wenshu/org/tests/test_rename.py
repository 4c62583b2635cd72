"""名称变更 (S1 art. 10(1)): history appended, never rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from conftest import make_person
from wenshu.accounts.roles import Role
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org import hooks, services
from wenshu.org.models import RequestStatus


def _request(city, **overrides):
    args = {
        "actor": city.a_admin,
        "unit": city.a,
        "new_full_name": "白银市财政和国资委",
        "new_short_name": "市财国委",
        "new_agency_code": "白财国",
        "new_admin": city.a_clerk,
        "kept_people": [city.a_leader, city.a_clerk, city.a_custodian],
        "letter_ref": "白财函〔2026〕3号",
    }
    args.update(overrides)
    return services.unit_rename_request(**args)


def test_the_unit_admin_files_a_rename_with_the_people_lists(city):
    request = _request(city)
    assert request.status == RequestStatus.PENDING
    assert set(request.kept_people.all()) == {city.a_leader, city.a_clerk, city.a_custodian}
    # not on the letter's list: listed for closing (the filer too, who did not keep themself)
    assert set(request.closing_people.all()) == {city.a_admin, city.a_staff}
    assert request.old_full_name == "白银市财政局"
    assert AuditEvent.objects.filter(action="org.rename_requested").exists()


def test_approval_opens_a_new_name_period_and_keeps_the_old_one(city):
    before = timezone.now() - dt.timedelta(days=30)
    request = _request(city)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        services.unit_rename_approve(actor=city.shuziban, request=request)
    city.a.refresh_from_db()
    assert (city.a.full_name, city.a.short_name, city.a.agency_code) == (
        "白银市财政和国资委",
        "市财国委",
        "白财国",
    )
    assert city.a.name_at(before) == "白银市财政局"
    assert city.a.short_name_at(before) == "市财政局"
    assert city.a.name_at(timezone.now() + dt.timedelta(days=1)) == "白银市财政和国资委"
    old, new = city.a.names.order_by("valid_from")
    assert old.valid_to == new.valid_from and new.valid_to is None


def test_approval_disables_the_people_not_kept_and_hands_over_the_admin_role(city):
    services.unit_rename_approve(actor=city.shuziban, request=_request(city))
    for person in (city.a_admin, city.a_staff, city.a_leader, city.a_clerk):
        person.refresh_from_db()
        person.forget_roles()
    assert city.a_admin.status == "disabled" and city.a_staff.status == "disabled"
    assert city.a_leader.status == "active"
    assert city.a_clerk.has_role(Role.UNIT_ADMIN)
    assert not city.a_admin.has_role(Role.UNIT_ADMIN)


def test_an_empty_agency_code_keeps_the_current_one(city):
    request = _request(city, new_agency_code="")
    assert request.new_agency_code == "白财"


def test_the_rename_hook_runs_inside_the_approval(city):
    seen = []

    def hook(*, unit, old_name, new_name, actor):
        seen.append((unit.pk, old_name, new_name, actor.pk))

    hooks.register_rename_hook(hook)
    try:
        services.unit_rename_approve(actor=city.shuziban, request=_request(city))
    finally:
        hooks.unregister_rename_hook(hook)
    assert seen == [(city.a.pk, "白银市财政局", "白银市财政和国资委", city.shuziban.pk)]


def test_another_units_admin_gets_not_found(city):
    with pytest.raises(NotFound):
        _request(city, actor=city.b_admin)


@pytest.mark.parametrize("who", ["a_clerk", "a_leader", "shuziban"])
def test_only_the_units_own_admin_files_a_rename(city, who):
    with pytest.raises((Forbidden, NotFound)):
        _request(city, actor=getattr(city, who))


def test_only_the_digital_office_approves(city):
    request = _request(city)
    for who in (city.a_admin, city.a_leader, city.sysadmin):
        with pytest.raises(Forbidden):
            services.unit_rename_approve(actor=who, request=request)


def test_the_new_admin_must_be_a_live_person_of_the_unit(city):
    with pytest.raises(DomainError, match="新系统管理员"):
        _request(city, new_admin=city.b_clerk)


def test_the_keep_list_may_not_hold_strangers(city):
    with pytest.raises(DomainError, match="保留人员名单"):
        _request(city, kept_people=[city.a_leader, city.b_staff])


def test_the_new_admin_may_not_break_the_role_rules(city):
    auditor_in_a = make_person("a_auditor", city.a, "audit_admin")
    with pytest.raises(DomainError, match="三员分立"):
        _request(city, new_admin=auditor_in_a)


def test_it_refuses_the_same_name_or_a_name_in_use(city):
    with pytest.raises(DomainError, match="相同"):
        _request(city, new_full_name="白银市财政局", new_short_name="市财政局", new_agency_code="")
    with pytest.raises(Conflict):
        _request(city, new_full_name="白银市教育局")


def test_only_one_pending_rename_per_unit(city):
    _request(city)
    with pytest.raises(Conflict, match="待审核"):
        _request(city, new_full_name="白银市财政局（新）", new_short_name="新财政")


def test_a_decided_rename_cannot_be_decided_again(city):
    request = _request(city)
    services.unit_rename_approve(actor=city.shuziban, request=request)
    with pytest.raises(Conflict):
        services.unit_rename_approve(actor=city.shuziban, request=request)
    with pytest.raises(Conflict):
        services.unit_rename_reject(actor=city.shuziban, request=request, reason="重复")
    assert city.a.names.count() == 2


def test_a_rejection_needs_a_reason_and_changes_nothing(city):
    request = _request(city)
    with pytest.raises(DomainError, match="退回理由"):
        services.unit_rename_reject(actor=city.shuziban, request=request, reason=" ")
    services.unit_rename_reject(actor=city.shuziban, request=request, reason="来函未盖章")
    city.a.refresh_from_db()
    city.a_staff.refresh_from_db()
    assert city.a.full_name == "白银市财政局" and city.a_staff.status == "active"


def test_the_unit_admin_withdraws_a_pending_rename(city):
    request = _request(city)
    with pytest.raises(NotFound):
        services.unit_rename_withdraw(actor=city.b_admin, request=request)
    services.unit_rename_withdraw(actor=city.a_admin, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(Conflict):
        services.unit_rename_approve(actor=city.shuziban, request=request)


def test_approval_is_refused_when_the_new_admin_left_meanwhile(city):
    request = _request(city)
    city.a_clerk.status = "disabled"
    city.a_clerk.save(update_fields=["status"])
    with pytest.raises(Conflict, match="新系统管理员"):
        services.unit_rename_approve(actor=city.shuziban, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
