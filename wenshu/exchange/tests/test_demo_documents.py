"""The demo city comes with sealed, sent documents: a full inbox and tracking page at once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from wenshu.accounts.models import User
from wenshu.documents.models import Document
from wenshu.exchange.demo import DEMO_DOCUMENTS
from wenshu.exchange.models import Delivery, Dispatch
from wenshu.seals.models import Seal

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    call_command("load_demo_city")


def test_the_demo_documents_are_sealed_and_sent_through_the_services(loaded):
    sent = Document.objects.filter(status=Document.Status.SENT)
    assert sent.count() == len(DEMO_DOCUMENTS) == 3
    assert {d.doc_type for d in sent} == {"通知", "函"}
    for doc in sent:
        assert doc.doc_number and doc.sealed.signature_der
        assert doc.sent_at == doc.dispatch.sent_at
        assert doc.process.status == "completed"
    assert Seal.objects.filter(status=Seal.Status.IN_USE).count() == 3
    czj = Dispatch.objects.get(sender_unit__short_name="市财政局")
    assert czj.deliveries.count() >= 10  # the group 市直各部门 (without itself) + 市政府办
    assert czj.deliveries.get(recipient_unit__short_name="市政府办").print_allowed == 0
    letter = Dispatch.objects.get(sender_unit__short_name="市教育局")
    assert sorted(letter.deliveries.values_list("recipient_name", "kind")) == [
        ("白银市交通运输局", "copy"),
        ("白银市公安局", "main"),
    ]


def test_loading_twice_adds_no_documents(loaded, settings):
    counts = (Document.objects.count(), Delivery.objects.count(), Seal.objects.count())
    call_command("load_demo_city")
    assert (Document.objects.count(), Delivery.objects.count(), Seal.objects.count()) == counts


def test_a_newcomer_sees_the_tracking_page_and_the_inbox(loaded, client):
    sender = User.objects.get(username="czj_clerk")
    doc = Dispatch.objects.get(sender_unit=sender.unit).document
    client.force_login(sender, backend="wenshu.accounts.backends.WenshuBackend")
    page = client.get(reverse("exchange:tracking", args=[doc.pk]))
    assert page.status_code == 200 and "白银市公安局" in page.content.decode()
    recipient = User.objects.get(username="gaj_clerk")
    client.force_login(recipient, backend="wenshu.accounts.backends.WenshuBackend")
    assert client.get(reverse("exchange:received", args=[doc.pk])).status_code == 200
