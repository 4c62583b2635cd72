"""Destruction with four parties present (article 21), loss (article 23), deregistration."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import make_person, make_unit
from wenshu.audit.models import AuditEvent
from wenshu.lib import gm
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.org import hooks
from wenshu.seals import services
from wenshu.seals.models import DestructionConfirmation, Seal, SealApplication
from wenshu.seals.services.verify import V_OK, V_SEAL_DEAD
from wenshu.seals.tests.conftest import approve

pytestmark = pytest.mark.django_db
PARTIES = {
    "gov_office": "zhengfuban",
    "secrecy_bureau": "baomiju",
    "digital_office": "shuziban",
    "owner_unit": "a_leader",
}


def _destroy_app(city, seal):
    app = services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(kind="destroy", reason="机构调整，不再使用", old_seal=seal),
    )
    return approve(city, app)


def _confirm_all(city, app, skip=()):
    for party, who in PARTIES.items():
        if party not in skip:
            services.seal_destruction_confirm(
                actor=getattr(city, who), application=app, party=party
            )


def test_destruction_is_refused_until_all_four_parties_confirm(city, seal):
    app = _destroy_app(city, seal)
    for missing in PARTIES:
        DestructionConfirmation.objects.all().delete()
        _confirm_all(city, app, skip=(missing,))
        with pytest.raises(Conflict, match="尚未确认到场"):
            services.seal_destroy(actor=city.shuziban, application=app)
        seal.refresh_from_db()
        assert seal.status == "in_use" and seal.wrapped_key is not None


def test_after_four_confirmations_the_key_is_overwritten_and_dropped(city, seal):
    app = _destroy_app(city, seal)
    _confirm_all(city, app)
    length = len(bytes(seal.wrapped_key))
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.seal_destroy(actor=city.shuziban, application=app)
    updates = [
        (sql, params)
        for sql, params in statements
        if sql.startswith("UPDATE") and "wrapped_key" in sql and "seals_seal" in sql
    ]
    assert len(updates) == 2
    # psycopg wraps bytes in its Binary adapter (the value is in .obj)
    values = [getattr(p, "obj", p) for p in updates[0][1]]
    overwrite = [p for p in values if isinstance(p, bytes | bytearray | memoryview)]
    assert len(bytes(overwrite[0])) == length  # first random bytes of the same length …
    assert '"wrapped_key" = NULL' in updates[1][0] or None in updates[1][1]  # … then NULL
    seal.refresh_from_db()
    assert seal.status == "destroyed" and seal.destroyed_at and seal.wrapped_key is None
    app.refresh_from_db()
    assert app.status == "done"
    event = AuditEvent.objects.get(action="seal.destroyed")
    assert event.details["key_bytes_overwritten"] == length
    assert set(event.details["parties"]) == set(PARTIES)


def test_a_destroyed_seal_signs_nothing_but_its_old_signatures_still_verify(city, seal, use):
    digest = gm.sm3_hex(b"2026 official document")
    old_request = use(digest)
    old = services.seal_sign(actor=city.a_clerk, request=old_request)
    pending = use(gm.sm3_hex(b"another"))
    app = _destroy_app(city, seal)
    _confirm_all(city, app)
    services.seal_destroy(actor=city.shuziban, application=app)
    with pytest.raises(Conflict, match="已销毁"):
        services.seal_sign(actor=city.a_clerk, request=pending)
    with pytest.raises(Conflict):
        services.seal_use_request(actor=city.a_clerk, seal=seal, digest_hex=digest, purpose="x")
    verdict = services.seal_verify(signature_der=old.signature_der, digest_hex=digest)
    seal.refresh_from_db()
    assert verdict.ok and verdict.reasons == [V_OK]
    from django.utils import timezone

    when = timezone.localtime(seal.destroyed_at).strftime("%Y-%m-%d %H:%M")
    assert verdict.note == f"该印章已于 {when} 销毁，签章时有效"
    assert V_SEAL_DEAD not in verdict.reasons


@pytest.mark.parametrize(
    ("party", "who"),
    [
        ("gov_office", "baomiju"),
        ("secrecy_bureau", "zhengfuban"),
        ("digital_office", "a_leader"),
        ("owner_unit", "shuziban"),
        ("owner_unit", "a_staff"),
        ("owner_unit", "a_clerk"),
    ],
)
def test_each_party_is_confirmed_only_by_the_right_role_of_the_right_unit(city, seal, party, who):
    app = _destroy_app(city, seal)
    with pytest.raises(Forbidden):
        services.seal_destruction_confirm(actor=getattr(city, who), application=app, party=party)


def test_an_outsiders_unit_admin_cannot_stand_for_the_owner(city, seal):
    app = _destroy_app(city, seal)
    with pytest.raises(NotFound):
        services.seal_destruction_confirm(actor=city.b_leader, application=app, party="owner_unit")


def test_a_custodian_may_confirm_for_the_owner_unit(city, seal):
    app = _destroy_app(city, seal)
    row = services.seal_destruction_confirm(
        actor=city.a_custodian, application=app, party="owner_unit"
    )
    assert row.person == city.a_custodian


def test_a_party_confirms_once_and_one_person_stands_for_one_party(city, seal):
    app = _destroy_app(city, seal)
    services.seal_destruction_confirm(actor=city.zhengfuban, application=app, party="gov_office")
    with pytest.raises(Conflict, match="重复"):
        services.seal_destruction_confirm(
            actor=city.zhengfuban, application=app, party="gov_office"
        )
    both = make_person("both", city.digital_office, "city_admin", "secrecy_officer")
    services.seal_destruction_confirm(actor=both, application=app, party="digital_office")
    with pytest.raises(Conflict, match="两方"):
        services.seal_destruction_confirm(actor=both, application=app, party="secrecy_bureau")


def test_confirmation_needs_an_approved_destroy_application(city, seal):
    app = services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(kind="destroy", reason="r", old_seal=seal),
    )
    with pytest.raises(Conflict):
        services.seal_destruction_confirm(
            actor=city.zhengfuban, application=app, party="gov_office"
        )
    with pytest.raises(Conflict):
        services.seal_destroy(actor=city.shuziban, application=app)


def test_only_the_digital_office_destroys(city, seal):
    app = _destroy_app(city, seal)
    _confirm_all(city, app)
    for who in ("zhengfuban", "baomiju", "a_leader"):
        with pytest.raises((Forbidden, NotFound)):
            services.seal_destroy(actor=getattr(city, who), application=app)


def test_a_destroyed_seal_cannot_be_destroyed_or_changed_again(city, seal):
    app = _destroy_app(city, seal)
    _confirm_all(city, app)
    services.seal_destroy(actor=city.shuziban, application=app)
    with pytest.raises(Conflict):
        services.seal_destroy(actor=city.shuziban, application=app)
    with pytest.raises(Conflict, match="已销毁"):
        _destroy_app(city, seal)


def test_a_custodian_reports_a_loss_and_the_seal_stops_at_once(city, keepers, seal, use):
    req = use()
    services.seal_report_loss(actor=keepers[1], seal=seal, reason="存放密钥的设备遗失")
    seal.refresh_from_db()
    req.refresh_from_db()
    assert seal.status == "suspended" and seal.suspended_at and "遗失" in seal.suspend_reason
    assert req.status == "expired"
    assert AuditEvent.objects.filter(action="seal.suspended", target_id=str(seal.pk)).exists()


def test_the_unit_admin_may_report_a_loss_but_not_staff_or_outsiders(city, seal):
    with pytest.raises(Forbidden):
        services.seal_report_loss(actor=city.a_staff, seal=seal, reason="x")
    with pytest.raises(NotFound):
        services.seal_report_loss(actor=city.b_admin, seal=seal, reason="x")
    with pytest.raises(Forbidden):  # the digital office sees it but the unit reports
        services.seal_report_loss(actor=city.shuziban, seal=seal, reason="x")
    with pytest.raises(DomainError, match="原因"):
        services.seal_report_loss(actor=city.a_admin, seal=seal, reason=" ")
    services.seal_report_loss(actor=city.a_admin, seal=seal, reason="遗失")
    with pytest.raises(Conflict):
        services.seal_report_loss(actor=city.a_admin, seal=seal, reason="again")


def test_a_lost_seal_is_replaced_through_a_change_and_then_destroyed(city, keepers, seal):
    services.seal_report_loss(actor=keepers[0], seal=seal, reason="遗失")
    change = services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(
            kind="change",
            change_reason="loss",
            reason="遗失补制",
            old_seal=seal,
            custodians=keepers,
            threshold_k=2,
        ),
    )
    new = services.seal_produce(actor=city.shuziban, application=approve(city, change))
    seal.refresh_from_db()
    assert seal.status == "retired" and new.status == "in_use"
    app = _destroy_app(city, seal)
    _confirm_all(city, app)
    assert services.seal_destroy(actor=city.shuziban, application=app).status == "destroyed"


def test_the_deregistration_hook_is_registered():
    assert services.seals_flag_unit_deregistered in hooks._deregister_hooks


def test_a_deregistered_units_seals_are_suspended_and_flagged(city, seal):
    hooks.run_deregister_hooks(unit=city.a, actor=city.shuziban)
    seal.refresh_from_db()
    assert seal.status == "suspended"
    app = SealApplication.objects.get(old_seal=seal, kind="destroy")
    assert app.status == "approved" and app.requested_by is None
    hooks.run_deregister_hooks(unit=city.a, actor=city.shuziban)  # twice changes nothing
    assert SealApplication.objects.filter(old_seal=seal, kind="destroy").count() == 1


def test_open_applications_of_a_deregistered_unit_are_cancelled(city, keepers, seal):
    change = services.seal_application_submit(
        actor=city.a_clerk,
        data=services.ApplicationInput(
            kind="change",
            change_reason="damage",
            reason="损坏",
            old_seal=seal,
            custodians=keepers,
            threshold_k=1,
        ),
    )
    hooks.run_deregister_hooks(unit=city.a, actor=city.shuziban)
    change.refresh_from_db()
    assert change.status == "cancelled"
    assert SealApplication.objects.get(old_seal=seal, status="approved").kind == "destroy"


def test_a_deregistered_owner_without_successor_is_recorded_by_name(city, seal):
    hooks.run_deregister_hooks(unit=city.a, actor=city.shuziban)
    city.a.status = "deregistered"
    city.a.save(update_fields=["status"])
    app = SealApplication.objects.get(old_seal=seal, kind="destroy")
    other = make_person("shuziban2", city.digital_office, "city_admin")
    with pytest.raises(DomainError, match="姓名"):
        services.seal_destruction_confirm(actor=other, application=app, party="owner_unit")
    row = services.seal_destruction_confirm(
        actor=other, application=app, party="owner_unit", attendee_name="艾局长"
    )
    assert row.attendee_name == "艾局长"
    for party in ("gov_office", "secrecy_bureau", "digital_office"):
        services.seal_destruction_confirm(
            actor=getattr(city, PARTIES[party]), application=app, party=party
        )
    assert services.seal_destroy(actor=city.shuziban, application=app).status == "destroyed"


def test_a_merged_units_successor_stands_for_the_owner(city, seal):
    target = make_unit("白银市财政和金融局", "财金局", "白财金")
    leader = make_person("t_leader", target, "unit_leader")
    city.a.merged_into = target
    city.a.save(update_fields=["merged_into"])
    hooks.run_merge_hooks(source=city.a, target=target, actor=city.shuziban)
    app = SealApplication.objects.get(old_seal=seal, kind="destroy")
    row = services.seal_destruction_confirm(actor=leader, application=app, party="owner_unit")
    assert row.party == "owner_unit"
    assert Seal.objects.get(pk=seal.pk).status == "suspended"
