"""The exchange pages: 待分发, sending, 已发公文, tracking with filters and 催办, the recipient's
page and package; every page refuses outsiders."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from wenshu.exchange import services
from wenshu.exchange.models import Delivery, Dispatch
from wenshu.exchange.tests.conftest import key
from wenshu.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(city, doc, more):
    services.document_send(
        actor=city.a_clerk,
        document=doc,
        main_units=[city.b],
        copy_units=[more.c],
        groups=[more.group],
        print_allowed={city.b.pk: 3},
        print_default=0,
        idempotency_key=key(),
    )
    return doc


def send_form(city, more, **extra):
    data = {
        "main_units": [city.b.pk],
        "copy_units": [more.c.pk],
        "main_groups": [more.group.pk],
        "print_default": "2",
        "idempotency_key": "page-key-1",
        "action": "send",
    }
    return {**data, **extra}


# --- 待分发 and the send page ----------------------------------------------------------------


def test_the_clerk_sees_sealed_documents_to_dispatch_and_the_counter(city, doc, login):
    page = login(city.a_clerk).get(reverse("exchange:to_dispatch"))
    assert page.status_code == 200
    assert doc.title in page.content.decode()
    workbench = login(city.a_clerk).get(reverse("web:workbench")).content.decode()
    assert "待分发" in workbench


def test_the_to_dispatch_page_is_for_clerks(city, doc, login):
    assert login(city.a_staff).get(reverse("exchange:to_dispatch")).status_code == 403
    other = login(city.b_clerk).get(reverse("exchange:to_dispatch"))
    assert other.status_code == 200 and doc.title not in other.content.decode()


def test_the_send_page_previews_the_expanded_recipients(city, doc, more, login):
    url = reverse("exchange:send", args=[doc.pk])
    page = login(city.a_clerk).get(url)
    assert page.status_code == 200 and 'name="idempotency_key"' in page.content.decode()
    preview = login(city.a_clerk).post(url, send_form(city, more, action="preview"))
    text = preview.content.decode()
    assert preview.status_code == 200
    for name in ("白银市教育局", "白银市公安局", "白银市民政局"):
        assert name in text
    assert f'name="print_{more.d.pk}"' in text and "市直各部门" in text
    assert not Dispatch.objects.exists()


def test_sending_from_the_page_uses_the_typed_copies_and_goes_to_tracking(city, doc, more, login):
    form = send_form(city, more, **{f"print_{more.c.pk}": "0", f"print_{city.b.pk}": "5"})
    response = login(city.a_clerk).post(reverse("exchange:send", args=[doc.pk]), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:tracking", args=[doc.pk])
    allowed = dict(Delivery.objects.values_list("recipient_unit_id", "print_allowed"))
    assert allowed == {city.b.pk: 5, more.c.pk: 0, more.d.pk: 2}


def test_a_double_submit_of_the_page_sends_once(city, doc, more, login):
    client = login(city.a_clerk)
    url = reverse("exchange:send", args=[doc.pk])
    assert client.post(url, send_form(city, more)).status_code == 302
    assert client.post(url, send_form(city, more)).status_code == 302
    assert Dispatch.objects.count() == 1 and Delivery.objects.count() == 3


def test_a_refused_send_keeps_what_was_typed(city, doc, more, login):
    form = send_form(city, more, main_units=[], main_groups=[], print_default="7")
    page = login(city.a_clerk).post(reverse("exchange:send", args=[doc.pk]), form)
    text = page.content.decode()
    assert page.status_code == 400
    assert "请至少选择一个主送机关" in text and 'value="7"' in text
    assert f'<option value="{more.c.pk}" selected>' in text


def test_a_bad_copies_number_is_shown_on_the_page(city, doc, more, login):
    form = send_form(city, more, **{f"print_{more.c.pk}": "-3"})
    page = login(city.a_clerk).post(reverse("exchange:send", args=[doc.pk]), form)
    assert page.status_code == 400 and "白银市公安局" in page.content.decode()
    assert not Delivery.objects.exists()


def test_a_non_clerk_sees_the_send_page_without_the_form_and_cannot_post(city, doc, more, login):
    client = login(city.a_staff)
    url = reverse("exchange:send", args=[doc.pk])
    assert "idempotency_key" not in client.get(url).content.decode()
    refused = client.post(url, send_form(city, more))
    assert refused.status_code == 403 and not Delivery.objects.exists()


def test_another_unit_gets_404_on_the_send_page(city, doc, more, login):
    client = login(city.b_clerk)
    url = reverse("exchange:send", args=[doc.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, send_form(city, more)).status_code == 404


# --- 已发公文 and tracking --------------------------------------------------------------------


def test_the_sent_list_shows_the_units_documents_with_progress(city, sent, login):
    for who in ("a_clerk", "a_leader", "a_admin"):
        page = login(getattr(city, who)).get(reverse("exchange:sent"))
        assert page.status_code == 200 and sent.title in page.content.decode()
    other = login(city.b_clerk).get(reverse("exchange:sent"))
    assert other.status_code == 200 and sent.title not in other.content.decode()
    assert login(city.a_staff).get(reverse("exchange:sent")).status_code == 403


def test_the_tracking_page_lists_every_recipient_with_status_and_print(city, sent, login):
    page = login(city.a_leader).get(reverse("exchange:tracking", args=[sent.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("白银市教育局", "白银市公安局", "白银市民政局"):
        assert name in text
    assert "0 / 3 份" in text and "不允许打印" in text and "待签收" in text


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"kind": "copy"}, "白银市公安局", "白银市教育局"),
        ({"q": "民政"}, "白银市民政局", "白银市公安局"),
        ({"status": "lagging"}, "白银市教育局", "没有符合条件"),
        ({"status": "delivered", "kind": "main"}, "白银市民政局", "白银市公安局"),
    ],
)
def test_the_tracking_page_filters(city, sent, login, query, shown, hidden):
    page = login(city.a_clerk).get(reverse("exchange:tracking", args=[sent.pk]), query)
    text = page.content.decode()
    table = text[text.index("<tbody>", text.index("催办</th>")) :]
    assert shown in table and hidden not in table


def test_the_tracking_page_has_a_bounded_number_of_queries(
    city, sent, login, django_assert_max_num_queries
):
    client = login(city.a_clerk)
    url = reverse("exchange:tracking", args=[sent.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_the_sent_list_has_a_bounded_number_of_queries(
    city, sent, sealed, more, login, django_assert_max_num_queries
):
    for _ in range(2):
        services.document_send(
            actor=city.a_clerk,
            document=sealed(),
            main_units=[more.c],
            print_allowed=1,
            idempotency_key=key(),
        )
    client = login(city.a_clerk)
    client.get(reverse("exchange:sent"))
    with django_assert_max_num_queries(25):
        page = client.get(reverse("exchange:sent"))
    assert page.content.decode().count("exchange/documents/") >= 3


@pytest.mark.parametrize("who", ["b_clerk", "b_leader", "b_admin", "a_staff", "a_custodian"])
def test_outsiders_get_404_on_tracking_and_reminders(city, sent, login, who):
    client = login(getattr(city, who))
    delivery = Delivery.objects.first()
    assert client.get(reverse("exchange:tracking", args=[sent.pk])).status_code == 404
    assert client.post(reverse("exchange:remind", args=[delivery.pk])).status_code == 404
    assert client.post(reverse("exchange:remind_all", args=[sent.pk])).status_code == 404


def test_reminding_from_the_page_and_the_hourly_limit(city, sent, more, login):
    client = login(city.a_clerk)
    delivery = Delivery.objects.get(recipient_unit=more.c)
    url = reverse("exchange:remind", args=[delivery.pk])
    done = client.post(url, follow=True)
    assert "已催办白银市公安局" in done.content.decode()
    again = client.post(url)
    assert again.status_code == 429 and "一小时内只能催办一次" in again.content.decode()
    everyone = client.post(reverse("exchange:remind_all", args=[sent.pk]), follow=True)
    assert "已催办 2 个未签收单位" in everyone.content.decode()
    assert "另有 1 个单位一小时内已催办过" in everyone.content.decode()


def test_reminders_are_post_only(city, sent, login):
    delivery = Delivery.objects.first()
    url = reverse("exchange:remind", args=[delivery.pk])
    assert login(city.a_clerk).get(url).status_code == 405


# --- the recipient's side ------------------------------------------------------------------


def test_the_recipient_opens_the_notification_link_and_downloads_the_package(city, sent, login):
    link = Notification.objects.get(recipient=city.b_clerk).link
    page = login(city.b_clerk).get(link)
    assert page.status_code == 200 and sent.title in page.content.decode()
    delivery = Delivery.objects.get(recipient_unit=city.b)
    package = login(city.b_leader).get(reverse("exchange:received_package", args=[delivery.pk]))
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(package.content)).namelist()


@pytest.mark.parametrize("who", ["a_clerk", "b_staff", "shuziban"])
def test_others_get_404_on_the_recipients_pages(city, sent, login, who):
    client = login(getattr(city, who))
    delivery = Delivery.objects.get(recipient_unit=city.b)
    assert client.get(reverse("exchange:received", args=[sent.pk])).status_code == 404
    url = reverse("exchange:received_package", args=[delivery.pk])
    assert client.get(url).status_code == 404


def test_pages_need_a_login(client, sent):
    for url in (
        reverse("exchange:sent"),
        reverse("exchange:tracking", args=[sent.pk]),
        reverse("exchange:to_dispatch"),
        reverse("exchange:send", args=[sent.pk]),
    ):
        assert client.get(url).status_code == 302
