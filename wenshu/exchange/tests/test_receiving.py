"""The receiving side's rules and refusals: verification on opening, 签收登记 with a number
per unit and year, 退回 with the sender told, printing within the permission with 份号 and
the receive time, requests to the sender, and the import hook for internal handling."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.exchange import services
from wenshu.exchange.models import Delivery, DeliveryEvent, DeliveryRequest, Registration
from wenshu.exchange.tests.receiving_helpers import pdf_text, send_to_b, signed_for
from wenshu.lib.errors import Conflict, DomainError, Forbidden, NotFound
from wenshu.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(city, doc):
    return send_to_b(city, doc)


def test_it_verifies_on_opening_and_records_it_once(city, delivery):
    result = services.delivery_verify(actor=city.b_clerk, delivery=delivery)
    assert result.ok, result.reasons
    assert result.seal_unit and result.signing_time is not None and result.seal_name
    services.delivery_verify(actor=city.b_leader, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.VERIFIED and delivery.verified_at is not None
    assert delivery.events.filter(kind=DeliveryEvent.Kind.VERIFIED).count() == 1


def test_it_signs_for_and_registers_with_numbers_per_unit_and_year(city, sealed, doc):
    first = signed_for(city, send_to_b(city, doc))
    second = signed_for(city, send_to_b(city, sealed(title="关于第二件事的通知")))
    regs = list(Registration.objects.order_by("number"))
    year = timezone.localdate().year
    assert [(r.number, r.year) for r in regs] == [(1, year), (2, year)]
    assert regs[0].label == f"收〔{regs[0].year}〕1号"
    assert regs[0].sender_name == first.dispatch.sender_name
    assert regs[0].title == first.document.title
    assert first.status == second.status == Delivery.Status.SIGNED and first.signed_at


def test_it_refuses_to_sign_before_verification_or_twice(city, delivery):
    data = services.registration_defaults(delivery=delivery)
    with pytest.raises(Conflict, match="请先打开公文完成验证"):
        services.delivery_sign(actor=city.b_clerk, delivery=delivery, data=data)
    signed_for(city, delivery)
    with pytest.raises(Conflict):
        services.delivery_sign(actor=city.b_clerk, delivery=delivery, data=data)
    assert Registration.objects.count() == 1


def test_it_refuses_bad_registration_input(city, delivery):
    services.delivery_verify(actor=city.b_clerk, delivery=delivery)
    data = services.registration_defaults(delivery=delivery)
    bad = services.RegistrationInput(**{**data.__dict__, "copies": 0})
    with pytest.raises(DomainError, match="份数"):
        services.delivery_sign(actor=city.b_clerk, delivery=delivery, data=bad)
    assert not Registration.objects.exists()


def test_only_the_recipient_units_clerk_acts(city, delivery):
    services.delivery_verify(actor=city.b_clerk, delivery=delivery)
    data = services.registration_defaults(delivery=delivery)
    with pytest.raises(Forbidden):
        services.delivery_sign(actor=city.b_leader, delivery=delivery, data=data)
    for outsider in (city.a_clerk, city.b_staff):
        with pytest.raises(NotFound):
            services.delivery_sign(actor=outsider, delivery=delivery, data=data)
        with pytest.raises(NotFound):
            services.delivery_print(actor=outsider, delivery=delivery)
        with pytest.raises(NotFound):
            services.delivery_verify(actor=outsider, delivery=delivery)


def test_a_return_needs_a_reason_and_tells_the_sender(city, delivery):
    with pytest.raises(DomainError, match="退回原因"):
        services.delivery_return(actor=city.b_clerk, delivery=delivery, reason="  ")
    services.delivery_return(actor=city.b_clerk, delivery=delivery, reason="主送机关有误")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETURNED and delivery.return_reason == "主送机关有误"
    note = Notification.objects.get(recipient=city.a_clerk, title__startswith="公文被退回")
    assert "主送机关有误" in note.body
    with pytest.raises(Conflict):
        services.delivery_return(actor=city.b_clerk, delivery=delivery, reason="再退一次")


def test_a_signed_delivery_cannot_be_returned(city, delivery):
    signed_for(city, delivery)
    with pytest.raises(Conflict, match="已签收登记"):
        services.delivery_return(actor=city.b_clerk, delivery=delivery, reason="错了")


def test_the_sender_links_a_corrected_version_to_the_returned_one(city, sealed, delivery):
    services.delivery_return(actor=city.b_clerk, delivery=delivery, reason="附件缺失")
    corrected = send_to_b(city, sealed(title="关于做好预算编制工作的通知（更正）"))
    with pytest.raises(NotFound):
        services.delivery_link_correction(
            actor=city.b_clerk, returned=delivery, corrected=corrected
        )
    services.delivery_link_correction(actor=city.a_clerk, returned=delivery, corrected=corrected)
    assert Delivery.objects.get(pk=corrected.pk).replaces_id == delivery.pk


def test_printing_needs_signing_gives_numbered_copies_and_stops_at_the_limit(city, delivery):
    with pytest.raises(Conflict, match="先签收登记"):
        services.delivery_print(actor=city.b_clerk, delivery=delivery)
    signed_for(city, delivery)
    first = services.delivery_print(actor=city.b_clerk, delivery=delivery)
    received_at = Delivery.objects.get(pk=delivery.pk).received_at
    second = services.delivery_print(actor=city.b_clerk, delivery=delivery)
    assert (first.copy_number, second.copy_number) == ("000001", "000002")
    text, watermark = pdf_text(second.pdf)
    assert text.startswith("000002") and "白银市教育局" in watermark and "打印" in watermark
    with pytest.raises(Conflict, match="允许打印的 2 份已全部打印"):
        services.delivery_print(actor=city.b_clerk, delivery=delivery)
    row = Delivery.objects.get(pk=delivery.pk)
    assert row.printed_count == 2 and row.received_at == received_at is not None


def test_a_delivery_with_no_print_permission_cannot_print(city, doc):
    delivery = signed_for(city, send_to_b(city, doc, copies=0))
    with pytest.raises(Conflict, match="未允许打印"):
        services.delivery_print(actor=city.b_clerk, delivery=delivery)


def test_the_import_sets_the_receive_time_once(city, delivery):
    with pytest.raises(Conflict, match="先签收登记"):
        services.delivery_mark_imported(actor=city.b_clerk, delivery=delivery)
    signed_for(city, delivery)
    services.delivery_mark_imported(actor=city.b_clerk, delivery=delivery)
    first = Delivery.objects.get(pk=delivery.pk).received_at
    services.delivery_print(actor=city.b_clerk, delivery=delivery)
    assert Delivery.objects.get(pk=delivery.pk).received_at == first is not None
    with pytest.raises(NotFound):
        services.delivery_mark_imported(actor=city.a_clerk, delivery=delivery)


def test_more_copies_requested_approved_then_printed(city, delivery):
    signed_for(city, delivery)
    for _ in range(2):
        services.delivery_print(actor=city.b_clerk, delivery=delivery)
    req = services.delivery_request(
        actor=city.b_clerk, delivery=delivery, kind="more_copies", count=1, reason="需分送分管领导"
    )
    with pytest.raises(Conflict, match="请勿重复申请"):
        services.delivery_request(
            actor=city.b_clerk, delivery=delivery, kind="more_copies", count=1, reason="再申请"
        )
    assert Notification.objects.filter(recipient=city.a_clerk, title__contains="追加").exists()
    with pytest.raises(NotFound):
        services.delivery_request_decide(actor=city.b_clerk, request=req, approve=True)
    services.delivery_request_decide(actor=city.a_clerk, request=req, approve=True)
    assert Delivery.objects.get(pk=delivery.pk).print_allowed == 3
    assert services.delivery_print(actor=city.b_clerk, delivery=delivery).copy_number == "000003"
    assert Notification.objects.filter(recipient=city.b_clerk, title__contains="同意").exists()
    with pytest.raises(Conflict):
        services.delivery_request_decide(actor=city.a_clerk, request=req, approve=False, note="x")


def test_a_refusal_needs_a_reason_and_leaves_the_permission(city, delivery):
    req = services.delivery_request(
        actor=city.b_clerk, delivery=delivery, kind="resend", reason="无法打开"
    )
    with pytest.raises(DomainError, match="理由"):
        services.delivery_request_decide(actor=city.a_clerk, request=req, approve=False)
    services.delivery_request_decide(
        actor=city.a_clerk, request=req, approve=False, note="请重新下载"
    )
    assert DeliveryRequest.objects.get(pk=req.pk).status == DeliveryRequest.Status.REFUSED
    assert Delivery.objects.get(pk=delivery.pk).print_allowed == 2


def test_bad_requests_are_refused(city, delivery):
    with pytest.raises(DomainError, match="追加份数"):
        services.delivery_request(
            actor=city.b_clerk, delivery=delivery, kind="more_copies", count=0, reason="需要"
        )
    with pytest.raises(DomainError, match="申请原因"):
        services.delivery_request(actor=city.b_clerk, delivery=delivery, kind="resend", reason="")
    with pytest.raises(DomainError, match="申请事项"):
        services.delivery_request(actor=city.b_clerk, delivery=delivery, kind="other", reason="x")
    leader = make_person("a_clerk_less", city.a, "unit_leader")
    req = services.delivery_request(
        actor=city.b_clerk, delivery=delivery, kind="resend", reason="无法打开"
    )
    with pytest.raises(Forbidden):
        services.delivery_request_decide(actor=leader, request=req, approve=True)
