"""Applications (article 20): unit applies → head signs → government office approves."""

from __future__ import annotations

import pytest

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.seals import services
from wenshu.seals.models import SealApplication
from wenshu.seals.tests.conftest import apply_new, approve

pytestmark = pytest.mark.django_db


def test_it_walks_an_application_through_head_and_government_office(city, keepers):
    app = apply_new(city, keepers, 2)
    assert app.status == "submitted" and app.unit == city.a
    app = services.seal_application_sign_off(
        actor=city.a_leader, application=app, approve=True, opinion="同意"
    )
    assert app.status == "signed" and app.leader == city.a_leader
    app = services.seal_application_decide(actor=city.zhengfuban, application=app, approve=True)
    assert app.status == "approved" and app.approver == city.zhengfuban
    actions = list(
        AuditEvent.objects.filter(
            target_id=str(app.pk), target_type="seals.sealapplication"
        ).values_list("action", flat=True)
    )
    assert actions == [
        "seal.application_submitted",
        "seal.application_signed",
        "seal.application_approved",
    ]


def test_it_lets_the_unit_admin_apply_too(city, keepers):
    app = services.seal_application_submit(
        actor=city.a_admin,
        data=services.ApplicationInput(
            kind="new",
            reason="需要公章",
            seal_type="official",
            custodians=keepers[:1],
            threshold_k=1,
        ),
    )
    assert app.requested_by == city.a_admin


@pytest.mark.parametrize("who", ["a_staff", "a_leader", "a_custodian", "shuziban"])
def test_it_refuses_an_application_from_other_roles(city, keepers, who):
    with pytest.raises(Forbidden):
        services.seal_application_submit(
            actor=getattr(city, who),
            data=services.ApplicationInput(
                kind="new", reason="x", seal_type="official", custodians=keepers[:1], threshold_k=1
            ),
        )


def test_it_refuses_k_above_n_and_zero_and_no_custodians(city, keepers):
    for custodians, k in ((keepers, 4), (keepers, 0), ([], 1)):
        with pytest.raises(DomainError):
            apply_new(city, custodians, k)
    assert not SealApplication.objects.exists()


def test_it_refuses_custodians_of_another_unit_or_without_the_role(city, keepers):
    with pytest.raises(DomainError, match="本单位"):
        apply_new(city, [keepers[0], city.b_staff], 1)
    with pytest.raises(DomainError, match="印章保管人"):
        apply_new(city, [city.a_staff], 1)


def test_it_requires_a_reason_and_a_seal_type(city, keepers):
    with pytest.raises(DomainError, match="理由"):
        services.seal_application_submit(
            actor=city.a_clerk,
            data=services.ApplicationInput(
                kind="new", reason="  ", seal_type="official", custodians=keepers, threshold_k=1
            ),
        )
    with pytest.raises(DomainError, match="类型"):
        services.seal_application_submit(
            actor=city.a_clerk,
            data=services.ApplicationInput(
                kind="new", reason="r", seal_type="", custodians=keepers, threshold_k=1
            ),
        )


def test_only_the_units_own_leader_signs(city, keepers):
    app = apply_new(city, keepers, 1)
    with pytest.raises(Forbidden):
        services.seal_application_sign_off(actor=city.a_admin, application=app, approve=True)
    with pytest.raises(NotFound):
        services.seal_application_sign_off(actor=city.b_leader, application=app, approve=True)
    with pytest.raises(Forbidden):  # the gov approver may see it but may not sign for the unit
        services.seal_application_sign_off(actor=city.zhengfuban, application=app, approve=True)


def test_the_gov_office_cannot_approve_before_the_head_signed(city, keepers):
    app = apply_new(city, keepers, 1)
    with pytest.raises(Conflict):
        services.seal_application_decide(actor=city.zhengfuban, application=app, approve=True)


