"""Check-out / check-in: the holder alone uploads until check-in; others get a Conflict that
names who holds the document and since when; a stale lock can be broken by the document
administrator or the unit's system administrator, audited and told to the holder."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wenshu.audit.models import AuditEvent
from wenshu.lib.errors import Conflict, Forbidden, NotFound
from wenshu.library import services
from wenshu.library.models import Access, Item, LockState
from wenshu.library.tests.conftest import unit_item, upload
from wenshu.notify.models import Notification

pytestmark = pytest.mark.usefixtures("clamd_socket")


@pytest.fixture
def shared_doc(lib):
    """A unit document a_clerk owns, shared read-write with a_staff."""
    item = unit_item(lib.a_clerk, "年度总结", "总结第一稿")
    services.library_share_set(
        actor=lib.a_clerk, item=item, access_level=Access.WRITE, person=lib.a_staff
    )
    return item


def test_a_checkout_locks_the_item_for_its_holder(lib, shared_doc):
    item = services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    assert item.checked_out_by == lib.a_staff and item.checked_out_at is not None
    assert item.lock_state == LockState.CHECKED_OUT
    version = services.library_version_add(
        actor=lib.a_staff, item=item, upload=upload(lib.a_staff, "总结.txt", "第二稿")
    )
    assert version.number == 2


def test_others_get_a_conflict_naming_the_holder_and_the_time(lib, shared_doc):
    item = services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    since = timezone.localtime(item.checked_out_at).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(Conflict) as refused:
        services.library_version_add(
            actor=lib.a_clerk, item=item, upload=upload(lib.a_clerk, "总结.txt", "抢着改")
        )
    assert "市财政局的艾科员（a_staff）" in refused.value.message
    assert since in refused.value.message and "签出" in refused.value.message
    with pytest.raises(Conflict, match="艾科员"):
        services.library_item_checkout(actor=lib.a_clerk, item=item)
    assert item.versions.count() == 1


def test_checking_out_twice_is_refused_not_doubled(lib, shared_doc):
    services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    with pytest.raises(Conflict, match="无需重复签出"):
        services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    assert AuditEvent.objects.filter(action="library.checked_out").count() == 1


def test_checkin_releases_the_lock_and_may_carry_a_new_version(lib, shared_doc):
    services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    item = services.library_item_checkin(
        actor=lib.a_staff,
        item=shared_doc,
        upload=upload(lib.a_staff, "总结.txt", "定稿"),
        note="定稿",
    )
    assert item.checked_out_by is None and item.current_version.number == 2
    assert item.current_version.note == "定稿"
    services.library_version_add(
        actor=lib.a_clerk, item=item, upload=upload(lib.a_clerk, "总结.txt", "再改")
    )


def test_only_the_holder_checks_in(lib, shared_doc):
    services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    with pytest.raises(Conflict, match="只有签出人可以签入"):
        services.library_item_checkin(actor=lib.a_clerk, item=shared_doc)
    services.library_item_checkin(actor=lib.a_staff, item=shared_doc)
    with pytest.raises(Conflict, match="当前未签出"):
        services.library_item_checkin(actor=lib.a_staff, item=shared_doc)


def test_a_reader_cannot_check_out(lib):
    item = unit_item(lib.a_clerk)  # 本单位: a_staff may read it
    with pytest.raises(Forbidden, match="只有查看权限"):
        services.library_item_checkout(actor=lib.a_staff, item=item)


def test_the_doc_admin_breaks_a_stale_lock_audited_and_the_holder_is_told(lib, shared_doc):
    services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    with pytest.raises(Forbidden):
        services.library_lock_break(actor=lib.a_clerk, item=shared_doc, reason="急用")
    with pytest.raises(Exception, match="原因"):
        services.library_lock_break(actor=lib.a_docadmin, item=shared_doc, reason=" ")
    item = services.library_lock_break(actor=lib.a_docadmin, item=shared_doc, reason="签出人出差")
    assert item.checked_out_by is None
    event = AuditEvent.objects.get(action="library.lock_broken")
    assert event.actor_id == lib.a_docadmin.pk and event.details["holder"] == lib.a_staff.pk
    assert event.details["reason"] == "签出人出差"
    told = Notification.objects.get(recipient=lib.a_staff, kind="library.lock")
    assert "签出人出差" in told.body
    with pytest.raises(Conflict, match="当前未签出"):
        services.library_lock_break(actor=lib.a_docadmin, item=shared_doc, reason="再来一次")


def test_the_unit_admin_breaks_a_lock_from_the_list_without_reading_the_document(
    lib, shared_doc, login
):
    services.library_scope_set(actor=lib.a_docadmin, item=shared_doc, scope="private")
    services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    client = login(lib.a_admin)
    assert client.get(reverse("library:item", args=[shared_doc.pk])).status_code == 404
    listing = client.get(reverse("library:locks"))
    assert listing.status_code == 200 and "年度总结" in listing.text and "艾科员" in listing.text
    url = reverse("library:break_lock", args=[shared_doc.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "调离本单位"})
    assert response.status_code == 302 and response["Location"] == reverse("library:locks")
    assert Item.objects.get(pk=shared_doc.pk).checked_out_by is None


def test_the_locks_page_and_lock_break_refuse_others(lib, shared_doc, login):
    services.library_item_checkout(actor=lib.a_staff, item=shared_doc)
    assert login(lib.a_clerk).get(reverse("library:locks")).status_code == 403
    url = reverse("library:break_lock", args=[shared_doc.pk])
    assert login(lib.a_clerk).post(url, {"reason": "急用"}).status_code == 403
    assert login(lib.b_admin).post(url, {"reason": "急用"}).status_code == 404
    with pytest.raises(NotFound):
        services.library_lock_break(actor=lib.b_admin, item=shared_doc, reason="急用")
    assert Item.objects.get(pk=shared_doc.pk).checked_out_by == lib.a_staff


def test_check_out_and_in_through_the_pages(lib, shared_doc, login):
    staff, clerk = login(lib.a_staff), login(lib.a_clerk, Client())
    assert staff.post(reverse("library:checkout", args=[shared_doc.pk])).status_code == 302
    page = clerk.get(reverse("library:item", args=[shared_doc.pk]))
    assert "艾科员 于" in page.text and "签入前只有签出人可以上传新版本" in page.text
    refused = clerk.post(
        reverse("library:version_new", args=[shared_doc.pk]),
        {"file": _file("抢改.txt", "抢改"), "base_version": 1},
    )
    assert refused.status_code == 409 and "艾科员" in refused.text
    done = staff.post(
        reverse("library:checkin", args=[shared_doc.pk]),
        {"file": _file("总结.txt", "改好了"), "note": "改好了"},
    )
    assert done.status_code == 302
    shared_doc.refresh_from_db()
    assert shared_doc.checked_out_by is None and shared_doc.current_version.number == 2


def _file(name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_checking_out_at_once_get_one_holder(city):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to check out in parallel")
    item = unit_item(city.a_clerk, "并发", "并发测试")
    services.library_share_set(
        actor=city.a_clerk, item=item, access_level=Access.WRITE, unit=city.a
    )
    people = [city.a_clerk, city.a_staff, city.a_leader, city.a_custodian]
    results: list[str] = []
    barrier = threading.Barrier(len(people))

    def grab(person):
        barrier.wait()
        try:
            services.library_item_checkout(actor=person, item=Item.objects.get(pk=item.pk))
            results.append("ok")
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=grab, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert AuditEvent.objects.filter(action="library.checked_out").count() == 1
