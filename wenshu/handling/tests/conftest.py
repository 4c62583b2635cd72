"""Handling fixtures: sent documents of unit A delivered to unit B (rows written directly, as
the exchange would leave them; sending itself is tested in the exchange app), departments
and more people in unit B."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_person
from wenshu.documents.models import Document
from wenshu.exchange import services as exchange
from wenshu.exchange.models import Delivery, Dispatch
from wenshu.exchange.tests.conftest import make_seal, seal_document
from wenshu.org.models import Department


def deliver(
    city: Any,
    recipient: Any,
    *,
    title: str = "关于报送年度预算执行情况的通知",
    at: datetime | None = None,
    signed_at: datetime | None = None,
    returned_at: datetime | None = None,
) -> Delivery:
    """One document of unit A sent to `recipient` at `at` (signed for at `signed_at`)."""
    at = at or timezone.now() - timedelta(hours=1)
    doc = Document.objects.create(
        unit=city.a,
        drafter=city.a_staff,
        status=Document.Status.SENT,
        doc_type="通知",
        issuer_mark="白银市财政局文件",
        title=title,
        issuer_signature="白银市财政局",
        doc_number=f"白财发〔2026〕{Document.objects.count() + 1}号",
    )
    dispatch = Dispatch.objects.create(
        document=doc,
        idempotency_key=f"k{doc.pk}",
        sender_unit=city.a,
        sender_name="市财政局",
        sent_by=city.a_clerk,
        sent_at=at,
        main_count=1,
    )
    return Delivery.objects.create(
        dispatch=dispatch,
        document=doc,
        recipient_unit=recipient,
        recipient_name=recipient.short_name,
        kind="main",
        print_allowed=2,
        delivered_at=at,
        signed_at=signed_at,
        returned_at=returned_at,
        return_reason="文号有误" if returned_at else "",
    )


@dataclass
class UnitB:
    office: Any  # 办公室
    finance: Any  # 计划财务科
    office_staff: Any
    finance_staff: Any
    deputy: Any  # a second leader


@pytest.fixture
def b(city: Any) -> UnitB:
    office = Department.objects.create(unit=city.b, name="办公室", order=1)
    finance = Department.objects.create(unit=city.b, name="计划财务科", order=2)
    return UnitB(
        office=office,
        finance=finance,
        office_staff=make_person(
            "b_office", city.b, "staff", real_name="王办公", department=office
        ),
        finance_staff=make_person(
            "b_finance", city.b, "staff", real_name="刘财务", department=finance
        ),
        deputy=make_person("b_deputy", city.b, "unit_leader", real_name="贝副局长"),
    )


@pytest.fixture
def signed(city: Any) -> Callable[..., Delivery]:
    """signed(title=…) → a document of unit A really sealed, sent to unit B, verified and
    signed for by b_clerk (the exchange's own services)."""
    seal = make_seal(city)

    def _make(title: str = "关于报送年度预算执行情况的通知") -> Delivery:
        doc = seal_document(city, seal, title=title)
        [delivery] = exchange.document_send(
            actor=city.a_clerk,
            document=doc,
            main_units=[city.b],
            print_allowed=2,
            idempotency_key=secrets.token_hex(8),
        )
        exchange.delivery_verify(actor=city.b_clerk, delivery=delivery)
        delivery.refresh_from_db()
        exchange.delivery_sign(
            actor=city.b_clerk,
            delivery=delivery,
            data=exchange.registration_defaults(delivery=delivery),
        )
        delivery.refresh_from_db()
        return delivery

    return _make
