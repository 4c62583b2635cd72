"""Internet connection of OA computers (S2 第九条): approval needs the antivirus in place, which
is recorded on the asset; approvals can be revoked."""

from __future__ import annotations

import pytest

from wenshu.assets import services
from wenshu.assets.services._common import RULE_ANTIVIRUS
from wenshu.assets.tests.conftest import reload
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db


def _ask(city, asset):
    return services.internet_request(
        actor=city.a_staff, asset=asset, justification="需登录财政部预算管理一体化系统外网端"
    )


def test_approval_needs_the_antivirus_and_records_it_on_the_asset(city, depts, computer):
    req = _ask(city, computer)
    with pytest.raises(DomainError) as refused:
        services.internet_decide(actor=city.a_admin, request=req, approve=True)
    assert RULE_ANTIVIRUS in refused.value.message
    with pytest.raises(DomainError, match="杀毒软件名称和版本"):
        services.internet_decide(
            actor=city.a_admin,
            request=req,
            approve=True,
            antivirus_product="奇安信天擎",
            antivirus_version=" ",
        )
    assert reload(req).status == "pending" and not reload(computer).internet_approved
    services.internet_decide(
        actor=city.a_admin,
        request=req,
        approve=True,
        antivirus_product="奇安信天擎",
        antivirus_version="10.0.2",
    )
    asset = reload(computer)
    assert asset.internet_approved and asset.internet_approved_at is not None
    assert (asset.antivirus_product, asset.antivirus_version) == ("奇安信天擎", "10.0.2")
    assert reload(req).antivirus_product == "奇安信天擎"


def test_revocation_takes_the_computer_off_the_internet(city, depts, computer):
    req = _ask(city, computer)
    services.internet_decide(
        actor=city.a_admin,
        request=req,
        approve=True,
        antivirus_product="火绒",
        antivirus_version="6.0",
    )
    with pytest.raises(Conflict, match="无需重复申请"):
        _ask(city, computer)
    with pytest.raises(DomainError, match="请填写撤销原因"):
        services.internet_revoke(actor=city.a_admin, request=req, reason="")
    services.internet_revoke(actor=city.a_admin, request=req, reason="业务系统已迁入政务外网")
    assert reload(req).status == "revoked" and not reload(computer).internet_approved
    with pytest.raises(Conflict):
        services.internet_revoke(actor=city.a_admin, request=req, reason="again")


def test_only_the_office_approves_and_a_refusal_needs_a_reason(city, depts, computer):
    req = _ask(city, computer)
    with pytest.raises(Forbidden, match="办公自动化管理办法第九条"):
        services.internet_decide(
            actor=city.a_staff,
            request=req,
            approve=True,
            antivirus_product="火绒",
            antivirus_version="6.0",
        )
    with pytest.raises(DomainError, match="请填写办公室意见"):
        services.internet_decide(actor=city.a_admin, request=req, approve=False)
    services.internet_decide(actor=city.a_admin, request=req, approve=False, note="无必要")
    assert reload(req).status == "rejected" and not reload(computer).internet_approved
    with pytest.raises(Conflict):
        services.internet_revoke(actor=city.a_admin, request=req, reason="x")


def test_only_computers_need_it_and_outsiders_are_refused(city, depts, computer, printer):
    with pytest.raises(DomainError, match="只有计算机"):
        services.internet_request(actor=city.a_staff, asset=printer, justification="x")
    with pytest.raises(NotFound):
        services.internet_request(actor=city.b_staff, asset=computer, justification="x")
    req = _ask(city, computer)
    with pytest.raises(Conflict, match="已有待审批"):
        services.internet_request(actor=city.a_clerk, asset=computer, justification="y")
    with pytest.raises(NotFound):
        services.internet_decide(actor=city.b_admin, request=req, approve=False, note="x")
    with pytest.raises(Forbidden):
        services.internet_withdraw(actor=city.a_clerk, request=req)
    services.internet_withdraw(actor=city.a_staff, request=req)
    assert reload(req).status == "withdrawn"


def test_the_office_records_antivirus_upgrades(city, depts, computer):
    with pytest.raises(Conflict, match="未批准接入互联网"):
        services.internet_antivirus_update(
            actor=city.a_admin, asset=computer, product="火绒", version="6.1"
        )
    req = _ask(city, computer)
    services.internet_decide(
        actor=city.a_admin,
        request=req,
        approve=True,
        antivirus_product="火绒",
        antivirus_version="6.0",
    )
    services.internet_antivirus_update(
        actor=city.a_admin, asset=computer, product="火绒", version="6.1"
    )
    assert reload(computer).antivirus_version == "6.1"
    with pytest.raises(Forbidden):
        services.internet_antivirus_update(
            actor=city.a_staff, asset=computer, product="火绒", version="6.2"
        )