def test_only_the_gov_approver_approves(city, keepers):
    app = services.seal_application_sign_off(
        actor=city.a_leader, application=apply_new(city, keepers, 1), approve=True
    )
    for who in (city.shuziban, city.a_leader, city.baomiju):
        with pytest.raises(Forbidden):
            services.seal_application_decide(actor=who, application=app, approve=True)


def test_a_signed_application_cannot_be_signed_twice(city, keepers):
    app = apply_new(city, keepers, 1)
    services.seal_application_sign_off(actor=city.a_leader, application=app, approve=True)
    with pytest.raises(Conflict):
        services.seal_application_sign_off(actor=city.a_leader, application=app, approve=True)


def test_a_refusal_needs_an_opinion_and_ends_the_application(city, keepers):
    app = apply_new(city, keepers, 1)
    with pytest.raises(DomainError, match="意见"):
        services.seal_application_sign_off(actor=city.a_leader, application=app, approve=False)
    app = services.seal_application_sign_off(
        actor=city.a_leader, application=app, approve=False, opinion="暂不需要"
    )
    assert app.status == "rejected"
    with pytest.raises(Conflict):
        services.seal_application_sign_off(actor=city.a_leader, application=app, approve=True)


def test_the_gov_office_can_refuse(city, keepers):
    app = services.seal_application_sign_off(
        actor=city.a_leader, application=apply_new(city, keepers, 1), approve=True
    )
    app = services.seal_application_decide(
        actor=city.zhengfuban, application=app, approve=False, opinion="理由不充分"
    )
    assert app.status == "rejected" and app.approver_opinion == "理由不充分"


def test_the_applicant_withdraws_only_before_signing(city, keepers):
    app = apply_new(city, keepers, 1)
    with pytest.raises(Forbidden):
        services.seal_application_withdraw(actor=city.a_admin, application=app)
    assert (
        services.seal_application_withdraw(actor=city.a_clerk, application=app).status
        == "withdrawn"
    )
    app2 = apply_new(city, keepers, 1)
    services.seal_application_sign_off(actor=city.a_leader, application=app2, approve=True)
    with pytest.raises(Conflict):
        services.seal_application_withdraw(actor=city.a_clerk, application=app2)


def test_an_outsider_cannot_see_the_application(city, keepers):
    app = apply_new(city, keepers, 1)
    with pytest.raises(NotFound):
        services.seal_application_withdraw(actor=city.b_clerk, application=app)


def test_change_and_destroy_need_the_units_own_live_seal(city, keepers, seal):
    with pytest.raises(DomainError, match="原印章"):
        services.seal_application_submit(
            actor=city.a_clerk, data=services.ApplicationInput(kind="destroy", reason="r")
        )
    with pytest.raises(NotFound):
        services.seal_application_submit(
            actor=city.b_clerk,
            data=services.ApplicationInput(kind="destroy", reason="r", old_seal=seal),
        )
    with pytest.raises(DomainError, match="变更原因"):
        services.seal_application_submit(
            actor=city.a_clerk,
            data=services.ApplicationInput(
                kind="change", reason="r", old_seal=seal, custodians=keepers, threshold_k=1
            ),
        )


def test_one_open_application_per_seal(city, keepers, seal):
    data = services.ApplicationInput(kind="destroy", reason="不再使用", old_seal=seal)
    services.seal_application_submit(actor=city.a_clerk, data=data)
    with pytest.raises(Conflict, match="正在办理"):
        services.seal_application_submit(
            actor=city.a_admin,
            data=services.ApplicationInput(
                kind="change",
                change_reason="damage",
                reason="损坏",
                old_seal=seal,
                custodians=keepers,
                threshold_k=1,
            ),
        )


def test_a_change_keeps_the_old_seal_type_when_none_is_given(city, keepers, seal):
    app = services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(
            kind="change",
            change_reason="damage",
            reason="损坏",
            old_seal=seal,
            custodians=keepers,
            threshold_k=2,
        ),
    )
    assert app.seal_type == seal.seal_type and app.old_seal == seal
    assert approve(city, app).status == "approved"
