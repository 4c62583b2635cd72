"""注销 (S1 art. 10(2)): out of the directory and every group, people disabled, seals flagged
(through the hook), documents' disposal recorded; the people can no longer log in."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from conftest import PASSWORD
from wenshu.accounts.services import login_password
from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org import hooks, services
from wenshu.org.models import Deregistration, RequestStatus, Unit

ARCHIVE = Deregistration.Disposal.ARCHIVE


def _request(city, actor=None, unit=None, **kw):
    kw.setdefault("reason", "机构改革撤销")
    kw.setdefault("disposal", ARCHIVE)
    return services.unit_deregister_request(actor=actor or city.b_admin, unit=unit or city.b, **kw)


def test_the_unit_admin_requests_and_the_digital_office_executes(city):
    group = services.group_create(actor=city.shuziban, name="市直各部门", units=[city.a, city.b])
    request = _request(city, disposal_note="文件归档至市档案馆")
    assert request.status == RequestStatus.PENDING
    unit = services.unit_deregister(actor=city.shuziban, request=request)
    unit.refresh_from_db()
    assert (
        unit.status == Unit.Status.DEREGISTERED and not unit.in_directory and unit.deregistered_at
    )
    assert list(group.units.all()) == [city.a]
    request.refresh_from_db()
    assert (
        request.status == RequestStatus.APPROVED and request.disposal_note == "文件归档至市档案馆"
    )
    assert set(unit.people.values_list("status", flat=True)) == {"disabled"}
    assert AuditEvent.objects.filter(
        action="org.unit_deregistered", target_id=str(unit.pk)
    ).exists()


def test_the_digital_office_files_a_deregistration_itself(city):
    request = _request(city, actor=city.shuziban, disposal=Deregistration.Disposal.DESTROY)
    services.unit_deregister(actor=city.shuziban, request=request)
    city.b.refresh_from_db()
    assert city.b.status == Unit.Status.DEREGISTERED


def test_a_deregistered_units_people_cannot_log_in(city, client, login):
    logged_in = login(city.b_staff)
    services.unit_deregister(actor=city.shuziban, request=_request(city))
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.8")
    with pytest.raises(DomainError, match="所在单位已注销"):
        login_password(request=request, username="b_clerk", password=PASSWORD)
    # even an account someone re-enabled by mistake stays out while its unit is deregistered
    city.b_clerk.status = "active"
    city.b_clerk.save(update_fields=["status"])
    with pytest.raises(DomainError, match="所在单位已注销"):
        login_password(request=request, username="b_clerk", password=PASSWORD)
    # a session opened before the deregistration ends with it
    assert logged_in.get("/workbench/").status_code == 302


def test_the_deregister_hook_runs_inside_the_transaction(city):
    seen = []

    def flag_seals(*, unit, actor):
        seen.append((unit.pk, unit.status, actor.pk))

    hooks.register_deregister_hook(flag_seals)
    try:
        services.unit_deregister(actor=city.shuziban, request=_request(city))
    finally:
        hooks.unregister_deregister_hook(flag_seals)
    assert seen == [(city.b.pk, Unit.Status.DEREGISTERED, city.shuziban.pk)]


def test_a_failing_hook_rolls_everything_back(city):
    def broken(*, unit, actor):
        raise DomainError("印章模块拒绝")

    request = _request(city)
    hooks.register_deregister_hook(broken)
    try:
        with pytest.raises(DomainError):
            services.unit_deregister(actor=city.shuziban, request=request)
    finally:
        hooks.unregister_deregister_hook(broken)
    city.b.refresh_from_db()
    city.b_staff.refresh_from_db()
    request.refresh_from_db()
    assert city.b.status == Unit.Status.REGISTERED and city.b_staff.status == "active"
    assert request.status == RequestStatus.PENDING


def test_another_units_admin_gets_not_found(city):
    with pytest.raises(NotFound):
        _request(city, actor=city.a_admin)


@pytest.mark.parametrize("who", ["b_leader", "b_clerk"])
def test_only_the_units_admin_or_the_digital_office_requests(city, who):
    with pytest.raises(Forbidden):
        _request(city, actor=getattr(city, who))


def test_only_the_digital_office_executes(city):
    request = _request(city)
    with pytest.raises(Forbidden):
        services.unit_deregister(actor=city.b_admin, request=request)


def test_the_digital_office_itself_cannot_be_deregistered(city):
    with pytest.raises(DomainError, match="市数字办"):
        _request(city, actor=city.shuziban, unit=city.digital_office)


@pytest.mark.parametrize(
    "disposal,message",
    [
        ("to_merged", "合并"),
        ("to_superior", "上级"),
        ("burn", "处理方式"),
    ],
)
def test_it_refuses_a_disposal_that_does_not_fit(city, disposal, message):
    with pytest.raises(DomainError, match=message):
        _request(city, disposal=disposal)


def test_handing_to_the_superior_needs_a_superior(city):
    city.b.superior = city.gov_office
    city.b.save()
    request = _request(city, disposal=Deregistration.Disposal.TO_SUPERIOR)
    assert request.disposal == Deregistration.Disposal.TO_SUPERIOR


def test_a_reason_is_required(city):
    with pytest.raises(DomainError, match="注销原因"):
        _request(city, reason="")


def test_one_pending_request_and_no_double_execution(city):
    request = _request(city)
    with pytest.raises(Conflict):
        _request(city, actor=city.shuziban)
    services.unit_deregister(actor=city.shuziban, request=request)
    with pytest.raises(Conflict):
        services.unit_deregister(actor=city.shuziban, request=request)
    with pytest.raises(Conflict, match="已注册"):
        _request(city, actor=city.shuziban)


def test_reject_and_withdraw(city):
    request = _request(city)
    with pytest.raises(DomainError):
        services.unit_deregister_reject(actor=city.shuziban, request=request, reason="")
    services.unit_deregister_reject(actor=city.shuziban, request=request, reason="缺少上级批文")
    second = _request(city)
    with pytest.raises(NotFound):
        services.unit_deregister_withdraw(actor=city.a_admin, request=second)
    services.unit_deregister_withdraw(actor=city.b_admin, request=second)
    second.refresh_from_db()
    assert second.status == RequestStatus.WITHDRAWN
    city.b.refresh_from_db()
    assert city.b.status == Unit.Status.REGISTERED


def test_deregistration_voids_the_units_pending_rename(city):
    rename = services.unit_rename_request(
        actor=city.b_admin,
        unit=city.b,
        new_full_name="白银市教育和体育局",
        new_short_name="市教体局",
        new_admin=city.b_admin,
        kept_people=[],
    )
    services.unit_deregister(actor=city.shuziban, request=_request(city))
    rename.refresh_from_db()
    assert rename.status == RequestStatus.WITHDRAWN
